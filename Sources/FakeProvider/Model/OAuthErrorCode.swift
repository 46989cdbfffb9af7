// SPDX-License-Identifier: Apache-2.0
/// The `error` codes the provider answers with (RFC 6749 §5.2, RFC 8628 §3.5).
public enum OAuthErrorCode: String, Sendable, Codable, Error {
    case invalidRequest = "invalid_request"
    case invalidClient = "invalid_client"
    case invalidGrant = "invalid_grant"
    case invalidScope = "invalid_scope"
    case unsupportedGrantType = "unsupported_grant_type"
    case authorizationPending = "authorization_pending"
    case slowDown = "slow_down"
    case expiredToken = "expired_token"
    case accessDenied = "access_denied"
    case unauthorizedClient = "unauthorized_client"
    case unsupportedResponseType = "unsupported_response_type"

    /// What a standard server says with it (`error_description`); Frame.io says nothing.
    var standardDescription: String {
        switch self {
        case .invalidRequest: "The request is missing a parameter or is malformed"
        case .invalidClient: "Client authentication failed"
        case .invalidGrant: "The grant is invalid, expired, revoked or was issued to another client"
        case .invalidScope: "The requested scope is invalid or exceeds the granted scope"
        case .unsupportedGrantType: "The grant type is not supported"
        case .authorizationPending: "The user has not yet completed authorization"
        case .slowDown: "Polling too frequently"
        case .expiredToken: "The device code has expired"
        case .accessDenied: "The user denied the request"
        case .unauthorizedClient: "The client may not use this grant type"
        case .unsupportedResponseType: "Only response_type=code is supported"
        }
    }

    /// Whether the request itself was refused (counted in `rejected_requests`),
    /// as opposed to a normal step of the polling protocol.
    var isRejection: Bool {
        switch self {
        case .invalidRequest, .invalidClient, .invalidScope, .unsupportedGrantType, .unauthorizedClient, .unsupportedResponseType: true
        default: false
        }
    }
}
