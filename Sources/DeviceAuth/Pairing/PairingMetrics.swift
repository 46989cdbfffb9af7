// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
import Primitives
/// What a fleet watches on each camera, counted by the engine since it started:
/// refreshes, failed refreshes and lost authorizations by reason, pairings.
/// Reasons come from typed outcomes, so they are few and stable (fit for labels).
public struct PairingMetrics: Equatable, Sendable {
    public var refreshes = 0
    public var refreshFailures: [String: Int] = [:]
    /// Pairing-code requests and polls that failed, by reason (not the expected `pending`
    /// and `slow_down`): a camera that cannot pair on a venue's network shows why here.
    public var pairingFailures: [String: Int] = [:]
    public var pairings = 0
    public var authorizationsLost: [String: Int] = [:]
    public var lastRefresh: WallTime?
    /// Token stores that could not be read and were set aside (never deleted).
    public var storesSetAside = 0

    public init() {}
}

extension OAuthFailure {
    /// A short, stable name for the kind of failure (never the server's words).
    public var reasonLabel: String {
        switch self {
        case .pending: "pending"
        case .slowDown: "slow_down"
        case .denied: "access_denied"
        case .codeExpired: "expired_token"
        case .clientRejected: "client_rejected"
        case .notAuthorized: "not_authorized"
        case .grantGone: "invalid_grant"
        case .refreshTokenReused: "refresh_token_reused"
        case .refused: "refused"
        case .rateLimited: "rate_limited"
        case .unavailable: "server_error"
        case .httpStatus(let status): status >= 500 ? "server_error" : "http_status"
        case .network(let fault): fault.kind.rawValue
        case .malformed: "malformed_answer"
        }
    }
}
