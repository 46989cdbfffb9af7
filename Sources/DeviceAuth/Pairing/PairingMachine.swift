import FoundationEssentials

/// The pure heart of the daemon: `(state, event) → (state, [effect])`.
/// No I/O, no clock, no randomness of its own: `now` and `random` (0..<1)
/// come in with each step, so every transition is unit-tested exactly.
public struct PairingMachine: Sendable {
    public var policy: PairingPolicy

    public init(policy: PairingPolicy) { self.policy = policy }

    public struct Step: Equatable, Sendable {
        public var state: PairingState
        public var effects: [PairingEffect]
    }

    public func transition(_ state: PairingState, _ event: PairingEvent, now: Date, random: Double) -> Step {
        var step = Step(state: state, effects: [])
        switch event {
        case .started(let stored): start(&step, stored: stored, now: now, random: random)
        case .pairRequested: if case .unpaired = state { beginPairing(&step) }
        case .cancelRequested:
            if case .polling = state {
                step.state = .unpaired(.pairingCancelled)
                step.effects += Self.cancelPairingTimers + [.log(.init(.notice, "pairing cancelled"))]
            }
        case .unpairRequested: unpair(&step)
        case .refreshRequested:
            switch state {
            case .authorized: startRefresh(&step, because: "a fresher token was asked for")
            // Retry now rather than at the backoff timer; the engine joins a refresh already in flight.
            case .refreshing(let authorized, _): step.effects += [.cancel(.refresh), .refresh(authorized.grant)]
            default: break
            }
        case .deviceCodeIssued(let session): codeIssued(&step, session, now: now)
        case .deviceCodeFailed(let failure): codeFailed(&step, failure, random: random)
        case .pollAnswered(let deviceCode, let result): pollAnswered(&step, deviceCode, result, now: now, random: random)
        case .refreshAnswered(let presented, let result): refreshAnswered(&step, presented, result, now: now, random: random)
        case .deviceInfoAnswered(let token, let result): deviceInfoAnswered(&step, token, result)
        case .heartbeatAnswered(let token, let failure): heartbeatAnswered(&step, token, failure)
        case .timerFired(let timer): timerFired(&step, timer, now: now)
        case .persistFailed(let reason):
            if step.state.grant != nil {
                // Keep using the tokens (they are the only valid ones) and keep trying to save them.
                let delay = min(30, policy.maxRetrySeconds)
                step.effects += [.log(.init(.error, "\(reason); keeping the tokens in memory and retrying in \(Int(delay)) s")),
                                 .schedule(.persistRetry, afterSeconds: delay)]
            }
        }
        return step
    }

    // MARK: - Starting, pairing, unpairing

    private func start(_ step: inout Step, stored: Grant?, now: Date, random: Double) {
        guard case .unpaired = step.state else { return }
        guard let grant = stored else {
            if policy.autoPair { beginPairing(&step) }
            return
        }
        if grant.accessExpiresAt > now {
            step.state = .authorized(.init(grant: grant))
            step.effects += [.log(.init(.info, "authorized with stored tokens (access \(Fingerprint.of(grant.accessToken)))"))]
                + afterNewTokens(grant, now: now, random: random)
        } else if grant.refreshToken != nil {
            step.state = .refreshing(.init(grant: grant), failures: 0)
            step.effects += [.log(.init(.info, "stored access token has expired; refreshing")), .refresh(grant)]
        } else {
            loseAuthorization(&step, why: "the stored access token expired and there is no refresh token")
        }
    }

    private func beginPairing(_ step: inout Step) {
        step.state = .polling(.init())
        step.effects += [.log(.init(.info, "pairing started")), .requestDeviceCode]
    }

    private func unpair(_ step: inout Step) {
        let grant = step.state.grant
        step.state = .unpaired(.unpairRequested)
        step.effects += PairingTimer.allCases.map { .cancel($0) }
        if let grant { step.effects.append(.revoke(grant)) }
        step.effects += [.wipeStore, .log(.init(.notice, "unpaired on request", kind: grant == nil ? nil : .authorizationLost))]
    }

