import CSystemd
#if canImport(Glibc)
import Glibc
#endif

/// sd_notify(3): tells the service manager we are ready, what we are doing,
/// that we are alive and that we are stopping. Without `$NOTIFY_SOCKET` (not
/// started by systemd) every call is a harmless no-op.
public struct SystemdNotifier: Sendable {
    public init() {}

    public func ready(status: String) { send("READY=1\nSTATUS=\(Self.oneLine(status))") }
    public func status(_ status: String) { send("STATUS=\(Self.oneLine(status))") }
    public func watchdog() { send("WATCHDOG=1") }
    public func stopping(status: String) { send("STOPPING=1\nSTATUS=\(Self.oneLine(status))") }
    /// RELOADING=1 with the CLOCK_MONOTONIC time that systemd 253+ asks of Type=notify-reload services.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        send("RELOADING=1\nMONOTONIC_USEC=\(UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000)")
    }

    func send(_ message: String) {
        _ = sd_notify(0, message)
    }

    /// STATUS= is one line; a newline would start a new assignment.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    /// How often to send WATCHDOG=1: half of `WATCHDOG_USEC`, or nil when the
    /// unit has no WatchdogSec= (or the variables are meant for another process).
    public static func watchdogInterval() -> Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(microseconds / 2))
    }
}
