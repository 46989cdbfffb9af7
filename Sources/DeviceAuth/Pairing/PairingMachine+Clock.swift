
/// The wall clock being set, as the machine sees it: lifetimes run on the boot
/// clock (see `Grant.remaining(at:)`), so only shown and stored times move.
extension PairingMachine {
    static func clockWords(_ now: Moment) -> String {
        "it reads \(TimeText.dateTime(now.wall))" + (now.wallSynchronized ? ", before the tokens were obtained" : " and is not synchronized")
    }

    /// The wall clock was set (NTP, an administrator): lifetimes run on the boot clock, so
    /// no timer moves; the wall-clock times shown and stored are re-derived from it, and
    /// tokens whose age was unknown get a refresh planned now that it is known.
    func wallClockSet(_ step: inout Step, now: Moment, random: Double) {
        switch step.state {
        case .polling(var polling):
            guard let session = polling.session else {
                // Waiting to retry a pairing code: a certificate that failed by an unset clock
                // may pass now. Once, at once, rather than at the end of the backoff.
                if polling.failures > 0 { step.effects.append(.schedule(.requestCode, afterSeconds: 0)) }
                return
            }
            polling.session = session.anchored(at: now)
            step.state = .polling(polling)
        case .authorized(var authorized), .refreshing(var authorized, _):
            // The same for a refresh waiting out its backoff.
            if case .refreshing(_, let failures) = step.state, failures > 0 { step.effects.append(.schedule(.refresh, afterSeconds: 0)) }
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
}
