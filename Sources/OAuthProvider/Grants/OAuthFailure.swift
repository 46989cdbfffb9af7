// SPDX-License-Identifier: Apache-2.0
import Primitives
/// Why a call to the provider did not give us what we asked for, as a typed
/// outcome. The provider side (`AnswerClassifier`) turns a dialect's HTTP
/// answers into these; the state machine decides on them, never on a
/// provider's error strings.
public enum OAuthFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// A poll: the user has not answered yet (`authorization_pending`), maybe with a new interval.
    case pending(interval: Double?)
    /// A poll: too fast (`slow_down`), maybe with the interval the server wants.
    case slowDown(interval: Double?)
    /// A poll: the user refused (`access_denied`).
    case denied(ServerError)
    /// A poll: the device code expired (`expired_token`).
    case codeExpired
    /// Our client credentials or registration are refused (`invalid_client`,
    /// `unauthorized_client`): a configuration problem, not the user's authorization.
    case clientRejected(ServerError)
    /// HTTP 401: the authorization (or the access token) is not accepted.
    case notAuthorized
    /// The grant is gone at the provider (`invalid_grant`: revoked, expired, a dead code).
    case grantGone(ServerError)
    /// The dialect's answer to a refresh token presented a second time (rotating
    /// tokens are single use; Frame.io says `invalid_request`).
    case refreshTokenReused(ServerError)
    /// An OAuth error the dialect gives no meaning to here (`invalid_request`,
    /// `invalid_scope`, `bad_request`…): unexpected, never proof of anything.
    case refused(ServerError)
    /// HTTP 429, with how long the provider asks us to wait, if it said.
    case rateLimited(retryAfterSeconds: Double?)
    /// HTTP 503: the provider is unavailable for now, with how long it asks us to wait, if it said.
    case unavailable(retryAfterSeconds: Double?)
    /// Any other unexpected HTTP status (5xx, 404, 403, a redirect, a 400 without an error…).
    case httpStatus(Int)
    /// No answer: DNS, connection refused or dropped, timeout, TLS, a proxy, a captive portal.
    case network(NetworkFault)
    /// An answer we cannot use: not JSON, too large, fields missing.
    case malformed(String)

    /// A certificate's dates failed while the clock was not set: setting it may cure this.
    public var isClockNotSet: Bool {
        if case .network(let fault) = self { return fault.kind == .clockNotSet }
        return false
    }

    /// Worth retrying with the same credentials after a pause.
    public var isTransient: Bool {
        switch self {
        case .rateLimited, .unavailable, .network, .malformed: true
        case .httpStatus(let status): status >= 500 || status == 408
        default: false
        }
    }

    /// How long the provider asked us to wait (`Retry-After`, or Frame.io's rate-limit window).
    public var retryAfterSeconds: Double? {
        switch self {
        case .rateLimited(let seconds), .unavailable(let seconds): seconds
        default: nil
        }
    }

    /// A definite answer to a refresh: the authorization is gone (401, invalid_grant)
    /// or the refresh token was already used (the dialect's reuse answer).
    public var endsAuthorization: Bool {
        switch self {
        case .notAuthorized, .grantGone, .refreshTokenReused: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .pending: "authorization_pending"
        case .slowDown: "slow_down"
        case .denied(let error), .clientRejected(let error), .refused(let error): "\(error)"
        case .codeExpired: "expired_token"
        case .notAuthorized: "HTTP 401 Not Authorized"
        case .grantGone(let error): "the grant is gone (\(error))"
        case .refreshTokenReused(let error): "the refresh token was already used (\(error))"
        case .rateLimited(let seconds?): "rate limited (HTTP 429), asked to wait \(Int(seconds.rounded(.up))) s"
        case .rateLimited(nil): "rate limited (HTTP 429)"
        case .unavailable(let seconds?): "HTTP 503 (the provider is unavailable for now), asked to wait \(Int(seconds.rounded(.up))) s"
        case .unavailable(nil): "HTTP 503 (the provider is unavailable for now)"
        case .httpStatus(let status): "HTTP \(status)"
        // Reasons may quote what a server or the network stack said: one printable, bounded line.
        case .network(let fault): "\(fault)"
        case .malformed(let reason): "unusable response: \(ServerError.printable(reason))"
        }
    }
}

/// An OAuth error answer (RFC 6749 §5.2): the `error` code and, when the server
/// gave one, its `error_description`, made safe for a STATUS= line and the journal.
public struct ServerError: Equatable, Sendable, CustomStringConvertible {
    public var code: String
    public var text: String?
    /// A poll answer's new `interval` (RFC 8628 §3.5), when it carries one.
    public var interval: Double?

    /// A description longer than this is cut: it goes on one STATUS= line.
    static let maxText = 160

    public init(_ code: String, text: String? = nil, interval: Double? = nil) {
        self.code = code
        self.interval = interval
        self.text = text.map(Self.printable).flatMap { $0.isEmpty ? nil : $0 }
    }

    public var description: String { text.map { "\(code): \"\($0)\"" } ?? code }

    /// One line of printable ASCII, bounded (RFC 6749 allows only %x20-21 / %x23-5B / %x5D-7E,
    /// but a server we did not write may send anything).
    public static func printable(_ text: String) -> String {
        var out = ""
        for (index, scalar) in text.unicodeScalars.enumerated() {
            guard index < maxText else { out += "…"; break }
            out.unicodeScalars.append(scalar.value >= 0x20 && scalar.value < 0x7F && scalar != "\"" && scalar != "\\" ? scalar : "?")
        }
        return out.trimmingWhitespace()
    }
}
