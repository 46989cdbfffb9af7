// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
import Primitives

/// The knobs of the state machine, from `[Pairing]` and `[Refresh]`.
public struct PairingPolicy: Equatable, Sendable {
    public var autoPair = true
    /// nil: first tokens from a device code. Else the command that gets them
    /// (`deviceauthctl login`, with what it needs), shown while waiting for it.
    public var loginCommand: String?
    public var refreshFraction = 0.75
    public var refreshJitter = 0.05
    public var heartbeatSeconds = 120.0
    public var baseRetrySeconds = 1.0
    public var maxRetrySeconds = 300.0
    /// After `invalid_client` on a refresh, wait this long: the secret must be fixed first.
    public var configurationRetrySeconds = 3600.0

    public init() {}

    /// Seconds until the refresh of `grant`: `refreshFraction` of its lifetime,
    /// minus up to `refreshJitter` of it (never after expiry, never negative;
    /// at once when its age cannot be known).
    public func refreshDelay(for grant: Grant, now: Moment, random: Double) -> Double {
        guard let remaining = grant.remaining(at: now) else { return 0 }
        let lifetime = grant.lifetime
        let elapsed = lifetime - remaining
        return max(0, min(remaining, lifetime * (refreshFraction - refreshJitter * random) - elapsed))
    }

    /// Exponential backoff with full jitter in its upper half: 1, 2, 4 … up to
    /// `maxRetrySeconds`, times 0.5…1. A 429's or 503's own wait is honoured when longer.
    public func retryDelay(failures: Int, random: Double, failure: OAuthFailure? = nil) -> Double {
        let doublings = min(max(failures - 1, 0), 20)
        let ceiling = min(maxRetrySeconds, baseRetrySeconds * Double(1 << doublings))
        var delay = ceiling * (0.5 + 0.5 * random)
        if let wait = failure?.retryAfterSeconds { delay = max(delay, min(wait, maxRetrySeconds)) }
        return delay
    }
}
