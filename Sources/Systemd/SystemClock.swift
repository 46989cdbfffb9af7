// SPDX-License-Identifier: Apache-2.0
import Primitives
import CLinux
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The device's real clocks for the engine: `CLOCK_REALTIME`, `CLOCK_BOOTTIME`
/// (never jumps, counts suspend) with this boot's id, and a timerfd that
/// tells when the wall clock is set.
public struct SystemClock: DeviceClock {
    /// systemd-timesyncd creates this once it has synchronized the clock (and /run
    /// is emptied at boot). Without it (no timesyncd, or not yet synchronized), the
    /// wall clock is not trusted to age tokens stored in an earlier boot.
    static let synchronizedFlag = "/run/systemd/timesync/synchronized"

    let bootID: String
    /// The flag stays until the next boot: once seen, `now()` (on the token path)
    /// no longer asks the file system.
    private let synchronized = SynchronizedFlag()

    public init() {
        bootID = Self.readBootID() ?? "unknown-boot"
    }

    /// The kernel's id of this boot, as sd_id128_get_boot(3) gives it: 32 lowercase
    /// hex digits (the file has the UUID form, with dashes).
    static func readBootID(_ path: String = "/proc/sys/kernel/random/boot_id") -> String? {
        guard let text = try? SystemFiles.readText(path, limit: 4096), let id = MachineID.parse(text) else { return nil }
        return Hex.encode(id)
    }

    public func now() -> Moment {
        Moment(wall: WallTime(),
               boot: BootInstant(bootID: bootID, seconds: deviceauth_clock_seconds(CLOCK_BOOTTIME)),
               wallSynchronized: synchronized.seen || synchronized.check(Self.synchronizedFlag))
    }

    public func sleep(untilBoot deadline: Double) async throws {
        let seconds = deadline - deviceauth_clock_seconds(CLOCK_BOOTTIME)
        guard seconds > 0 else { return try Task.checkCancellation() }
        // Swift's continuous clock sleeps on a CLOCK_BOOTTIME timer: suspend counts.
        try await Task.sleep(for: .nanoseconds(Int64((seconds * 1e9).rounded(.up))), clock: .continuous)
    }

    public func wallClockChanges() -> AsyncStream<Void> { WallClockWatch.start() }
}

/// Whether a flag file has been seen, remembered once it has.
private final class SynchronizedFlag: Sendable {
    private let present = Atomic(false)

    var seen: Bool { present.load(ordering: .relaxed) }

    func check(_ path: String) -> Bool {
        guard access(path, F_OK) == 0 else { return false }
        present.store(true, ordering: .relaxed)
        return true
    }
}
