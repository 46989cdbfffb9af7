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

    /// A 401-driven refresh comes at most this often: a provider that refuses every
    /// token it just issued must not turn each request into a refresh.
    public static let rejectionInterval = 60.0

    /// What a caller gets whose request the provider answered 401 with `rejected`: proof
    /// that the token is bad, so a refresh even of a young token, but one for everyone
    /// (a token already replaced is served; a refresh in flight is joined), never during
    /// a backoff, and at most one a minute.
    /// - Parameter lastRejectionRefresh: the boot-clock second of the last refresh a 401 started.
    public static func afterRejection(_ state: PairingState, rejected: String, lastRejectionRefresh: Double?, now: Moment) -> TokenDemand {
        guard let held = PairingMachine.authorized(state) else { return .fail("the device is not paired") }
        // Another caller's 401 (or the lifecycle) replaced it already.
        guard held.grant.accessToken == rejected else { return .serve }
        switch state {
        case .refreshing(_, let failures) where failures > 0:
            return .fail(held.lastProblem ?? "the last refresh failed; retrying later")
        case .refreshing:
            return .refresh
        default:
            break
        }
        guard held.grant.refreshToken != nil else {
            return .fail("the provider refused the access token and there is no refresh token: the device must log in again")
        }
        if let last = lastRejectionRefresh, now.boot.seconds - last < rejectionInterval {
            return .fail("the provider refused a token refreshed less than a minute ago after another refusal; not refreshing again yet")
        }
        return .refresh
    }
}
