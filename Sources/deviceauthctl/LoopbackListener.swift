// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// RFC 8252 §7.3's loopback redirect: a listener on 127.0.0.1 (a port the kernel
/// picks) that waits for the browser's redirect, and standard input, where a person
/// pastes the URL the browser ended on when that browser is on another machine.
///
/// Anything on this machine can connect to the port, and a browser opens connections
/// of its own (a favicon, a speculative preconnect that sends nothing), so the listener
/// serves every connection without blocking on one: each is read as it sends, for at
/// most `visitorSeconds`, at most `maxVisitors` at once. Only this login's redirect (its
/// `state`, checked first) ends the wait; anything else is answered and ignored until
/// the timeout.
final class LoopbackListener {
    let fd: Int32
    let port: UInt16
    static let path = "/callback"
    static let maxVisitors = 16
    static let visitorSeconds = 5.0
    static let maxRequest = 16 * 1024

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw Output.fail("cannot open a loopback listener: \(String(cString: strerror(errno)))", code: 1) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { close(fd); throw Output.fail("cannot listen on 127.0.0.1: \(String(cString: strerror(errno)))", code: 1) }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(fd) }

    var redirectURI: String { "http://127.0.0.1:\(port)\(Self.path)" }

    /// A connection to the listener and what it has sent so far.
    private struct Visitor {
        let fd: Int32
        var request: [UInt8] = []
        let deadline: Double
    }

    /// This login's answer (`.code` or `.refused`), from the browser or pasted; nil when
    /// `seconds` pass first.
    func waitForRedirect(seconds: Double, listen: Bool, state: String) -> LoginRedirectAnswer.Verdict? {
        let deadline = Session.now() + seconds
        var visitors: [Visitor] = []
        defer { for visitor in visitors { close(visitor.fd) } }
        var stdinOpen = true
        var pasted: [UInt8] = []
        while Session.now() < deadline {
            let now = Session.now()
            visitors.removeAll { visitor in
                guard visitor.deadline <= now else { return false }
                close(visitor.fd)
                return true
            }
            var fds = [pollfd(fd: listen ? fd : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stdinOpen ? STDIN_FILENO : -1, events: Int16(POLLIN), revents: 0)]
                + visitors.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            let wake = visitors.map(\.deadline).reduce(deadline, min)
            let wait = Int32(max(1, min(1000, (wake - now) * 1000)))
            guard poll(&fds, nfds_t(fds.count), wait) >= 0 || errno == EINTR else { return nil }

            var done: [Int] = []
            for (index, polled) in fds.dropFirst(2).enumerated() where polled.revents != 0 {
                switch read(&visitors[index]) {
                case .waiting: continue
                case .gone: done.append(index)
                case .request(let line):
                    done.append(index)
                    if let verdict = answer(visitors[index].fd, requestLine: line, state: state) { return verdict }
                }
            }
            for index in done.reversed() { close(visitors.remove(at: index).fd) }
            if fds[0].revents & Int16(POLLIN) != 0 { acceptVisitors(&visitors, now: now) }

            if fds[1].revents & Int16(POLLIN | POLLHUP) != 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = systemRead(STDIN_FILENO, &buffer, buffer.count)
                if count <= 0 { stdinOpen = false; continue }
                pasted += buffer.prefix(count)
                while let newline = pasted.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pasted[..<newline], as: UTF8.self).filter { !$0.isWhitespace }
                    pasted.removeSubrange(...newline)
                    if !line.isEmpty, let verdict = judgePasted(line, state: state) { return verdict }
                }
                if pasted.count > Self.maxRequest { pasted = [] }
            }
        }
        return nil
    }

    /// A pasted line: this login's answer, or a note and nil (keep waiting).
    private func judgePasted(_ url: String, state: String) -> LoginRedirectAnswer.Verdict? {
        switch LoginRedirectAnswer.verdict(url: url, state: state) {
        case .notThisLogin:
            Output.note("that URL is not this login's redirect (its state= is missing or another login's): still waiting; paste the URL the browser ended on")
        case .notARedirect:
            Output.note("that is not the redirect URL (it has neither code= nor error=): still waiting; paste the URL the browser ended on")
        case let verdict: return verdict
        }
        return nil
    }

    private enum Read { case waiting, gone, request(String) }

    /// Reads what `visitor` has sent, without waiting: its request line once the request's
    /// head is complete (a GET has no body).
    private func read(_ visitor: inout Visitor) -> Read {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(visitor.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { return .waiting }
        guard count > 0 else { return .gone }
        visitor.request += buffer.prefix(count)
        let head = visitor.request
        let complete = head.indices.contains { index in
            head[index] == UInt8(ascii: "\n") && (index >= 1 && head[index - 1] == UInt8(ascii: "\n")
                || index >= 2 && head[index - 1] == UInt8(ascii: "\r") && head[index - 2] == UInt8(ascii: "\n"))
        }
        if complete { return .request(String(decoding: head.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)) }
        if head.count >= Self.maxRequest {
            respond(visitor.fd, status: "431 Request Header Fields Too Large", body: "Too large.")
            return .gone
        }
        return .waiting
    }

    /// Answers one request; this login's answer ends the wait, anything else is ignored.
    private func answer(_ client: Int32, requestLine: String, state: String) -> LoginRedirectAnswer.Verdict? {
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3, parts[0] == "GET", parts[1].hasPrefix(Self.path + "?") || parts[1] == Self.path else {
            respond(client, status: "404 Not Found", body: "Not here.")
            return nil
        }
        switch LoginRedirectAnswer.verdict(url: "http://127.0.0.1:\(port)\(parts[1])", state: state) {
        case .code(let code):
            respond(client, status: "200 OK", body: "deviceauthd received the login. You can close this page and go back to the device.")
            return .code(code)
        case .refused(let error, let description):
            respond(client, status: "200 OK", body: "The login did not succeed; the device says why. You can close this page.")
            return .refused(error: error, description: description)
        case .notThisLogin:
            respond(client, status: "400 Bad Request", body: "This is not the login the device is waiting for.")
            Output.note("ignored a request to \(redirectURI) that is not this login's redirect (its state= is missing or another login's): still waiting")
        case .notARedirect:
            respond(client, status: "400 Bad Request", body: "Not a login redirect.")
        }
        return nil
    }

    /// Takes every waiting connection; past `maxVisitors`, the oldest is dropped (a
    /// browser retries, a flood does not crowd out the redirect).
    private func acceptVisitors(_ visitors: inout [Visitor], now: Double) {
        for _ in 0..<Self.maxVisitors {
            // (accept4 is not in Glibc's Swift module: the flags are set after.)
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            if visitors.count >= Self.maxVisitors { close(visitors.removeFirst().fd) }
            visitors.append(Visitor(fd: client, deadline: now + Self.visitorSeconds))
        }
    }

    /// Our own fixed words only: nothing a request said is echoed back.
    private func respond(_ client: Int32, status: String, body: String) {
        let text = "HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n\(body)"
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
    }
}

// The C library's read by a name no method here shadows (Glibc or Musl alike).
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
