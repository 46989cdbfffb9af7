// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
import Primitives

/// The polling rules (docs/providers.md §1, RFC 8628 §3.4–3.5): interval, slow_down,
/// expiry and renewal, denial, configuration errors, backoff.
extension PairingMachine {

    func codeIssued(_ step: inout Step, _ session: DeviceCodeSession, now: Moment) {
        guard case .polling(var polling) = step.state, polling.session == nil else { return }
        polling.session = session
        polling.failures = 0
        polling.lastProblem = nil
        polling.codesIssued += 1
        step.state = .polling(polling)
        // Not the code itself: whoever reads it can approve the device with their own
        // account, and the journal has more readers than those who may pair.
        let line = "pairing code issued, valid until \(TimeText.clock(session.expiresAt)); \(PairingState.whereToSeeTheCode)"
        step.effects += [
            .log(.init(.notice, polling.codesIssued > 1 ? "code renewed: " + line : line,
                       kind: polling.codesIssued > 1 ? .codeRenewed : nil)),
            .schedule(.poll, afterSeconds: session.interval),
            .schedule(.codeExpiry, afterSeconds: max(0, session.remaining(at: now))),
        ]
    }

    func codeFailed(_ step: inout Step, _ failure: OAuthFailure, random: Double) {
        guard case .polling(var polling) = step.state, polling.session == nil else { return }
        if failure.isTransient {
            polling.failures += 1
            let delay = policy.retryDelay(failures: polling.failures, random: random, failure: failure)
            polling.lastProblem = "\(failure), retrying in \(Int(delay.rounded(.up))) s"
            polling.waitingForClock = failure.isClockNotSet
            step.state = .polling(polling)
            step.effects += [.log(.init(.warning, "cannot get a pairing code: \(polling.lastProblem!)", failure: failure)),
                             .schedule(.requestCode, afterSeconds: delay)]
        } else {
            rejectConfiguration(&step, failure)
        }
    }

    /// invalid_client and the like: retrying cannot help until someone fixes the config.
    func rejectConfiguration(_ step: inout Step, _ failure: OAuthFailure) {
        let why = if case .clientRejected = failure {
            "\(failure): our client is refused; check ClientID=, ClientSecretFile= and ClientAuthentication=, then restart"
        } else {
            "\(failure); check the [Provider] section and restart"
        }
        step.state = .unpaired(.configurationRejected(why))
        step.effects += Self.cancelPairingTimers + [.log(.init(.error, "pairing stopped: \(why)"))]
    }

    func pollAnswered(_ step: inout Step, _ deviceCode: String, _ result: Result<Grant, OAuthFailure>, now: Moment, random: Double) {
        guard case .polling(var polling) = step.state, let session = polling.session, session.deviceCode == deviceCode else {
            if case .success(let grant) = result { discard(&step, grant, why: "a pairing was approved after it was abandoned") }
            return
        }
        switch result {
        case .success(let grant):
            step.state = .authorized(.init(grant: grant))
            step.effects += Self.cancelPairingTimers + [.persist(grant),
                .log(.init(.notice, "paired (access \(Fingerprint.of(grant.accessToken)), valid until \(TimeText.clock(grant.accessExpiresAt)))", kind: .paired))]
                + afterNewTokens(grant, now: now, random: random)
        case .failure(.pending(let interval)):
            // A server may change the interval in any poll answer; never below 1 s.
            let next = interval.map { max(1, $0) } ?? session.interval
            polling.session?.interval = next
            polling.failures = 0
            polling.lastProblem = nil
            step.state = .polling(polling)
            step.effects.append(.schedule(.poll, afterSeconds: next))
        case .failure(.slowDown(let interval)):
            // RFC 8628 §3.5: add 5 seconds, for this code, for good (or more, if the server says).
            let next = max(session.interval + 5, interval ?? 0)
            polling.session?.interval = next
            step.state = .polling(polling)
            step.effects += [.log(.init(.info, "provider asked to slow down; polling every \(Int(next.rounded(.up))) s")),
                             .schedule(.poll, afterSeconds: next)]
        case .failure(.codeExpired):
            renewCode(&step, polling, why: "the code expired")
        case .failure(.denied(let error)):
            step.state = .unpaired(.denied)
            let detail = error.text.map { " (\"\($0)\")" } ?? ""
            step.effects += Self.cancelPairingTimers + [.log(.init(.warning, "pairing denied on the activation page\(detail)"))]
        case .failure(.clientRejected(let error)):
            rejectConfiguration(&step, .clientRejected(error))
        case .failure(let failure) where failure.isTransient:
            polling.failures += 1
            let delay = max(session.interval, policy.retryDelay(failures: polling.failures, random: random, failure: failure))
            polling.lastProblem = "\(failure), polling again in \(Int(delay.rounded(.up))) s"
            step.state = .polling(polling)
            step.effects += [.log(.init(.warning, "poll failed: \(polling.lastProblem!)", failure: failure)), .schedule(.poll, afterSeconds: delay)]
        case .failure(let failure):
            // invalid_grant (grant gone), an unknown error, a 401…: this code is unusable. A new one,
            // after a backoff so a confused server cannot make us spin.
            polling.failures += 1
            polling.session = nil
            let delay = policy.retryDelay(failures: polling.failures, random: random)
            polling.lastProblem = "the provider refused the code (\(failure)), new code in \(Int(delay.rounded(.up))) s"
            step.state = .polling(polling)
            step.effects += [.cancel(.poll), .cancel(.codeExpiry), .log(.init(.warning, polling.lastProblem!)),
                             .schedule(.requestCode, afterSeconds: delay)]
        }
    }

    func renewCode(_ step: inout Step, _ polling: PairingState.Polling, why: String) {
        var polling = polling
        polling.session = nil
        polling.lastProblem = nil
        step.state = .polling(polling)
        step.effects += [.cancel(.poll), .cancel(.codeExpiry), .log(.init(.info, "\(why); requesting a new one")), .requestDeviceCode]
    }
}
