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

    /// Sends without ever waiting: libsystemd's sd_notify blocks while the manager's
    /// queue is full, and a status line is not worth stalling the engine (and the
    /// token path) for. A message that cannot go now is dropped; the next status
    /// replaces it, and a missed WATCHDOG=1 is followed by the next one.
    func send(_ message: String) {
        guard let address = Self.target else {
            _ = sd_notify(0, message)  // a form we do not parse ourselves (e.g. vsock:): libsystemd's way
            return
        }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var target = address.storage
        _ = message.withCString { text in
            withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, text, strlen(text), Int32(MSG_DONTWAIT | MSG_NOSIGNAL), $0, address.length)
                }
            }
        }
    }

    /// Where messages go, read from the environment once (systemd sets it before exec).
    static let target = address()

    /// `$NOTIFY_SOCKET` as a socket address: a path, or `@name` in the abstract namespace.
    static func address() -> (storage: sockaddr_un, length: socklen_t)? {
        guard let value = getenv("NOTIFY_SOCKET").map({ String(cString: $0) }), value.hasPrefix("/") || value.hasPrefix("@") else {
            return nil
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(value.utf8)
        if bytes[0] == UInt8(ascii: "@") { bytes[0] = 0 }  // abstract: a leading NUL, no terminator
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (bytes[0] == 0 ? 0 : 1)
        return (address, socklen_t(length))
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
