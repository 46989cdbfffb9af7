// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
import Primitives

/// The pure heart of the daemon: `(state, event) → (state, [effect])`.
/// No I/O, no clock, no randomness of its own: `now` (both clocks) and
/// `random` (0..<1) come in with each step, so every transition is unit-tested exactly.
public struct PairingMachine: Sendable {
    public var policy: PairingPolicy

    public init(policy: PairingPolicy) { self.policy = policy }

    public struct Step: Equatable, Sendable {
        public var state: PairingState
        public var effects: [PairingEffect]
    }

    public func transition(_ state: PairingState, _ event: PairingEvent, now: Moment, random: Double) -> Step {
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
            // A refresh on its way: the engine joins it. Backing off (failures > 0): the
            // caller waits for the planned retry, it never cuts the backoff short.
            case .refreshing(let authorized, 0): step.effects += [.cancel(.refresh), .refresh(authorized.grant)]
            default: break
            }
        case .refreshForced:
            switch state {
            case .authorized: startRefresh(&step, because: "an administrator asked for a refresh")
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
        case .wallClockSet: wallClockSet(&step, now: now, random: random)
        case .loggedIn(let grant): loggedIn(&step, grant, now: now, random: random)
        case .revocationAnswered(let outcome):
            // Only the unpair that asked for it is told; a pairing started since has its own story.
            if case .unpaired(.unpairRequested) = state { step.state = .unpaired(.unpairRequested(revocation: outcome)) }
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

    func start(_ step: inout Step, stored: Grant?, now: Moment, random: Double) {
        guard case .unpaired = step.state else { return }
        guard let stored else {
            if policy.autoPair || policy.loginCommand != nil { beginPairing(&step) }
            return
        }
        // Tokens from an earlier boot are placed on this boot's clock when the wall clock can say how old they are.
        let grant = stored.anchored(at: now)
        let placed: [PairingEffect] = grant == stored ? [] : [.persist(grant)]
        switch grant.remaining(at: now) {
        case let remaining? where remaining > 0:
            step.state = .authorized(.init(grant: grant))
            step.effects += placed + [.log(.init(.info, "authorized with stored tokens (access \(Fingerprint.of(grant.accessToken)))"))]
                + afterNewTokens(grant, now: now, random: random)
        case nil where grant.refreshToken != nil:
            // A camera that boots at 1970 (or before NTP answers) cannot tell how old the stored
            // access token is: never serve it on trust, refresh once before use.
            step.state = .refreshing(.init(grant: grant), failures: 0)
            step.effects += [.log(.init(.notice, "the wall clock cannot be trusted yet (\(Self.clockWords(now))); refreshing the stored tokens before use")),
                             .refresh(grant)]
        case nil:
            // Nothing to refresh with: keep the token until the provider refuses it.
            step.state = .authorized(.init(grant: grant))
            step.effects += [.log(.init(.warning, "the wall clock cannot be trusted yet (\(Self.clockWords(now))); keeping the stored access token until the provider refuses it"))]
                + afterNewTokens(grant, now: now, random: random)
        case _ where grant.refreshToken != nil:
            step.state = .refreshing(.init(grant: grant), failures: 0)
            step.effects += placed + [.log(.init(.info, "stored access token has expired; refreshing")), .refresh(grant)]
        default:
            loseAuthorization(&step, why: "the stored access token expired and there is no refresh token")
        }
    }

    /// Tokens that arrive after the daemon dropped what they belong to (an unpair,
    /// a cancelled pairing, a lost authorization) are live at the provider: revoke
    /// them, never store them.
    func discard(_ step: inout Step, _ grant: Grant, why: String) {
        step.effects += [.revokeDiscarded(grant),
                         .log(.init(.notice, "\(why): revoking the new tokens (access \(Fingerprint.of(grant.accessToken))) instead of keeping them"))]
    }

    /// First tokens from `deviceauthctl login`. A login that finishes while tokens are
    /// held does not replace them (unpair first to switch accounts): its tokens are revoked.
    func loggedIn(_ step: inout Step, _ grant: Grant, now: Moment, random: Double) {
        guard step.state.grant == nil else {
            return discard(&step, grant, why: "a login finished while the device was already authorized")
        }
        step.state = .authorized(.init(grant: grant))
        step.effects += Self.cancelPairingTimers + [.persist(grant),
            .log(.init(.notice, "logged in (access \(Fingerprint.of(grant.accessToken)), valid until \(TimeText.clock(grant.accessExpiresAt)))", kind: .paired))]
            + afterNewTokens(grant, now: now, random: random)
    }

    func beginPairing(_ step: inout Step) {
        if let command = policy.loginCommand {
            var lost: String?
            if case .unpaired(.authorizationLost(let why)) = step.state { lost = why }
            step.state = .unpaired(.awaitingLogin(command: command, lost: lost))
            step.effects.append(.log(.init(.notice, "waiting for a login: run \(command)")))
            return
        }
        step.state = .polling(.init())
        step.effects += [.log(.init(.info, "pairing started")), .requestDeviceCode]
    }

    func unpair(_ step: inout Step) {
        let grant = step.state.grant
        step.state = .unpaired(.unpairRequested(revocation: nil))
        step.effects += PairingTimer.allCases.map { .cancel($0) }
        if let grant { step.effects.append(.revoke(grant)) }
        step.effects += [.wipeStore, .log(.init(.notice, "unpaired on request", kind: grant == nil ? nil : .authorizationLost))]
    }

    /// The provider no longer honours our tokens: forget them and, if configured, pair again.
    func loseAuthorization(_ step: inout Step, why: String) {
        step.state = .unpaired(.authorizationLost(why))
        step.effects += PairingTimer.allCases.map { .cancel($0) }
        step.effects += [.wipeStore, .log(.init(.warning, "authorization lost: \(why)", kind: .authorizationLost))]
        // A login dialect has nothing to start by itself: it says a login is needed.
        if policy.autoPair || policy.loginCommand != nil { beginPairing(&step) }
    }

    static let cancelPairingTimers: [PairingEffect] = [.cancel(.requestCode), .cancel(.poll), .cancel(.codeExpiry)]

    // MARK: - Timers

    func timerFired(_ step: inout Step, _ timer: PairingTimer, now: Moment) {
        switch (timer, step.state) {
        case (.requestCode, .polling(let polling)) where polling.session == nil:
            step.effects.append(.requestDeviceCode)
        case (.poll, .polling(let polling)):
            guard let session = polling.session else { return }
            if session.remaining(at: now) <= 0 { renewCode(&step, polling, why: "the code expired") } else { step.effects.append(.poll(session)) }
        case (.codeExpiry, .polling(let polling)) where polling.session != nil:
            renewCode(&step, polling, why: "the code expired")
        case (.refresh, .authorized(let authorized)):
            if authorized.grant.refreshToken == nil {
                // Of unknown age (an untrusted clock): kept until the provider refuses it.
                guard let remaining = authorized.grant.remaining(at: now) else { return }
                guard remaining <= 0 else { return step.effects.append(.schedule(.refresh, afterSeconds: remaining)) }
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

    static func authorized(_ state: PairingState) -> PairingState.Authorized? {
        switch state {
        case .authorized(let authorized), .refreshing(let authorized, _): authorized
        default: nil
        }
    }

    static func replacing(_ state: PairingState, with authorized: PairingState.Authorized) -> PairingState {
        if case .refreshing(_, let failures) = state { return .refreshing(authorized, failures: failures) }
        return .authorized(authorized)
    }
}
