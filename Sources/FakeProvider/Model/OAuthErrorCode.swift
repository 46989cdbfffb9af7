/// The `error` codes the provider answers with (RFC 6749 §5.2, RFC 8628 §3.5).
public enum OAuthErrorCode: String, Sendable, Codable {
    case invalidRequest = "invalid_request"
    case invalidClient = "invalid_client"
    case invalidGrant = "invalid_grant"
    case invalidScope = "invalid_scope"
    case unsupportedGrantType = "unsupported_grant_type"
    case authorizationPending = "authorization_pending"
    case slowDown = "slow_down"
    case expiredToken = "expired_token"
    case accessDenied = "access_denied"

    /// Whether the request itself was refused (counted in `rejected_requests`),
    /// as opposed to a normal step of the polling protocol.
    var isRejection: Bool {
        switch self {
        case .invalidRequest, .invalidClient, .invalidScope, .unsupportedGrantType: true
        default: false
        }
    }
}
