// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import JSONCoding
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A connection over the caps: one line that says why, then the close. Decided
/// in the accept loop, before any task or buffer exists for it, so a flood
/// costs a descriptor for as long as it takes to say no.
struct RefusedConnection {
    let stream: SocketStream
    let why: String

    var line: [UInt8] { Array(ControlJSON.encode(ControlReply<NoResult>(id: nil, error: .init(.tooManyConnections, why)))) }

    /// With time to spare (a lingering slot): the client's request is let in, briefly
    /// and a little, before the close, so that a client that writes before it reads
    /// gets the line rather than a broken pipe.
    func answerAtLeisure() async {
        defer { stream.close() }
        try? await stream.write(line)
        stream.shutdownWriting()
        var left = 16 * 1024
        let deadline = ContinuousClock.now + .milliseconds(500)
        while left > 0, case .bytes(let bytes) = (try? await stream.read(upTo: 4096, until: deadline)) ?? .end {
            left -= bytes.count
        }
    }

    /// Without: the line if the socket takes it now (a new connection's buffer is
    /// empty, so it does), and the close. A client reads what was queued for it
    /// before it sees the connection end.
    func answerAtOnce() {
        let bytes = line
        _ = bytes.withUnsafeBytes { send(stream.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
        stream.close()
    }
}