    /// The provider no longer honours our tokens: forget them and, if configured, pair again.
    private func loseAuthorization(_ step: inout Step, why: String) {
        step.state = .unpaired(.authorizationLost(why))
        step.effects += PairingTimer.allCases.map { .cancel($0) }
        step.effects += [.wipeStore, .log(.init(.warning, "authorization lost: \(why)", kind: .authorizationLost))]
        if policy.autoPair { beginPairing(&step) }
    }

    private static let cancelPairingTimers: [PairingEffect] = [.cancel(.requestCode), .cancel(.poll), .cancel(.codeExpiry)]

    // MARK: - Polling

    private func codeIssued(_ step: inout Step, _ session: DeviceCodeSession, now: Date) {
        guard case .polling(var polling) = step.state, polling.session == nil else { return }
        polling.session = session
        polling.failures = 0
        polling.lastProblem = nil
        polling.codesIssued += 1
        step.state = .polling(polling)
        // The complete URL holds only the user code (meant to be read): the demo and
        // support engineers draw the QR code from this line.
        let where_ = (session.verificationURI.map { " at \($0)" } ?? "")
            + (session.verificationURIComplete.map { " (QR code: \($0))" } ?? "")
        step.effects += [
            .log(.init(.notice, polling.codesIssued > 1 ? "code renewed: enter code \(session.userCode)\(where_)"
                                                        : "enter code \(session.userCode)\(where_)",
                       kind: polling.codesIssued > 1 ? .codeRenewed : nil)),
            .schedule(.poll, afterSeconds: session.interval),
            .schedule(.codeExpiry, afterSeconds: max(0, session.expiresAt.timeIntervalSince(now))),
        ]
    }

    private func codeFailed(_ step: inout Step, _ failure: OAuthFailure, random: Double) {
        guard case .polling(var polling) = step.state, polling.session == nil else { return }
        if failure.isTransient {
            polling.failures += 1
            let delay = policy.retryDelay(failures: polling.failures, random: random, failure: failure)
            polling.lastProblem = "\(failure), retrying in \(Int(delay.rounded(.up))) s"
            step.state = .polling(polling)
            step.effects += [.log(.init(.warning, "cannot get a pairing code: \(polling.lastProblem!)")),
                             .schedule(.requestCode, afterSeconds: delay)]
        } else {
            rejectConfiguration(&step, failure)
        }
    }

    /// invalid_client and the like: retrying cannot help until someone fixes the config.
    private func rejectConfiguration(_ step: inout Step, _ failure: OAuthFailure) {
        let why = failure == .oauth("invalid_client")
            ? "invalid_client: the client_secret or client_id is wrong; fix ClientSecretFile= and restart"
            : "\(failure); check the [Provider] section and restart"
        step.state = .unpaired(.configurationRejected(why))
        step.effects += Self.cancelPairingTimers + [.log(.init(.error, "pairing stopped: \(why)"))]
    }

