// SPDX-License-Identifier: Apache-2.0
import CLinux
import JSONCoding
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A blocking client of the control socket, for the command-line tool:
/// connect, send one request, read reply lines.
public final class ControlClient {
    public let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []

    public enum Failure: Error, CustomStringConvertible {
        /// No daemon at the socket (missing, refused, not a socket).
        case unreachable(path: String, reason: String)
        case timedOut
        case closed
        case badReply(String)

        public var description: String {
            switch self {
            case .unreachable(let path, let reason): "cannot reach deviceauthd at \(path): \(reason) (is the daemon running?)"
            case .timedOut: "deviceauthd did not answer in time"
            case .closed: "deviceauthd closed the connection"
            case .badReply(let why): "unexpected answer from deviceauthd: \(why)"
            }
        }
    }

    public init(path: String) throws(Failure) {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .unreachable(path: path, reason: String(cString: strerror(errno))) }
        guard deviceauth_unix_connect(fd, path) == 0 else {
            let reason = errno == ENAMETOOLONG ? "the path is too long for a socket" : String(cString: strerror(errno))
            close(fd)
            throw .unreachable(path: path, reason: reason)
        }
    }

    deinit { close(fd) }

    public func send<Method>(_ request: ControlRequest<Method>) throws(Failure) {
        try sendRaw(ControlJSON.encode(request))
    }

    /// Any bytes, as they are (tests send garbage with it).
    public func sendRaw(_ text: String) throws(Failure) { try sendRaw(Array(text.utf8)) }

    func sendRaw(_ line: [UInt8]) throws(Failure) {
        var written = 0
        while written < line.count {
            let count = line.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw .closed }
            written += count
        }
    }

    /// The next reply line, read as `Method`'s reply; `timeout` nil waits for ever.
    public func receive<Method: ControlMethod>(_ method: Method.Type, timeout: Double?) throws(Failure) -> ControlReply<Method.Result> {
        let line = try receiveLine(timeout: timeout)
        do {
            var reply = try JSON.decode(ControlReply<Method.Result>.self, from: line)
            reply.line = line
            return reply
        } catch {
            throw .badReply(String(decoding: line.prefix(80), as: UTF8.self))
        }
    }

    /// The next line the daemon sends, without its newline.
    public func receiveLine(timeout: Double?) throws(Failure) -> [UInt8] {
        let deadline = timeout.map { monotonicSeconds() + $0 }
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            var waitMilliseconds: Int32 = -1
            if let deadline {
                let left = deadline - monotonicSeconds()
                guard left > 0 else { throw .timedOut }
                waitMilliseconds = Int32(min(left * 1000, 3_600_000).rounded(.up))
            }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, waitMilliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { throw .timedOut }
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw .closed }
            buffer += chunk[0..<count]
            guard buffer.count < 1 << 20 else { throw .badReply("a reply line over 1 MiB") }
        }
    }

    /// One request, one reply.
    public func call<Method>(_ request: ControlRequest<Method>, timeout: Double? = 60) throws(Failure) -> ControlReply<Method.Result> {
        try send(request)
        return try receive(Method.self, timeout: timeout)
    }

    private func monotonicSeconds() -> Double { deviceauth_clock_seconds(CLOCK_MONOTONIC) }
}
