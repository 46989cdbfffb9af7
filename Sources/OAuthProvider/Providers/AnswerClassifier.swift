// SPDX-License-Identifier: Apache-2.0
/// The dialect's words turned into what they mean for the request they answer,
/// so the state machine decides on typed outcomes, never on error strings.
/// `OAuthAnswer` has already sorted statuses and client errors; this gives the
/// remaining RFC 6749 §5.2 codes their meaning per grant.
public struct AnswerClassifier: Sendable {
    /// The `error` a refresh answers when its refresh token was used before (nil: the
    /// dialect does not say; a reuse then looks like `invalid_grant`).
    public var refreshTokenReusedError: String?

    public init(refreshTokenReusedError: String? = nil) {
        self.refreshTokenReusedError = refreshTokenReusedError
    }

    /// RFC 8628 §3.5's answers to a device-code poll.
    public func poll(_ failure: OAuthFailure) -> OAuthFailure {
        guard case .refused(let error) = failure else { return failure }
        return switch error.code {
        case "authorization_pending": .pending(interval: error.interval)
        case "slow_down": .slowDown(interval: error.interval)
        case "access_denied": .denied(error)
        case "expired_token": .codeExpired
        case "invalid_grant": .grantGone(error)
        default: failure
        }
    }

    /// RFC 6749 §6's answers to a refresh (and to the first exchange of an imported
    /// refresh token): only `invalid_grant` and the dialect's reuse code are definite.
    public func refresh(_ failure: OAuthFailure) -> OAuthFailure {
        guard case .refused(let error) = failure else { return failure }
        if error.code == refreshTokenReusedError { return .refreshTokenReused(error) }
        if error.code == "invalid_grant" { return .grantGone(error) }
        return failure
    }

    /// An authorization-code exchange (RFC 6749 §4.1.3): `invalid_grant` is a dead code.
    public func codeExchange(_ failure: OAuthFailure) -> OAuthFailure {
        guard case .refused(let error) = failure, error.code == "invalid_grant" else { return failure }
        return .grantGone(error)
    }
}
