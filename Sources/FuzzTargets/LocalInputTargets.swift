// SPDX-License-Identifier: Apache-2.0
import DeviceAuthConfig
import TokenStorage
import Control
import ControlProtocol
import OAuthProvider
import JSONCoding
import Forwarder

/// What local users and installers hand the daemon: the control socket's byte
/// stream, config files with drop-ins, the token store's rows, a pasted
/// redirect URL; and the encoders whose output others parse.
enum LocalInputTargets {
    /// The control socket, fed in chunks whose size is the input's first byte.
    static func controlStream(_ bytes: [UInt8]) throws(PropertyViolation) {
        let chunk = max(1, Int(bytes.first ?? 1))
        var framer = LineFramer(maxLength: ControlServer.maxRequestBytes)
        var frames: [ControlFrame] = []
        var start = 0
        while start < bytes.count {
            frames += framer.append(Array(bytes[start..<min(start + chunk, bytes.count)]))
            start += chunk
        }
        frames += framer.finish().map { [$0] } ?? []
        let newlines = bytes.count { $0 == UInt8(ascii: "\n") }
        try require(frames.count <= newlines + 1, "\(frames.count) frames from \(newlines) lines")
        for case .line(let line) in frames {
            try require(line.count <= ControlServer.maxRequestBytes && !line.contains(UInt8(ascii: "\n")), "a frame of \(line.count) bytes")
            guard let request = try? JSONParser.parse(line), let head = try? JSON.decode(ControlRequestHead.self, from: request) else { continue }
            // The method's parameters are read from the same object, by its own type.
            if let method = ControlMethods.named(head.method) { _ = Self.parameters(method, request) }
            // What the daemon would answer with names the request's id: it must encode to one line.
            let reply = ControlJSON.encode(ControlReply<NoResult>(id: head.id, error: .init(.unknownMethod, head.method)))
            try require(reply.last == UInt8(ascii: "\n") && reply.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") }, "a reply of several lines")
        }
    }

    static func parameters<Method: ControlMethod>(_: Method.Type, _ request: JSONValue) -> Method.Parameters? {
        try? JSON.decode(Method.Parameters.self, from: request)
    }

    /// A request-target and a Host header, separated by the first newline: whatever the
    /// forwarder accepts goes to the upstream's host, with a path of its own.
    static func forwarderTarget(_ bytes: [UInt8]) throws(PropertyViolation) {
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let target = String(parts[0]), host = parts.count > 1 ? String(parts[1]) : nil
        guard let upstream = URLOrigin("https://api.example.com") else { throw PropertyViolation("no upstream") }
        let accepted = ForwarderRouting.acceptedAuthorities(of: upstream)
        guard let path = ForwarderRouting.upstreamPath(target: target, host: host, accepted: accepted) else { return }
        try require(path.hasPrefix("/"), "a path that does not start with /: \(path.prefix(80))")
        let sent = URLOrigin(upstream.origin + path)
        try require(sent?.host == upstream.host && sent?.port == upstream.port && sent?.hasUserInfo == false,
                    "\(target.prefix(80)) reaches \(sent.map { $0.authority } ?? "nothing")")
        if target.hasPrefix("/") { try require(host.map { accepted.contains($0.lowercased()) } == true, "an origin-form target with host \(host ?? "none")") }
    }

    /// Header lines, `Name: value` one per line, as libmicrohttpd would hand them over (a
    /// line without a colon is a name with an empty value): what passes on is never the
    /// hop's or the client's Authorization, never a line that could split in two, in the
    /// client's order; the body's framing follows RFC 9112 §6.3; the provider's answer
    /// is filtered alike.
    static func forwarderHeaders(_ bytes: [UInt8]) throws(PropertyViolation) {
        let text = String(decoding: bytes, as: UTF8.self)
        let headers = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> (name: String, value: String) in
            guard let colon = line.firstIndex(of: ":") else { return (String(line), "") }
            return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
        let replayable = 64
        func trimmed(_ text: Substring) -> String {
            String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }
        let connectionNamed = Set(headers.filter { $0.name.lowercased() == "connection" }
            .flatMap { $0.value.split(separator: ",").map { trimmed($0).lowercased() } })
        func checkPassed(_ passed: [(name: String, value: String)], _ what: String) throws(PropertyViolation) {
            var rest = headers[...]
            for (name, value) in passed {
                let lowered = name.lowercased()
                try require(!ForwarderHeaders.ownedByTheHop.contains(lowered), "\(what) passes \(name.prefix(40))")
                try require(!connectionNamed.contains(lowered), "\(what) passes \(name.prefix(40)), which Connection: names")
                try require(ForwarderHeaders.isToken(name) && !value.utf8.contains { $0 == 0x0A || $0 == 0x0D || $0 == 0 },
                            "\(what) passes a line that could split: \(name.prefix(40))")
                guard let at = rest.firstIndex(where: { $0.name == name && $0.value == value }) else {
                    throw PropertyViolation("\(what) passes \(name.prefix(40)), not one of the headers, or out of order")
                }
                rest = rest[rest.index(after: at)...]
            }
        }
        try checkPassed(ForwarderHeaders.answer(headers.map { ($0.name, $0.value) }).map { (name: $0.0, value: $0.1) }, "the answer")
        let plan: ForwarderHeaders.Plan
        do { plan = try ForwarderHeaders.plan(headers, replayable: replayable) } catch { return }
        try checkPassed(plan.forwarded, "the request")
        let lengths = headers.filter { $0.name.lowercased() == "content-length" }
        let chunked = headers.contains { $0.name.lowercased() == "transfer-encoding" }
        switch plan.body {
        case .none:
            try require(!chunked, "a Transfer-Encoding body read as none")
        case .held(let length):
            try require(!chunked && length > 0 && length <= replayable, "held \(length) bytes")
            try require(lengths.allSatisfy { $0.value.split(separator: ",").allSatisfy { Int(trimmed($0)) == length } },
                        "held \(length) bytes, not what Content-Length says")
        case .streamed(let length):
            if let length { try require(!chunked && length > Int64(replayable), "streamed \(length) bytes, which could be held") } else {
                try require(chunked, "streamed without a length or Transfer-Encoding")
            }
        }
    }

    /// A config and its drop-ins, separated by "\n#--dropin--\n".
    static func config(_ bytes: [UInt8]) throws(PropertyViolation) {
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: "\n#--dropin--\n", omittingEmptySubsequences: false)
        let files = parts.enumerated().map { (path: $0.offset == 0 ? "/etc/deviceauth/deviceauthd.conf" : "/etc/deviceauth/deviceauthd.conf.d/\($0.offset).conf",
                                             text: String($0.element)) }
        do throws(ConfigError) {
            _ = try DaemonConfiguration.parse(files: files)
        } catch {
            if case .invalid(let file, let line, _) = error {
                let lines = files.first { $0.path == file }.map { $0.text.split(separator: "\n", omittingEmptySubsequences: false).count }
                try require(lines != nil, "an error names \(file), which is not one of the files")
                try require(line >= 0 && line <= (lines ?? 0), "an error names line \(line) of a \(lines ?? 0)-line file")
            }
            try ProviderAnswerTargets.checkPrintable(error.description, "config error")
        }
    }

