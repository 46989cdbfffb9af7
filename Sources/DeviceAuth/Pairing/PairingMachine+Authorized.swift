// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
import Primitives

/// Authorized and refreshing: planning refreshes, one at a time, and telling a
/// network fault (keep the tokens) from a lost authorization (pair again).
extension PairingMachine {

    /// What follows every new pair of tokens: plan the refresh, keep the device online,
    /// and ask which project we belong to unless that is known: the project changes
    /// only with a new pairing, so a refresh asks again only after a failed ask.
    func afterNewTokens(_ grant: Grant, now: Moment, random: Double, projectKnown: Bool = false) -> [PairingEffect] {
        (projectKnown ? [] : [.fetchDeviceInfo(grant)])
            + [.schedule(.heartbeat, afterSeconds: policy.heartbeatSeconds),
               .schedule(.refresh, afterSeconds: Self.refreshTimer(grant, policy: policy, now: now, random: random))]
    }

    /// When the refresh timer fires: the planned refresh, or, with nothing to refresh
    /// with, the access token's death (and with it the authorization's). A token of
    /// unknown age without a refresh token is kept until the provider refuses it.
    static func refreshTimer(_ grant: Grant, policy: PairingPolicy, now: Moment, random: Double) -> Double {
        if grant.refreshToken != nil { return policy.refreshDelay(for: grant, now: now, random: random) }
        return max(0, grant.remaining(at: now) ?? policy.configurationRetrySeconds)
    }

    func refreshAnswered(_ step: inout Step, _ presented: String?, _ result: Result<Grant, OAuthFailure>, now: Moment, random: Double) {
        guard case .refreshing(var authorized, let failures) = step.state, authorized.grant.refreshToken == presented else {
            if case .success(let grant) = result { discard(&step, grant, why: "a refresh was answered after its authorization was dropped") }
            return
        }
        switch result {
        case .success(let grant):
            authorized.grant = grant
            authorized.lastProblem = nil
            authorized.waitingForClock = false
            step.state = .authorized(authorized)
            step.effects += [.persist(grant),
                .log(.init(.info, "tokens refreshed (access \(Fingerprint.of(grant.accessToken)), valid until \(TimeText.clock(grant.accessExpiresAt)))", kind: .refreshed))]
                + afterNewTokens(grant, now: now, random: random, projectKnown: authorized.projectName != nil)
        case .failure(.clientRejected(let error)):
            // Our client is refused, not the user's authorization: keep the tokens, shout, retry rarely.
            authorized.lastProblem = "the provider refused our client (\(error)); check ClientSecretFile= and ClientAuthentication="
            step.state = .refreshing(authorized, failures: failures + 1)
            step.effects += [.log(.init(.error, "refresh refused: \(authorized.lastProblem!)")),
                             .schedule(.refresh, afterSeconds: policy.configurationRetrySeconds)]
        case .failure(let failure) where !failure.endsAuthorization:
            // Only a definite answer ends an authorization. A network fault, a 5xx, a 403
            // from a proxy, a redirect, an unknown 400: keep the tokens (the refresh token
            // was not spent), back off, retry.
            let delay = policy.retryDelay(failures: failures + 1, random: random, failure: failure)
            authorized.lastProblem = "\(failure), retrying in \(Int(delay.rounded(.up))) s"
            authorized.waitingForClock = failure.isClockNotSet
            step.state = .refreshing(authorized, failures: failures + 1)
            step.effects += [.log(.init(.warning, "refresh failed: \(authorized.lastProblem!)", failure: failure)), .schedule(.refresh, afterSeconds: delay)]
        case .failure(let failure):
            let why: String = switch failure {
            case .notAuthorized: "the provider answered 401 to the refresh: the authorization was revoked"
            case .refreshTokenReused(let error): "the provider refused the refresh token as already used (\(error)); an earlier refresh answer was lost"
            default: "the refresh token is no longer valid (\(failure))"
            }
            loseAuthorization(&step, why: why)
        }
    }

    func deviceInfoAnswered(_ step: inout Step, _ token: String, _ result: Result<DeviceInfo, OAuthFailure>) {
        guard var authorized = Self.authorized(step.state), authorized.grant.accessToken == token else { return }
        switch result {
        case .success(let info):
            guard authorized.projectName != info.projectName else { return }
            authorized.projectName = info.projectName
            step.state = Self.replacing(step.state, with: authorized)
            step.effects.append(.log(.init(.info, "device \(info.deviceName ?? "?") is in project \(info.projectName ?? "?")")))
        case .failure(.notAuthorized):
            startRefresh(&step, because: "the provider refused the access token")
        case .failure(let failure):
            step.effects.append(.log(.init(.warning, "cannot read the device's project: \(failure)", failure: failure)))
        }
    }

    func heartbeatAnswered(_ step: inout Step, _ token: String, _ failure: OAuthFailure?) {
        guard let failure, let authorized = Self.authorized(step.state), authorized.grant.accessToken == token else { return }
        if failure == .notAuthorized {
            startRefresh(&step, because: "the heartbeat was refused (401)")
        } else {
            step.effects.append(.log(.init(.warning, "heartbeat failed: \(failure)", failure: failure)))
        }
    }

    func startRefresh(_ step: inout Step, because why: String) {
        guard case .authorized(let authorized) = step.state else { return }
        guard authorized.grant.refreshToken != nil else {
            loseAuthorization(&step, why: "\(why) and there is no refresh token")
            return
        }
        step.state = .refreshing(authorized, failures: 0)
        step.effects += [.cancel(.refresh), .log(.init(.info, "\(why); refreshing")), .refresh(authorized.grant)]
    }
}
