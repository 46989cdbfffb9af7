import FoundationEssentials

/// Reading a provider's answer: success bodies decoded strictly, failures
/// sorted into `OAuthFailure` so the state machine knows what to do.
enum OAuthAnswer {
    struct ErrorBody: Decodable { let error: String? }

    /// Decodes a 2xx JSON body, or throws the failure the status means.
    static func decode<T: Decodable>(_ type: T.Type, from answer: HTTPAnswer) throws(OAuthFailure) -> T {
        try check(answer)
        do {
            return try JSONDecoder().decode(T.self, from: Data(answer.body))
        } catch {
            throw .malformed(Self.describe(error, bytes: answer.body.count))
        }
    }

    /// Throws unless the status is 2xx.
    static func check(_ answer: HTTPAnswer) throws(OAuthFailure) {
        switch answer.status {
        case 200..<300:
            return
        case 400:
            // RFC 6749 §5.2: {"error": "<code>"}.
            if let code = errorCode(answer.body) { throw .oauth(code) }
            throw .httpStatus(400)
        case 401:
            // A 401 is the authorization refused, whatever its body says; only
            // invalid_client (RFC 6749 §5.2 allows it a 401) is our configuration instead.
            if errorCode(answer.body) == "invalid_client" { throw .oauth("invalid_client") }
            throw .notAuthorized
        case 429:
            throw .rateLimited(retryAfterSeconds: retryAfter(answer))
        default:
            throw .httpStatus(answer.status)
        }
    }

    static func errorCode(_ body: [UInt8]) -> String? {
        guard let code = (try? JSONDecoder().decode(ErrorBody.self, from: Data(body)))?.error,
              !code.isEmpty, code.count <= 64, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") })
        else { return nil }
        return code
    }

    /// `Retry-After` (seconds), else Frame.io's `x-ratelimit-window` (ms) when nothing remains.
    static func retryAfter(_ answer: HTTPAnswer) -> Double? {
        if let seconds = answer.header("retry-after").flatMap(Double.init), seconds >= 0 { return seconds }
        if answer.header("x-ratelimit-remaining") == "0",
           let window = answer.header("x-ratelimit-window").flatMap(Double.init), window > 0 {
            return window / 1000
        }
        return nil
    }

    static func describe(_ error: any Error, bytes: Int) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "field \(key.stringValue) missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "field \(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        case is ValidationFailure: "\(error)"
        default: "not JSON (\(bytes) bytes)"
        }
    }
}

/// A decoded field that is present but unacceptable (empty token, absurd lifetime…).
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension KeyedDecodingContainer {
    /// A token or code: non-empty, bounded, printable ASCII (nothing a log or a header could choke on).
    func decodeOpaque(_ key: Key, maxLength: Int = 8192) throws -> String {
        let value = try decode(String.self, forKey: key)
        guard !value.isEmpty, value.utf8.count <= maxLength, value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw ValidationFailure("field \(key.stringValue) is empty, too long or not printable")
        }
        return value
    }

    /// A number of seconds, as an integer or a float (servers send both), within `range`.
    func decodeSeconds(_ key: Key, in range: ClosedRange<Double>) throws -> Double? {
        let value: Double?
        if let integer = try? decodeIfPresent(Int.self, forKey: key) { value = Double(integer) }
        else { value = try decodeIfPresent(Double.self, forKey: key) }
        guard let value else { return nil }
        guard range.contains(value) else { throw ValidationFailure("field \(key.stringValue) is out of range") }
        return value
    }
}
