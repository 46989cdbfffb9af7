/// Why a call to the provider did not give us what we asked for, sorted by
/// what the state machine must do about it.
public enum OAuthFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// HTTP 400 with an OAuth `error` code (`authorization_pending`, `invalid_grant`, …).
    case oauth(String)
    /// HTTP 401: the authorization (or the access token) is not accepted.
    case notAuthorized
    /// HTTP 429, with how long the provider asks us to wait, if it said.
    case rateLimited(retryAfterSeconds: Double?)
    /// Any other unexpected HTTP status (5xx, 404, …).
    case httpStatus(Int)
    /// No answer: connection refused or dropped, timeout, DNS, TLS.
    case network(String)
    /// An answer we cannot use: not JSON, too large, fields missing.
    case malformed(String)
    /// The refresh grant is gone at the provider (`invalid_grant`: revoked, expired).
    case grantGone(String)
    /// The dialect's answer to a refresh token presented a second time (rotating
    /// tokens are single use; Frame.io says `invalid_request`).
    case refreshTokenReused(String)

    /// Worth retrying with the same credentials after a pause.
    public var isTransient: Bool {
        switch self {
        case .rateLimited, .network, .malformed: true
        case .httpStatus(let status): status >= 500 || status == 408
        case .oauth, .notAuthorized, .grantGone, .refreshTokenReused: false
        }
    }

    /// A definite answer to a refresh: the authorization is gone (401, invalid_grant)
    /// or the refresh token was already used (Frame.io's invalid_request).
    public var endsAuthorization: Bool {
        switch self {
        case .notAuthorized, .grantGone, .refreshTokenReused: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .oauth(let code): code
        case .notAuthorized: "HTTP 401 Not Authorized"
        case .rateLimited(let seconds?): "rate limited (HTTP 429), asked to wait \(Int(seconds.rounded(.up))) s"
        case .rateLimited(nil): "rate limited (HTTP 429)"
        case .httpStatus(let status): "HTTP \(status)"
        case .network(let reason): "network error: \(reason)"
        case .malformed(let reason): "unusable response: \(reason)"
        case .grantGone(let code): "the grant is gone (\(code))"
        case .refreshTokenReused(let code): "the refresh token was already used (\(code))"
        }
    }
}
