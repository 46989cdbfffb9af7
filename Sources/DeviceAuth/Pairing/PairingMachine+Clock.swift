// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
import Primitives

/// The wall clock being set, as the machine sees it: lifetimes run on the boot
/// clock (see `Grant.remaining(at:)`), so only shown and stored times move.
extension PairingMachine {
    static func clockWords(_ now: Moment) -> String {
        "it reads \(TimeText.dateTime(now.wall))" + (now.wallSynchronized ? ", before the tokens were obtained" : " and is not synchronized")
    }

    /// The wall clock was set (NTP, an administrator): lifetimes run on the boot clock, so
    /// no timer moves; the wall-clock times shown and stored are re-derived from it, and
    /// tokens whose age was unknown get a refresh planned now that it is known.
    ///
    /// A pairing-code request or a refresh that failed because the clock was not set is
    /// retried soon (`clockRetrySeconds`) instead of at the end of its backoff: once per such
    /// failure, so a clock stepped again and again (a confused NTP client) cannot turn into a
    /// request per step, and never for another fault (a 429's Retry-After stays honoured).
    func wallClockSet(_ step: inout Step, now: Moment, random: Double) {
        switch step.state {
        case .polling(var polling):
            guard let session = polling.session else {
                if polling.failures > 0, polling.waitingForClock {
                    polling.waitingForClock = false
                    step.state = .polling(polling)
                    step.effects.append(.schedule(.requestCode, afterSeconds: Self.clockRetrySeconds))
                }
                return
            }
            polling.session = session.anchored(at: now)
            step.state = .polling(polling)
        case .authorized(var authorized), .refreshing(var authorized, _):
            if case .refreshing(_, let failures) = step.state, failures > 0, authorized.waitingForClock {
                authorized.waitingForClock = false
                step.state = Self.replacing(step.state, with: authorized)
                step.effects.append(.schedule(.refresh, afterSeconds: Self.clockRetrySeconds))
            }
            let before = authorized.grant
            authorized.grant = before.anchored(at: now)
            guard authorized.grant != before else { return }
            step.state = Self.replacing(step.state, with: authorized)
            step.effects.append(.persist(authorized.grant))
            // Kept without knowing its age (no refresh token): now its expiry can be planned.
            if case .authorized = step.state, before.obtainedBoot?.bootID != now.boot.bootID, authorized.grant.remaining(at: now) != nil {
                step.effects.append(.schedule(.refresh, afterSeconds: Self.refreshTimer(authorized.grant, policy: policy, now: now, random: random)))
            }
        case .unpaired:
            return
        }
    }

    /// How soon after the clock is set a request it failed is tried again: at once to a
    /// person, yet at most one request per second however often the clock is stepped.
    static let clockRetrySeconds = 1.0
}
