// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One connected, non-blocking stream socket. Reads and writes wait on the
/// poller, never on a thread; one task may read while another writes.
final class SocketStream: Sendable {
    let fd: Int32

    init(fd: Int32) { self.fd = fd }

    enum Read { case bytes([UInt8]), end, timedOut }

    /// Up to `limit` bytes, the end of the stream, or nothing before `deadline`.
    /// Throws `CancellationError` when the task is cancelled, `SocketError` on a reset.
    func read(upTo limit: Int = 64 * 1024, until deadline: ContinuousClock.Instant? = nil) async throws -> Read {
        while true {
            // The buffer exists only while the read runs: a connection waiting for its
            // client's next line (a watch may wait for days) holds none.
            let (count, bytes) = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: limit) { buffer -> (Int, [UInt8]) in
                let count = systemRead(fd, buffer.baseAddress, limit)
                return (count, count > 0 ? Array(buffer.prefix(count)) : [])
            }
            if count > 0 { return .bytes(bytes) }
            if count == 0 { return .end }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { throw SocketError("read") }
            switch await Poller.shared.wait(fd, for: Int16(POLLIN), until: deadline) {
            case .ready: continue
            case .timedOut: return .timedOut
            case .cancelled: throw CancellationError()
            }
        }
    }

    /// All of `bytes`, however slowly the peer reads. A peer that hung up is an error,
    /// never a SIGPIPE.
    func write(_ bytes: [UInt8]) async throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if count >= 0 {
                sent += count
                continue
            }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { throw SocketError("write") }
            if await Poller.shared.wait(fd, for: Int16(POLLOUT)) == .cancelled { throw CancellationError() }
        }
    }

    /// No more from us; the peer reads the end of the stream after what was sent.
    func shutdownWriting() { _ = shutdown(fd, Int32(SHUT_WR)) }

    func close() { systemClose(fd) }
}

// The C library's read and close by names no method here shadows (Glibc or Musl alike).
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
private func systemClose(_ fd: Int32) { _ = close(fd) }
