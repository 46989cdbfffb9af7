#if canImport(Glibc)
import Glibc
#endif

/// RFC 8252 §7.3's loopback redirect: a listener on 127.0.0.1 (a port the kernel
/// picks) that takes the browser's one redirect, and standard input, where a
/// person pastes the URL the browser ended on when that browser is on another
/// machine. Whichever comes first is the answer.
final class LoopbackListener {
    let fd: Int32
    let port: UInt16
    static let path = "/callback"

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Output.fail("cannot open a loopback listener: \(String(cString: strerror(errno)))", code: 1) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { close(fd); throw Output.fail("cannot listen on 127.0.0.1: \(String(cString: strerror(errno)))", code: 1) }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(fd) }

    var redirectURI: String { "http://127.0.0.1:\(port)\(Self.path)" }

    /// The redirect URL, from the browser or pasted; nil when `seconds` pass first.
    func waitForRedirect(seconds: Double, listen: Bool) -> String? {
        let deadline = Session.now() + seconds
        var stdinOpen = true
        var pasted: [UInt8] = []
        while Session.now() < deadline {
            var fds = [pollfd(fd: listen ? fd : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stdinOpen ? STDIN_FILENO : -1, events: Int16(POLLIN), revents: 0)]
            let wait = Int32(max(1, min(1000, (deadline - Session.now()) * 1000)))
            guard poll(&fds, 2, wait) >= 0 || errno == EINTR else { return nil }
            if fds[0].revents & Int16(POLLIN) != 0, let url = acceptRedirect() { return url }
            if fds[1].revents & Int16(POLLIN | POLLHUP) != 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = read(STDIN_FILENO, &buffer, buffer.count)
                if count <= 0 { stdinOpen = false; continue }
                pasted += buffer.prefix(count)
                if let newline = pasted.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pasted[..<newline], as: UTF8.self).filter { !$0.isWhitespace }
                    pasted.removeSubrange(...newline)
                    if !line.isEmpty { return line }
                }
                if pasted.count > 16 * 1024 { pasted = [] }
            }
        }
        return nil
    }

    /// One HTTP request on the listener: the redirect if it is ours (answered with a page
    /// that says to go back to the camera), else a 404 and nil.
    private func acceptRedirect() -> String? {
        let client = accept(fd, nil, nil)
        guard client >= 0 else { return nil }
        defer { close(client) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.count < 16 * 1024, !request.contains(UInt8(ascii: "\n")) {
            let count = recv(client, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            request += buffer.prefix(count)
        }
        let line = String(decoding: request.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count == 3, parts[0] == "GET", parts[1].hasPrefix(Self.path + "?") || parts[1] == Self.path else {
            respond(client, status: "404 Not Found", body: "Not here.")
            return nil
        }
        respond(client, status: "200 OK", body: "deviceauthd received the login. You can close this page and go back to the device.")
        return "http://127.0.0.1:\(port)\(parts[1])"
    }

    private func respond(_ client: Int32, status: String, body: String) {
        let text = "HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n\(body)"
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
