import FoundationEssentials
import Logging
import ServiceLifecycle

/// Runs the state machine: feeds it events (timers, HTTP answers, commands)
/// one at a time from its own loop and carries out the effects it asks for.
/// A swift-service-lifecycle `Service`: `run()` returns on graceful shutdown.
public actor PairingEngine: Service {
    var machine: PairingMachine
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

    public internal(set) var state: PairingState = .unpaired(.neverPaired)
    var lastStatus = ""

    enum Input: Sendable {
        case event(PairingEvent)
        case timer(PairingTimer, generation: Int)
        case watchdog
    }
    let inputs: AsyncStream<Input>
    let continuation: AsyncStream<Input>.Continuation
    var timers: [PairingTimer: Task<Void, Never>] = [:]
    var timerGenerations: [PairingTimer: Int] = [:]
    var refreshTask: Task<PairingEvent, Never>?
    var revokeTask: Task<RevokeOutcome, Never>?
    /// The last save failed (full disk…): say so when one succeeds again.
    var persistFailing = false
    var started = false
    /// The stored tokens have been read and `.started` handled.
    var loaded = false
    /// `token(minValidSeconds:)` callers waiting for the refresh they share.
    var tokenWaiters: [CheckedContinuation<Grant, any Error>] = []
    var watchers: [Int: AsyncStream<PairingSnapshot>.Continuation] = [:]
    var nextWatcher = 0

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

    func publishStatus(force: Bool = false) {
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

}
