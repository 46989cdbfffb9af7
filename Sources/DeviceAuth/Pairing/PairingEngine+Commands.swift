// SPDX-License-Identifier: Apache-2.0
import OAuthProvider

/// What the control socket asks of the engine: pair, cancel, unpair, a policy
/// after a reload, the snapshot and its changes, and tokens (with one shared refresh).
extension PairingEngine {

    /// Commands take effect before they return (a status read right after shows
    /// them); until the stored tokens are loaded they queue behind that.
    public func pair() { command(.pairRequested) }
    public func cancelPairing() { command(.cancelRequested) }
    /// Unpairs, then waits (at most `revokeWait`) to tell whether the provider heard of it.
    @discardableResult
    public func unpair(revokeWait: Duration = .seconds(10)) async -> RevokeOutcome {
        revokeStarted = false
        command(.unpairRequested)
        guard revokeStarted, !stopping else { return .nothingToRevoke }
        let id = takeID()
        let timeout = alarm(atBoot: clock.now().boot.seconds + revokeWait.seconds) { [weak self] in
            await self?.answerRevokeWaiter(id, .notRevoked("the provider did not answer in time; the revocation goes on in the background"))
        }
        defer { timeout.cancel() }
        return await withCheckedContinuation { revokeWaiters[id] = $0 }
    }

    /// The unpair's revocation was answered (or is being retried): its waiters and STATUS hear it.
    func revokeFinished(_ outcome: RevokeOutcome) {
        for id in revokeWaiters.keys { answerRevokeWaiter(id, outcome) }
        handle(.revocationAnswered(outcome))
    }

    private func answerRevokeWaiter(_ id: Int, _ outcome: RevokeOutcome) {
        revokeWaiters.removeValue(forKey: id)?.resume(returning: outcome)
    }

    func takeID() -> Int {
        nextID += 1
        return nextID
    }

    func command(_ event: PairingEvent) {
        if loaded { handle(event) } else { continuation.yield(.event(event)) }
    }

    /// The state, once the stored tokens have been read.
    public var snapshot: PairingSnapshot {
        get async {
            await untilLoaded()
            return PairingSnapshot(state)
        }
    }

    /// Returns once the stored tokens have been read (at once, but for the first instants of `run()`).
    func untilLoaded() async {
        guard !loaded else { return }
        await withCheckedContinuation { loadWaiters.append($0) }
    }

    /// A reloaded configuration's policy: it applies from the next step on
    /// (timers already set keep their times).
    public func update(policy: PairingPolicy) { machine.policy = policy }

    /// Every change of the snapshot from now on (the current one first), until the stream is dropped.
    public func updates() -> AsyncStream<PairingSnapshot> {
        let (stream, continuation) = AsyncStream.makeStream(of: PairingSnapshot.self, bufferingPolicy: .bufferingNewest(16))
        let id = takeID()
        watchers[id] = continuation
        // Before the store is read, the first snapshot is the one published once it is.
        if loaded { continuation.yield(PairingSnapshot(state)) }
        continuation.onTermination = { [weak self] _ in
            Task { await self?.removeWatcher(id) }
        }
        return stream
    }

    func removeWatcher(_ id: Int) { watchers[id] = nil }

    /// The current access token, valid for at least `minValidSeconds` more when a
    /// refresh can give that: when it would expire sooner, a refresh happens first,
    /// and callers asking at the same time share that one refresh (refresh tokens
    /// are single use). What callers ask never makes the daemon refresh more often
    /// than the lifecycle and the backoff allow (`TokenDemand`): then the held
    /// token is served as it is, and the reply says how long it is valid.
    public func token(minValidSeconds: Double = 0) async throws -> Grant {
        await untilLoaded()
        switch state {
        case .authorized(let authorized), .refreshing(let authorized, _):
            switch TokenDemand.decide(state, minValid: minValidSeconds, now: clock.now()) {
            case .serve: return authorized.grant
            case .fail(let why): throw TokenUnavailable.refreshFailed(why)
            case .refresh: break
            }
        case .unpaired, .polling:
            throw TokenUnavailable.notAuthorized(state: state.name)
        }
        return try await refreshForWaiter()
    }

    /// A refresh for a caller: started (or joined, when one is already awaited) and its outcome.
    private func refreshForWaiter() async throws -> Grant {
        guard !stopping else { throw TokenUnavailable.refreshFailed("the daemon is stopping") }
        let id = takeID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { waiter in
                tokenWaiters[id] = waiter
                if tokenWaiters.count == 1 { handle(.refreshRequested) }
            }
        } onCancel: {
            Task { await self.abandonTokenWaiter(id) }
        }
    }

    /// The API forwarder's: the provider answered 401 to a request sent with `accessToken`
    /// (`TokenDemand.afterRejection` decides whether that costs a refresh).
    public func tokenRejected(_ accessToken: String) async throws -> Grant {
        guard case .some = PairingMachine.authorized(state) else { throw TokenUnavailable.notAuthorized(state: state.name) }
        let now = clock.now()
        switch TokenDemand.afterRejection(state, rejected: accessToken, lastRejectionRefresh: lastRejectionRefresh, now: now) {
        case .serve:
            guard let held = PairingMachine.authorized(state) else { throw TokenUnavailable.notAuthorized(state: state.name) }
            return held.grant
        case .fail(let why):
            throw TokenUnavailable.refreshFailed(why)
        case .refresh:
            if case .authorized = state {
                lastRejectionRefresh = now.boot.seconds
                logger.notice("the provider refused the access token (HTTP 401 to a forwarded request): refreshing", metadata: ["state": "\(state.name)"])
            }
            return try await refreshForWaiter()
        }
    }

    /// `deviceauthctl refresh` (administrators): a refresh now, even in a backoff, and its outcome.
    public func refreshNow() async throws -> Grant {
        guard state.grant != nil else { throw TokenUnavailable.notAuthorized(state: state.name) }
        guard !stopping else { throw TokenUnavailable.refreshFailed("the daemon is stopping") }
        let id = takeID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { waiter in
                tokenWaiters[id] = waiter
                handle(.refreshForced)
            }
        } onCancel: {
            Task { await self.abandonTokenWaiter(id) }
        }
    }

    /// A caller that went away (its connection closed) stops waiting; the refresh goes on.
    private func abandonTokenWaiter(_ id: Int) {
        tokenWaiters.removeValue(forKey: id)?.resume(throwing: CancellationError())
    }

    /// After each step: answer token waiters once the outcome is known.
    func settleTokenWaiters(after event: PairingEvent) {
        guard !tokenWaiters.isEmpty else { return }
        let result: Result<Grant, TokenUnavailable>
        switch state {
        case .authorized(let authorized): result = .success(authorized.grant)
        case .unpaired, .polling: result = .failure(.notAuthorized(state: state.name))
        case .refreshing(let authorized, let failures):
            guard case .refreshAnswered = event, failures > 0 else { return }
            result = .failure(.refreshFailed(authorized.lastProblem ?? "unknown error"))
        }
        let waiters = tokenWaiters.values
        tokenWaiters = [:]
        for waiter in waiters { waiter.resume(with: result.mapError { $0 as any Error }) }
    }
}
