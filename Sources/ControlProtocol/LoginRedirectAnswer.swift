// SPDX-License-Identifier: Apache-2.0
/// The parts of a redirect URL a login needs (RFC 6749 §4.1.2 and §4.1.2.1).
public struct LoginRedirectAnswer: Equatable, Sendable {
    public var code: String?
    public var state: String?
    public var error: String?
    public var errorDescription: String?

    public init?(url: String) {
        guard let query = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in query.split(separator: "#").first?.split(separator: "&") ?? [] {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard let key = kv.first else { continue }
            let value = kv.count > 1 ? Self.decode(kv[1]) : ""
            switch key {
            case "code": code = value
            case "state": state = value
            case "error": error = value
            case "error_description": errorDescription = value
            default: break
            }
        }
        if code == nil && error == nil { return nil }
    }

    /// What a URL that reached `deviceauthctl login` (from the browser or pasted) means
    /// for the login whose `state` is given. The state is checked first (RFC 6749 §10.12):
    /// an `error=` or a `code=` without this login's state is someone else's, or forged, and
    /// says nothing about this login, which goes on waiting.
    public enum Verdict: Equatable, Sendable {
        /// This login's code: exchange it.
        case code(String)
        /// The authorization server ended this login (`access_denied`, …); its words as sent.
        case refused(error: String, description: String?)
        /// Not this login's redirect (no or another state): ignored, keep waiting.
        case notThisLogin
        /// Neither `code=` nor `error=`: not a redirect at all.
        case notARedirect
    }

    public static func verdict(url: String, state: String) -> Verdict {
        guard let answer = LoginRedirectAnswer(url: url) else { return .notARedirect }
        guard answer.state == state else { return .notThisLogin }
        if let error = answer.error { return .refused(error: error, description: answer.errorDescription) }
        guard let code = answer.code, !code.isEmpty else { return .notARedirect }
        return .code(code)
    }

    /// Percent-decoding of a query value ("+" is a space in forms).
    public static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return String(decoding: bytes, as: UTF8.self) }
                bytes.append(value)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
