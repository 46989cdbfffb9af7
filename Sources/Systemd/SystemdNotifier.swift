// SPDX-License-Identifier: Apache-2.0
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// sd_notify(3)'s protocol, spoken directly (systemd documents it as stable and
/// meant to be reimplemented; libsystemd would bring six more libraries): tells
/// the service manager we are ready, what we are doing, that we are alive and
/// that we are stopping. Without `$NOTIFY_SOCKET` (not started by systemd), or
/// with a form other than a path or `@abstract` name (vsock: for virtual
/// machines), every call is a harmless no-op.
public struct SystemdNotifier: Sendable {
    public init() {}

    public func ready(status: String) { send("READY=1\nSTATUS=\(Self.oneLine(status))") }
    public func status(_ status: String) { send("STATUS=\(Self.oneLine(status))") }
    public func watchdog() { send("WATCHDOG=1") }
    public func stopping(status: String) { send("STOPPING=1\nSTATUS=\(Self.oneLine(status))") }
    /// RELOADING=1 with the CLOCK_MONOTONIC time that systemd 253+ asks of Type=notify-reload services.
    public func reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=\(deviceauth_clock_nanoseconds(CLOCK_MONOTONIC) / 1000)")
    }

    /// Sends without ever waiting: a status line is not worth stalling the engine
    /// (and the token path) for while the manager's queue is full. A message that
    /// cannot go now is dropped; the next status replaces it, and a missed
    /// WATCHDOG=1 is followed by the next one.
    func send(_ message: String) {
        guard var address = Self.target else { return }
        _ = Self.socket.withSocket { fd in
            message.withCString { text in
                address.withSockaddr { sendto(fd, text, strlen(text), Int32(MSG_DONTWAIT | MSG_NOSIGNAL), $0, $1) } >= 0
            }
        }
    }

    /// Where messages go, read from the environment once (systemd sets it before exec).
    static let target = getenv("NOTIFY_SOCKET").flatMap { UnixAddress(String(cString: $0)) }
    /// Kept open, so that a ping needs no descriptor (KeptDatagramSocket says why).
    static let socket = KeptDatagramSocket()

    /// Opens the socket now, while descriptors are plentiful (first thing at start).
    public static func prepare() {
        guard target != nil else { return }
        _ = socket.withSocket { _ in true }
    }

    /// STATUS= is one line; a newline would start a new assignment.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    /// How often to send WATCHDOG=1: half of `WATCHDOG_USEC`, or nil when the
    /// unit has no WatchdogSec= or the variables are meant for another process
    /// (`WATCHDOG_PID` names another), as sd_watchdog_enabled(3) decides.
    public static func watchdogInterval() -> Duration? {
        watchdogInterval(environment: { getenv($0).map { String(cString: $0) } }, pid: getpid())
    }

    static func watchdogInterval(environment: (String) -> String?, pid: Int32) -> Duration? {
        guard let microseconds = environment("WATCHDOG_USEC").flatMap(UInt64.init), microseconds > 0 else { return nil }
        if let owner = environment("WATCHDOG_PID"), Int32(owner) != pid { return nil }
        return .microseconds(Int64(clamping: microseconds / 2))
    }
}