    private func pollAnswered(_ step: inout Step, _ deviceCode: String, _ result: Result<Grant, OAuthFailure>, now: Date, random: Double) {
        guard case .polling(var polling) = step.state, let session = polling.session, session.deviceCode == deviceCode else { return }
        switch result {
        case .success(let grant):
            step.state = .authorized(.init(grant: grant))
            step.effects += Self.cancelPairingTimers + [.persist(grant),
                .log(.init(.notice, "paired (access \(Fingerprint.of(grant.accessToken)), valid until \(TimeText.clock(grant.accessExpiresAt)))", kind: .paired))]
                + afterNewTokens(grant, now: now, random: random)
        case .failure(.oauth("authorization_pending")):
            polling.failures = 0
            polling.lastProblem = nil
            step.state = .polling(polling)
            step.effects.append(.schedule(.poll, afterSeconds: session.interval))
        case .failure(.oauth("slow_down")):
            // RFC 8628 §3.5: add 5 seconds, for this code, for good.
            polling.session?.interval += 5
            step.state = .polling(polling)
            step.effects += [.log(.init(.info, "provider asked to slow down; polling every \(Int(session.interval + 5)) s")),
                             .schedule(.poll, afterSeconds: session.interval + 5)]
        case .failure(.oauth("expired_token")):
            renewCode(&step, polling, why: "the code expired")
        case .failure(.oauth("access_denied")):
            step.state = .unpaired(.denied)
            step.effects += Self.cancelPairingTimers + [.log(.init(.warning, "pairing denied on the activation page"))]
        case .failure(.oauth("invalid_client")):
            rejectConfiguration(&step, .oauth("invalid_client"))
        case .failure(let failure) where failure.isTransient:
            polling.failures += 1
            let delay = max(session.interval, policy.retryDelay(failures: polling.failures, random: random, failure: failure))
            polling.lastProblem = "\(failure), polling again in \(Int(delay.rounded(.up))) s"
            step.state = .polling(polling)
            step.effects += [.log(.init(.warning, "poll failed: \(polling.lastProblem!)")), .schedule(.poll, afterSeconds: delay)]
        case .failure(let failure):
            // invalid_grant, invalid_request, a 401…: this code is unusable. A new one,
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

    private func renewCode(_ step: inout Step, _ polling: PairingState.Polling, why: String) {
        var polling = polling
        polling.session = nil
        polling.lastProblem = nil
        step.state = .polling(polling)
        step.effects += [.cancel(.poll), .cancel(.codeExpiry), .log(.init(.info, "\(why); requesting a new one")), .requestDeviceCode]
    }

    // MARK: - Authorized and refreshing

    /// What follows every new pair of tokens: plan the refresh, ask which project we
    /// belong to, and keep the device online.
    private func afterNewTokens(_ grant: Grant, now: Date, random: Double) -> [PairingEffect] {
        var effects: [PairingEffect] = [.fetchDeviceInfo(grant), .schedule(.heartbeat, afterSeconds: policy.heartbeatSeconds)]
        if grant.refreshToken != nil {
            effects.append(.schedule(.refresh, afterSeconds: policy.refreshDelay(for: grant, now: now, random: random)))
        } else {
            // Nothing to refresh with: when the access token dies, so does the authorization.
            effects.append(.schedule(.refresh, afterSeconds: max(0, grant.accessExpiresAt.timeIntervalSince(now))))
        }
        return effects
    }

    private func refreshAnswered(_ step: inout Step, _ presented: String?, _ result: Result<Grant, OAuthFailure>, now: Date, random: Double) {
        guard case .refreshing(var authorized, let failures) = step.state, authorized.grant.refreshToken == presented else { return }
        switch result {
        case .success(let grant):
            authorized.grant = grant
            authorized.lastProblem = nil
            step.state = .authorized(authorized)
            step.effects += [.persist(grant),
                .log(.init(.info, "tokens refreshed (access \(Fingerprint.of(grant.accessToken)), valid until \(TimeText.clock(grant.accessExpiresAt)))", kind: .refreshed))]
                + afterNewTokens(grant, now: now, random: random)
        case .failure(.oauth("invalid_client")):
            // Our secret is wrong, not the user's authorization: keep the tokens, shout, retry rarely.
            authorized.lastProblem = "the provider rejected the client_secret (invalid_client); fix ClientSecretFile="
            step.state = .refreshing(authorized, failures: failures + 1)
            step.effects += [.log(.init(.error, "refresh refused: \(authorized.lastProblem!)")),
                             .schedule(.refresh, afterSeconds: policy.configurationRetrySeconds)]
        case .failure(let failure) where failure.isTransient:
            // A network fault is not a lost authorization: keep the old tokens and retry.
            let delay = policy.retryDelay(failures: failures + 1, random: random, failure: failure)
            authorized.lastProblem = "\(failure), retrying in \(Int(delay.rounded(.up))) s"
            step.state = .refreshing(authorized, failures: failures + 1)
            step.effects += [.log(.init(.warning, "refresh failed: \(authorized.lastProblem!)")), .schedule(.refresh, afterSeconds: delay)]
        case .failure(let failure):
            let why: String = switch failure {
            case .notAuthorized: "the provider answered 401 to the refresh: the authorization was revoked"
            case .oauth("invalid_request"): "the provider refused the refresh token as already used (invalid_request); an earlier refresh answer was lost"
            case .oauth("invalid_grant"): "the refresh token is no longer valid (invalid_grant)"
            default: "the refresh was refused (\(failure))"
            }
            loseAuthorization(&step, why: why)
        }
    }

    private func deviceInfoAnswered(_ step: inout Step, _ token: String, _ result: Result<DeviceInfo, OAuthFailure>) {
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
            step.effects.append(.log(.init(.warning, "cannot read the device's project: \(failure)")))
        }
    }

    private func heartbeatAnswered(_ step: inout Step, _ token: String, _ failure: OAuthFailure?) {
        guard let failure, let authorized = Self.authorized(step.state), authorized.grant.accessToken == token else { return }
        if failure == .notAuthorized {
            startRefresh(&step, because: "the heartbeat was refused (401)")
        } else {
            step.effects.append(.log(.init(.warning, "heartbeat failed: \(failure)")))
        }
    }

    private func startRefresh(_ step: inout Step, because why: String) {
        guard case .authorized(let authorized) = step.state else { return }
        guard authorized.grant.refreshToken != nil else {
            loseAuthorization(&step, why: "\(why) and there is no refresh token")
            return
        }
        step.state = .refreshing(authorized, failures: 0)
        step.effects += [.cancel(.refresh), .log(.init(.info, "\(why); refreshing")), .refresh(authorized.grant)]
    }

    // MARK: - Timers

    private func timerFired(_ step: inout Step, _ timer: PairingTimer, now: Date) {
        switch (timer, step.state) {
        case (.requestCode, .polling(let polling)) where polling.session == nil:
            step.effects.append(.requestDeviceCode)
        case (.poll, .polling(let polling)):
            guard let session = polling.session else { return }
            if session.expiresAt <= now { renewCode(&step, polling, why: "the code expired") } else { step.effects.append(.poll(session)) }
        case (.codeExpiry, .polling(let polling)) where polling.session != nil:
            renewCode(&step, polling, why: "the code expired")
        case (.refresh, .authorized(let authorized)):
            if authorized.grant.refreshToken == nil {
                loseAuthorization(&step, why: "the access token expired and there is no refresh token (scope without offline)")
            } else {
                step.state = .refreshing(authorized, failures: 0)
                step.effects.append(.refresh(authorized.grant))
            }
        case (.refresh, .refreshing(let authorized, _)):
            step.effects.append(.refresh(authorized.grant))
        case (.heartbeat, .authorized(let authorized)):
            step.effects += [.sendHeartbeat(authorized.grant), .schedule(.heartbeat, afterSeconds: policy.heartbeatSeconds)]
        case (.heartbeat, .refreshing):
            // No heartbeat with a token being replaced; try again next period.
            step.effects.append(.schedule(.heartbeat, afterSeconds: policy.heartbeatSeconds))
        case (.persistRetry, _):
            if let grant = step.state.grant { step.effects.append(.persist(grant)) }
        default:
            break  // a timer that outlived its state: nothing to do
        }
    }

    private static func authorized(_ state: PairingState) -> PairingState.Authorized? {
        switch state {
        case .authorized(let authorized), .refreshing(let authorized, _): authorized
        default: nil
        }
    }

    private static func replacing(_ state: PairingState, with authorized: PairingState.Authorized) -> PairingState {
        if case .refreshing(_, let failures) = state { return .refreshing(authorized, failures: failures) }
        return .authorized(authorized)
    }
}
