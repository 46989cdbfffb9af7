import FoundationEssentials
import Logging
import ServiceLifecycle

/// Runs the state machine: feeds it events (timers, HTTP answers, commands)
/// one at a time from its own loop and carries out the effects it asks for.
/// A swift-service-lifecycle `Service`: `run()` returns on graceful shutdown.
public actor PairingEngine: Service {
    private(set) var machine: PairingMachine
    let client: any ProviderClient
    let store: any GrantStore
    let observer: any PairingObserver
    let logger: Logger
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    let watchdogInterval: Duration?
    /// How long shutdown waits for a refresh in flight, so a rotated pair that
    /// is on its way back is committed rather than lost.
    let shutdownGrace: Duration

    public private(set) var state: PairingState = .unpaired(.neverPaired)
    private var lastStatus = ""

    enum Input: Sendable {
        case event(PairingEvent)
        case timer(PairingTimer, generation: Int)
        case watchdog
    }
    private let inputs: AsyncStream<Input>
    private let continuation: AsyncStream<Input>.Continuation
    private var timers: [PairingTimer: Task<Void, Never>] = [:]
    private var timerGenerations: [PairingTimer: Int] = [:]
    private var refreshTask: Task<PairingEvent, Never>?
    private var revokeTask: Task<RevokeOutcome, Never>?
    /// The last save failed (full disk…): say so when one succeeds again.
    private var persistFailing = false
    private var started = false
    /// The stored tokens have been read and `.started` handled.
    private var loaded = false
    /// `token(minValidSeconds:)` callers waiting for the refresh they share.
    private var tokenWaiters: [CheckedContinuation<Grant, any Error>] = []
    private var watchers: [Int: AsyncStream<PairingSnapshot>.Continuation] = [:]
    private var nextWatcher = 0

    public init(
        policy: PairingPolicy, client: any ProviderClient, store: any GrantStore, observer: any PairingObserver,
        logger: Logger, watchdogInterval: Duration? = nil, shutdownGrace: Duration = .milliseconds(1500),
        now: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.machine = PairingMachine(policy: policy)
        self.client = client
        self.store = store
        self.observer = observer
        self.logger = logger
        self.watchdogInterval = watchdogInterval
        self.shutdownGrace = shutdownGrace
        self.now = now
        self.random = random
        (inputs, continuation) = AsyncStream.makeStream(of: Input.self)
    }

    // MARK: - Commands (from the control socket)

    /// Commands take effect before they return (a status read right after shows
    /// them); until the stored tokens are loaded they queue behind that.
    public func pair() { command(.pairRequested) }
    public func cancelPairing() { command(.cancelRequested) }
    /// Unpairs, then waits (at most `revokeWait`) to tell whether the provider heard of it.
    @discardableResult
    public func unpair(revokeWait: Duration = .seconds(10)) async -> RevokeOutcome {
        revokeTask = nil
        command(.unpairRequested)
        guard let task = revokeTask else { return .nothingToRevoke }
        return await withTaskGroup(of: RevokeOutcome.self) { group in
            group.addTask { await task.value }
            group.addTask {
                try? await Task.sleep(for: revokeWait)
                return .notRevoked("the provider did not answer in time; the revocation goes on in the background")
            }
            let first = await group.next() ?? .nothingToRevoke
            group.cancelAll()
            return first
        }
    }

    private func command(_ event: PairingEvent) {
        if loaded { handle(event) } else { continuation.yield(.event(event)) }
    }

    public var snapshot: PairingSnapshot { PairingSnapshot(state) }

    /// A reloaded configuration's policy: it applies from the next step on
    /// (timers already set keep their times).
    public func update(policy: PairingPolicy) { machine.policy = policy }

    /// Every change of the snapshot from now on (the current one first), until the stream is dropped.
    public func updates() -> AsyncStream<PairingSnapshot> {
        let (stream, continuation) = AsyncStream.makeStream(of: PairingSnapshot.self, bufferingPolicy: .bufferingNewest(16))
        let id = nextWatcher
        nextWatcher += 1
        watchers[id] = continuation
        continuation.yield(snapshot)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.removeWatcher(id) }
        }
        return stream
    }

    private func removeWatcher(_ id: Int) { watchers[id] = nil }

    /// The current access token, valid for at least `minValidSeconds` more: when
    /// it would expire sooner, a refresh happens first, and callers asking at
    /// the same time share that one refresh (refresh tokens are single use).
    public func token(minValidSeconds: Double = 0) async throws -> Grant {
        let needed = max(0, minValidSeconds)
        switch state {
        case .authorized(let authorized), .refreshing(let authorized, _):
            if authorized.grant.accessExpiresAt.timeIntervalSince(now()) > needed { return authorized.grant }
        case .unpaired, .polling:
            throw TokenUnavailable.notAuthorized(state: state.name)
        }
        return try await withCheckedThrowingContinuation { waiter in
            tokenWaiters.append(waiter)
            if tokenWaiters.count == 1 { handle(.refreshRequested) }
        }
    }

    /// After each step: answer token waiters once the outcome is known.
    private func settleTokenWaiters(after event: PairingEvent) {
        guard !tokenWaiters.isEmpty else { return }
        let result: Result<Grant, TokenUnavailable>
        switch state {
        case .authorized(let authorized): result = .success(authorized.grant)
        case .unpaired, .polling: result = .failure(.notAuthorized(state: state.name))
        case .refreshing(let authorized, let failures):
            guard case .refreshAnswered = event, failures > 0 else { return }
            result = .failure(.refreshFailed(authorized.lastProblem ?? "unknown error"))
        }
        let waiters = tokenWaiters
        tokenWaiters = []
        for waiter in waiters { waiter.resume(with: result.mapError { $0 as any Error }) }
    }

    // MARK: - The loop

    public func run() async throws {
        precondition(!started, "a PairingEngine runs once")
        started = true
        let stored: Grant?
        do {
            stored = try store.load()
        } catch {
            // A store we cannot read must not keep the camera from pairing: start clean.
            logger.error("\(error); starting clean, the device must pair again", metadata: ["state": "unpaired"])
            try? store.wipe()
            stored = nil
            if let (grant, formerClientID) = error.foreign {
                // The device's client id changed: its old authorization must not outlive it.
                Task { [client, logger] in
                    do {
                        try await client.revoke(grant, clientID: formerClientID)
                        logger.info("revoked the authorization of the former client id \(formerClientID)")
                    } catch {
                        logger.warning("could not revoke the authorization of the former client id \(formerClientID): \(error)")
                    }
                }
            }
        }
        handle(.started(stored: stored))
        loaded = true
        publishStatus(force: true)

        let watchdog = watchdogInterval.map { interval in
            Task { [continuation] in
                while !Task.isCancelled {
                    continuation.yield(.watchdog)
                    try? await Task.sleep(for: interval)
                }
            }
        }
        await withGracefulShutdownHandler {
            for await input in inputs { receive(input) }
        } onGracefulShutdown: { [continuation] in
            continuation.finish()
        }
        watchdog?.cancel()
        for timer in timers.values { timer.cancel() }
        await finishRefreshInFlight()
        for watcher in watchers.values { watcher.finish() }
        for waiter in tokenWaiters { waiter.resume(throwing: TokenUnavailable.refreshFailed("the daemon is stopping")) }
        tokenWaiters = []
    }

    private func receive(_ input: Input) {
        switch input {
        case .event(let event):
            handle(event)
        case .timer(let timer, let generation):
            // A timer cancelled or replaced after it fired is stale: drop it.
            guard timerGenerations[timer] == generation else { return }
            timers[timer] = nil
            handle(.timerFired(timer))
        case .watchdog:
            observer.engineAlive()
        }
    }

    /// One step of the machine, then its effects, in order.
    func handle(_ event: PairingEvent) {
        if case .refreshAnswered = event { refreshTask = nil }
        let step = machine.transition(state, event, now: now(), random: random())
        state = step.state
        for effect in step.effects { execute(effect) }
        publishStatus()
        settleTokenWaiters(after: event)
    }

    private func publishStatus(force: Bool = false) {
        let status = state.statusLine()
        guard force || status != lastStatus else { return }
        lastStatus = status
        observer.pairingStateChanged(state, status: status)
        let snapshot = PairingSnapshot(state)
        for watcher in watchers.values { watcher.yield(snapshot) }
    }

    /// On shutdown, a refresh in flight is waited for (briefly): its answer holds
    /// the only valid refresh token, and losing it would cost the pairing.
    private func finishRefreshInFlight() async {
        guard let task = refreshTask else { return }
        let grace = shutdownGrace
        let event = await withTaskGroup(of: PairingEvent?.self) { group in
            group.addTask { await task.value }
            group.addTask { try? await Task.sleep(for: grace); return nil }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let event {
            handle(event)
        } else {
            logger.warning("stopping with a refresh still unanswered; if the provider rotated the tokens, the device will pair again",
                           metadata: ["state": "\(state.name)"])
        }
    }

    // MARK: - Effects

    private func execute(_ effect: PairingEffect) {
        switch effect {
        case .requestDeviceCode:
            spawn { client, now in
                do throws(OAuthFailure) { return .deviceCodeIssued(try await client.requestDeviceCode(now: now)) } catch { return .deviceCodeFailed(error) }
            }
        case .poll(let session):
            spawn { client, now in
                do throws(OAuthFailure) { return .pollAnswered(deviceCode: session.deviceCode, .success(try await client.poll(session, now: now))) } catch {
                    return .pollAnswered(deviceCode: session.deviceCode, .failure(error))
                }
            }
        case .refresh(let grant):
            // Exactly one refresh at a time: a second request joins the one in flight.
            guard refreshTask == nil else { return }
            refreshTask = spawn { client, now in
                do throws(OAuthFailure) { return .refreshAnswered(refreshToken: grant.refreshToken, .success(try await client.refresh(grant, now: now))) } catch {
                    return .refreshAnswered(refreshToken: grant.refreshToken, .failure(error))
                }
            }
        case .revoke(let grant):
            revokeTask = Task { [client, logger] in
                do {
                    try await client.revoke(grant, clientID: nil)
                    logger.info("authorization revoked at the provider (access \(Fingerprint.of(grant.accessToken)))")
                    return .revoked
                } catch {
                    logger.warning("could not revoke the authorization at the provider: \(error)")
                    return .notRevoked("\(error)")
                }
            }
        case .fetchDeviceInfo(let grant):
            spawnOptional { client in
                do throws(OAuthFailure) {
                    guard let info = try await client.deviceInfo(grant) else { return nil }
                    return .deviceInfoAnswered(accessToken: grant.accessToken, .success(info))
                } catch {
                    return .deviceInfoAnswered(accessToken: grant.accessToken, .failure(error))
                }
            }
        case .sendHeartbeat(let grant):
            spawnOptional { client in
                do throws(OAuthFailure) { try await client.heartbeat(grant); return .heartbeatAnswered(accessToken: grant.accessToken, nil) } catch {
                    return .heartbeatAnswered(accessToken: grant.accessToken, error)
                }
            }
        case .persist(let grant):
            do {
                try store.save(grant)
                if persistFailing {
                    persistFailing = false
                    logger.notice("the tokens are saved again", metadata: ["state": "\(state.name)"])
                }
            } catch {
                persistFailing = true
                continuation.yield(.event(.persistFailed(error.description)))
            }
        case .wipeStore:
            do { try store.wipe() } catch { logger.error("\(error)", metadata: ["state": "\(state.name)"]) }
        case .schedule(let timer, let seconds):
            let generation = (timerGenerations[timer] ?? 0) + 1
            timerGenerations[timer] = generation
            timers[timer]?.cancel()
            timers[timer] = Task { [continuation] in
                try? await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up))), clock: .continuous)
                if !Task.isCancelled { continuation.yield(.timer(timer, generation: generation)) }
            }
        case .cancel(let timer):
            timerGenerations[timer] = (timerGenerations[timer] ?? 0) + 1
            timers[timer]?.cancel()
            timers[timer] = nil
        case .log(let entry):
            var metadata: Logger.Metadata = ["state": "\(state.name)"]
            if let kind = entry.kind { metadata["message_id"] = "\(kind.messageID)" }
            let level: Logger.Level = switch entry.level {
            case .info: .info
            case .notice: .notice
            case .warning: .warning
            case .error: .error
            }
            logger.log(level: level, "\(entry.message)", metadata: metadata)
        }
    }

    /// Runs one provider call off the loop and feeds its answer back in.
    @discardableResult
    private func spawn(_ call: @escaping @Sendable (any ProviderClient, Date) async -> PairingEvent) -> Task<PairingEvent, Never> {
        let startedAt = now()
        return Task { [client, continuation] in
            let event = await call(client, startedAt)
            continuation.yield(.event(event))
            return event
        }
    }

    private func spawnOptional(_ call: @escaping @Sendable (any ProviderClient) async -> PairingEvent?) {
        Task { [client, continuation] in
            if let event = await call(client) { continuation.yield(.event(event)) }
        }
    }
}
