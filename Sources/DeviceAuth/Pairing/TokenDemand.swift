// SPDX-License-Identifier: Apache-2.0
import Primitives
/// What a `token` caller gets, from what it asks (`min_valid_seconds`) and what
/// is held. Decided here, purely, so that callers' demand never drives the
/// provider: refreshes follow the lifecycle (a fraction of the lifetime, the
/// backoff, `Retry-After`), not how often or how greedily callers ask. Every
/// refresh spends a single-use refresh token and is one more answer that can be
/// lost on the way back; a provider rate-limits or blocks a client that storms.
public enum TokenDemand: Equatable, Sendable {
    /// The held access token, as it is (the reply says how long it is valid).
    case serve
    /// Start a refresh, or join the one in flight, and answer with its outcome.
    case refresh
    /// Nothing valid to hand out until the next planned attempt.
    case fail(String)

    /// A caller-driven refresh needs the held token to be at least this old: a
    /// token just refreshed is as fresh as the provider makes them, and asking
    /// again at once gives the caller nothing more.
    public static func minimumAge(lifetime: Double) -> Double { min(60, lifetime / 4) }

    /// - Precondition: `state` holds tokens (authorized or refreshing).
    public static func decide(_ state: PairingState, minValid: Double, now: Moment) -> TokenDemand {
        guard let held = PairingMachine.authorized(state) else { return .fail("the device is not paired") }
        let grant = held.grant
        let needed = max(0, minValid)
        let remaining = grant.remaining(at: now)
        if let remaining, remaining > needed { return .serve }
        let valid = remaining.map { $0 > 0 } ?? true
        switch state {
        case .refreshing(_, let failures) where failures > 0:
            // Backing off (or waiting out a Retry-After): a caller joins the wait, it does not cut it short.
            return valid && remaining != nil ? .serve : .fail(held.lastProblem ?? "the last refresh failed; retrying later")
        case .refreshing:
            return .refresh  // in flight: share it
        default:
            break
        }
        // Nothing to refresh with: the token is what there is until the provider refuses it.
        guard grant.refreshToken != nil else { return valid ? .serve : .fail("the access token expired and there is no refresh token") }
        guard let remaining else { return .refresh }  // of unknown age: refreshed before use
        guard remaining > 0 else { return .refresh }
        // More than a fresh token lives, or a token refreshed moments ago: another refresh gives no more.
        if needed > grant.lifetime || grant.lifetime - remaining < minimumAge(lifetime: grant.lifetime) { return .serve }
        return .refresh
    }
}
