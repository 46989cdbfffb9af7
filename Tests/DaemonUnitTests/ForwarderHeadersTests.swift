// SPDX-License-Identifier: Apache-2.0
import Forwarder
import Testing

/// What of a client's headers reaches the provider, and how its body is framed
/// (RFC 9110 §7.6.1, RFC 9112 §6.3); the fuzz target `forwarder_headers` checks the same
/// properties on whatever bytes it finds.
@Suite("Forwarder headers")
struct ForwarderHeadersTests {
    typealias Headers = [(name: String, value: String)]

    func plan(_ headers: Headers) throws(ForwarderHeaders.Refusal) -> ForwarderHeaders.Plan {
        try ForwarderHeaders.plan(headers, replayable: 64 * 1024)
    }

    func refusal(_ headers: Headers) -> String? {
        do { _ = try plan(headers); return nil } catch { return error.message }
    }

    @Test("The client's Authorization, Host, the hop's headers and those Connection: names stay behind; the rest pass in order")
    func whatPasses() throws {
        let passed = try plan([
            ("Host", "provider"), ("Accept", "*/*"), ("authorization", "Bearer the-clients-own"), ("Connection", "keep-alive, X-Hop-Only"),
            ("X-Hop-Only", "1"), ("Proxy-Authorization", "Basic x"), ("TE", "trailers"), ("Upgrade", "h2c"), ("Expect", "100-continue"),
            ("Content-Type", "application/json"), ("X-Request-Id", "abc"),
        ]).forwarded
        #expect(passed.map(\.name) == ["Accept", "Content-Type", "X-Request-Id"])
    }

    @Test("Framing: none, held up to the replayable size, streamed beyond it or chunked")
    func framing() throws {
        #expect(try plan([]).body == .none)
        #expect(try plan([("Content-Length", "0")]).body == .none)
        #expect(try plan([("Content-Length", "12")]).body == .held(length: 12))
        #expect(try plan([("Content-Length", "65536")]).body == .held(length: 65536))
        #expect(try plan([("Content-Length", "65537")]).body == .streamed(length: 65537))
        #expect(try plan([("Transfer-Encoding", "chunked")]).body == .streamed(length: nil))
        #expect(try plan([("Transfer-Encoding", "gzip, Chunked")]).body == .streamed(length: nil))
        // A list of one length repeated is that length (RFC 9112 §6.3).
        #expect(try plan([("Content-Length", "5, 5"), ("Content-Length", "5")]).body == .held(length: 5))
    }

    @Test("Refused with 400, never guessed at: a length that is not digits or disagrees, a coding without chunked last, a line that could split, a name that is not a token")
    func refusals() {
        #expect(refusal([("Content-Length", "+5")])?.hasPrefix("Content-Length is not a length") == true)
        #expect(refusal([("Content-Length", "-1")])?.hasPrefix("Content-Length is not a length") == true)
        #expect(refusal([("Content-Length", "99999999999999999999")])?.hasPrefix("Content-Length is not a length") == true)
        #expect(refusal([("Content-Length", "5"), ("Content-Length", "6")]) == "Content-Length says different lengths")
        #expect(refusal([("Transfer-Encoding", "gzip")]) == "Transfer-Encoding must end in chunked, not gzip")
        #expect(refusal([("Transfer-Encoding", " ")]) == "Transfer-Encoding must end in chunked, not nothing", "found by the fuzzer")
        #expect(refusal([("X-Split", "a\r\nAuthorization: Bearer smuggled")]) == "the value of X-Split holds a control character")
        #expect(refusal([("X Bad", "1")]) == "a header name that is not a token (RFC 9110 §5.1)")
        #expect(refusal([("X-Tab", "a\tb")]) == nil, "a tab is a field value's own")
    }

    @Test("The provider's answer: its hop headers and any line that could not be written as one stay behind")
    func answer() {
        let passed = ForwarderHeaders.answer([
            ("Content-Type", "application/json"), ("Connection", "close, X-Internal"), ("X-Internal", "1"), ("Transfer-Encoding", "chunked"),
            ("Retry-After", "7"), ("X-Broken", "a\nb"), ("Bad Name", "x"),
        ])
        #expect(passed.map(\.0) == ["Content-Type", "Retry-After"])
    }
}
