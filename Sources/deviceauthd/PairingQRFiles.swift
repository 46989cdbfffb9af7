import DeviceAuth
import Logging
import QRCode
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `$RUNTIME_DIRECTORY/pairing.png` and `pairing.svg` for the camera's screen:
/// the QR code of the current verification URL, rewritten atomically for each
/// new code and removed once the device is no longer pairing.
final class PairingQRFiles: PairingObserver {
    static let minimumPixels = 256
    let directory: String
    let logger: Logger
    /// The URL the files show now, if any.
    private let shown = Mutex<String?>(nil)

    init(directory: String, logger: Logger) {
        self.directory = directory
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
            try SystemFiles.makeDirectory(directory, mode: 0o755)
            // Readable by the camera's UI process; they hold no secret (only the user code).
            try SystemFiles.writeAtomically(code.png(minimumPixels: Self.minimumPixels), to: pngPath, mode: 0o644)
            try SystemFiles.writeAtomically(Array(code.svg(minimumPixels: Self.minimumPixels, caption: QRCode.scanAdvice).utf8), to: svgPath, mode: 0o644)
        } catch {
            logger.error("cannot write the pairing QR code to \(directory): \(error)", metadata: ["state": "\(state.name)"])
        }
    }

    func engineAlive() {}
}