    static let sealer = TokenSealer(keyMaterial: Array(repeating: 7, count: 32))

    /// The token store's sealed rows: forged bytes never open; what is sealed opens
    /// unchanged; the payload decoder takes any bytes without trapping.
    static func sealedRow(_ bytes: [UInt8]) throws(PropertyViolation) {
        try require((try? sealer.open(bytes, context: "fuzz")) == nil || bytes.count >= 28, "a short blob opened")
        guard let sealed = try? sealer.seal(bytes, context: "fuzz") else { throw PropertyViolation("sealing failed") }
        try require((try? sealer.open(sealed, context: "fuzz")) == bytes, "a sealed row did not open to what was sealed")
        try require((try? sealer.open(sealed, context: "other")) == nil, "a row opened under another context")
        if let stored = try? JSON.decode(TokenStore.Stored.self, from: bytes) {
            _ = stored.accessToken.utf8.count + (stored.refreshToken?.utf8.count ?? 0)
        }
    }

    /// A redirect URL a person pastes into `deviceauthctl login`.
    static func redirectURL(_ bytes: [UInt8]) throws(PropertyViolation) {
        let url = String(decoding: bytes, as: UTF8.self)
        if let answer = LoginRedirectAnswer(url: url) {
            try require(answer.code != nil || answer.error != nil, "a redirect with neither code nor error")
        }
        // What we would put in a redirect reads back the same.
        let code = String(url.prefix(64)), state = String(url.dropFirst(64).prefix(64))
        let built = "http://127.0.0.1:1/callback?" + String(decoding: FormEncoding.encode([("code", code), ("state", state)]), as: UTF8.self)
        let parsed = LoginRedirectAnswer(url: built)
        try require(parsed?.code == code && parsed?.state == state, "code and state did not survive a redirect URL")
    }

    /// Fields (NUL-separated names and values) encoded as a form decode to the same fields.
    static func formRoundTrip(_ bytes: [UInt8]) throws(PropertyViolation) {
        let words = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let fields = stride(from: 0, to: words.count - 1, by: 2).map { (words[$0], words[$0 + 1]) }
        let encoded = String(decoding: FormEncoding.encode(fields), as: UTF8.self)
        try require(encoded.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "the form holds a byte that is not printable ASCII")
        let decoded = encoded.isEmpty ? [] : encoded.split(separator: "&", omittingEmptySubsequences: false).map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (LoginRedirectAnswer.decode(parts[0]), parts.count > 1 ? LoginRedirectAnswer.decode(parts[1]) : "")
        }
        try require(decoded.count == fields.count && zip(decoded, fields).allSatisfy { $0 == $1 }, "a form did not decode to its fields")
    }

    /// JSON parsed, written and parsed again is the same document, on one line.
    static func json(_ bytes: [UInt8]) throws(PropertyViolation) {
        guard let value = try? JSONParser.parse(bytes) else { return }
        let written = JSONWriter.write(value, sortedKeys: false)
        try require(!written.contains(UInt8(ascii: "\n")), "written JSON spans lines")
        try require((try? JSONParser.parse(written)) == value, "written JSON does not parse back to the same document")
        // Decoded into every width of number: an error or a value, never a trap or a loop,
        // and a value written again reads back the same.
        if let widths = try? JSON.decode(EveryWidth.self, from: bytes) {
            let again = try? JSON.decode(EveryWidth.self, from: (try? JSON.encode(widths)) ?? [])
            try require(again == widths, "a value of every width did not read back the same")
        }
    }
}

/// A document with every `Codable` number width, for the json target.
struct EveryWidth: Codable, Equatable {
    var i8: Int8?, i16: Int16?, i32: Int32?, i64: Int64?, int: Int?
    var u8: UInt8?, u16: UInt16?, u32: UInt32?, u64: UInt64?, uint: UInt?
    var float: Float?, double: Double?, list: [Int8?]?, nested: [EveryWidth]?
}
