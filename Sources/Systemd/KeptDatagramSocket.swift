// SPDX-License-Identifier: Apache-2.0
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One unconnected AF_UNIX datagram socket, opened at first use and kept for
/// the life of the process. The notify and journal sockets used to be opened
/// per message: with every descriptor taken by a flood of control connections,
/// socket() failed with EMFILE, the WATCHDOG=1 pings stopped and systemd killed
/// the daemon. Opened once, they need no descriptor when one is scarce. One
/// socket serves every thread: sendto on a datagram socket is atomic.
final class KeptDatagramSocket: Sendable {
    private let fd = Mutex<Int32>(-1)

    /// Runs `body` with the socket; false when none could be opened (it is tried again next time).
    func withSocket(_ body: (Int32) -> Bool) -> Bool {
        let descriptor = fd.withLock { fd -> Int32 in
            if fd < 0 { fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
            return fd
        }
        guard descriptor >= 0 else { return false }
        return body(descriptor)
    }
}
