// SPDX-License-Identifier: Apache-2.0
import JSONCoding

/// Reading a provider's answer: success bodies decoded strictly, failures
/// sorted into `OAuthFailure` so the state machine knows what to do.
package enum OAuthAnswer {
    struct ErrorBody: Decodable {
        let error: String?
        let errorDescription: String?
        let interval: Double?
        enum CodingKeys: String, CodingKey { case error, errorDescription = "error_description", interval }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            error = try? container.decodeIfPresent(String.self, forKey: .error)
            errorDescription = try? container.decodeIfPresent(String.self, forKey: .errorDescription)
            interval = try? container.decodeSeconds(.interval, in: 1...3600)
        }
    }

    /// Decodes a 2xx JSON body, or throws the failure the status means.
    static func decode<T: Decodable>(_ type: T.Type, from answer: HTTPAnswer) throws(OAuthFailure) -> T {
        try check(answer, body: .json)
        do {
            return try JSON.decode(T.self, from: answer.body)
        } catch {
            throw .malformed(Self.describe(error, bytes: answer.body.count))
        }
    }

    /// What a 2xx answer must carry for the request it answers.
    package enum ExpectedBody {
        /// The provider's JSON (or nothing, as a heartbeat's 204): a web page in its place is a
        /// captive portal's, whatever its status.
        case json
        /// Anything: RFC 7009 §2.2 says the client ignores a revocation's body ("all necessary
        /// information is conveyed in the response code"), and servers answer 200 with an empty
        /// `text/html` body (oauthlib's). Only what is never a success (511, a redirect to
        /// another host) is still named as a portal.
        case ignored
    }

    /// Throws unless the status is 2xx (and, for `.json`, the body is not a portal's page).
    package static func check(_ answer: HTTPAnswer, body: ExpectedBody) throws(OAuthFailure) {
        if let portal = CaptivePortal.recognize(answer, webPageIsPortal: body == .json) { throw .network(portal) }
        switch answer.status {
        case 200..<300:
            return
        case 400:
            // RFC 6749 §5.2: {"error": "<code>", "error_description": "…"}. The dialect's
            // classifier gives the code its meaning for the request it answers.
            guard let error = serverError(answer.body) else { throw .httpStatus(400) }
            if clientErrors.contains(error.code) { throw .clientRejected(error) }
            throw .refused(error)
        case 401:
            // A 401 is the authorization refused, whatever its body says; only
            // invalid_client (RFC 6749 §5.2 allows it a 401) is our configuration instead.
            if let error = serverError(answer.body), clientErrors.contains(error.code) { throw .clientRejected(error) }
            throw .notAuthorized
        case 429:
            throw .rateLimited(retryAfterSeconds: retryAfter(answer))
        case 503:
            // RFC 9110 §15.6.4 (and RFC 7009 §2.2.1 for a revocation): unavailable for now,
            // maybe with how long to wait.
            throw .unavailable(retryAfterSeconds: retryAfter(answer))
        default:
            throw .httpStatus(answer.status)
        }
    }

    /// Our client is refused, whatever the request: a configuration problem (RFC 6749 §5.2).
    static let clientErrors: Set<String> = ["invalid_client", "unauthorized_client"]

    /// The error of an RFC 6749 §5.2 body; nil when there is no usable `error` code.
    package static func serverError(_ body: [UInt8]) -> ServerError? {
        guard let error = try? JSON.decode(ErrorBody.self, from: body), let code = error.error,
              !code.isEmpty, code.count <= 64, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") })
        else { return nil }
        return ServerError(code, text: error.errorDescription, interval: error.interval)
    }

    /// `Retry-After` (seconds), else Frame.io's `x-ratelimit-window` (ms) when nothing remains.
    /// Whatever the server says, a finite wait of a day at most ("inf" or "1e300" once
    /// trapped where the wait was shown as whole seconds).
    static func retryAfter(_ answer: HTTPAnswer) -> Double? {
        if let seconds = answer.header("retry-after").flatMap(Double.init), seconds.isFinite, seconds >= 0 {
            return min(seconds, maxRetryAfter)
        }
        if answer.header("x-ratelimit-remaining") == "0",
           let window = answer.header("x-ratelimit-window").flatMap(Double.init), window.isFinite, window > 0 {
            return min(window / 1000, maxRetryAfter)
        }
        return nil
    }

    static let maxRetryAfter = 86_400.0

    static func describe(_ error: any Error, bytes: Int) -> String {
        if case JSON.DecodeError.content(let inner) = error { return describe(inner, bytes: bytes) }
        return switch error {
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
