// SPDX-License-Identifier: Apache-2.0
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An error of a socket call, with the call's name and errno's words.
struct SocketError: Error, CustomStringConvertible {
    let call: String
    let code: Int32
    init(_ call: String, _ code: Int32 = errno) {
        self.call = call
        self.code = code
    }
    var description: String { "\(call): \(String(cString: strerror(code)))" }
}

/// A listening Unix stream socket, non-blocking; `accept()` waits on the poller.
final class UnixListener: Sendable {
    let fd: Int32

    /// Binds `path` (a stale socket file there is replaced) and listens.
    init(path: String, backlog: Int32) throws(SocketError) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket") }
        unlink(path)
        guard deviceauth_unix_bind(fd, path) == 0 else {
            let error = SocketError("bind \(path)")
            systemClose(fd)
            throw error
        }
        guard listen(fd, backlog) == 0 else {
            let error = SocketError("listen \(path)")
            systemClose(fd)
            throw error
        }
        self.fd = fd
    }

    /// A listening socket handed over by systemd (socket activation): made non-blocking,
    /// otherwise used as it is. Its file belongs to systemd, not to us.
    init(inherited fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        self.fd = fd
    }

    /// The next connection, non-blocking. Throws `CancellationError` when the task is cancelled.
    func accept() async throws -> SocketStream {
        while true {
            // accept4 is not in Swift's Glibc module; the daemon never execs, so the flags may follow.
            let client = systemAccept(fd)
            if client >= 0 {
                _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                return SocketStream(fd: client)
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED:
                break
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                // Out of descriptors: the connection waits in the backlog; try again shortly.
                try await Task.sleep(for: .milliseconds(100))
                continue
            default:
                throw SocketError("accept")
            }
            if await Poller.shared.wait(fd, for: Int16(POLLIN)) == .cancelled { throw CancellationError() }
        }
    }

    func close() { systemClose(fd) }
}

// The C library's close and accept by names no method here shadows (Glibc or Musl alike).
private func systemClose(_ fd: Int32) { _ = close(fd) }
private func systemAccept(_ fd: Int32) -> Int32 { accept(fd, nil, nil) }
