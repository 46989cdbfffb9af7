// SPDX-License-Identifier: Apache-2.0
import Primitives
import DeviceAuth
import Logging
import QRCode
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `$RUNTIME_DIRECTORY/pairing.png` and `pairing.svg` for the camera's screen:
/// the QR code of the current verification URL, rewritten atomically for each
/// new code and removed once the device is no longer pairing. The code in them
/// lets whoever reads it approve the device with their own account, so they are
/// the daemon's (0600), or 0640 in the first group of `PairingViewers=` (the
/// camera's UI); the daemon must be a member of that group (`SupplementaryGroups=`).
final class PairingQRFiles: PairingObserver {
    static let minimumPixels = 256
    let directory: String
    let logger: Logger
    /// The group that may read the files, asked at every write (a reload may change it).
    let group: @Sendable () -> gid_t?
    /// The URL the files show now, if any.
    private let shown = Mutex<String?>(nil)

    init(directory: String, group: @escaping @Sendable () -> gid_t?, logger: Logger) {
        self.directory = directory
        self.group = group
        self.logger = logger
    }

    var pngPath: String { directory + "/pairing.png" }
    var svgPath: String { directory + "/pairing.svg" }

    func pairingStateChanged(_ state: PairingState, status: String) {
        let url = PairingSnapshot(state).qrURL
        let changed = shown.withLock { current in
            defer { current = url }
            return current != url
        }
        guard changed else { return }
        guard let url else {
            unlink(pngPath)
            unlink(svgPath)
            return
        }
        do {
            let code = try QRCode(url)
            // The directory holds the control socket too: anyone may reach it, not list secrets in it.
            try SystemFiles.makeDirectory(directory, mode: 0o755)
            let group = group()
            let mode: mode_t = group == nil ? 0o600 : 0o640
            try SystemFiles.writeAtomically(code.png(minimumPixels: Self.minimumPixels), to: pngPath, mode: mode, group: group)
            try SystemFiles.writeAtomically(Array(code.svg(minimumPixels: Self.minimumPixels, caption: QRCode.scanAdvice).utf8), to: svgPath,
                                            mode: mode, group: group)
        } catch {
            logger.error("cannot write the pairing QR code to \(directory): \(error) (for a PairingViewers= group, the daemon must be a member of it: SupplementaryGroups= in the unit)",
                         metadata: ["state": "\(state.name)"])
        }
    }

    func engineAlive() {}
}
