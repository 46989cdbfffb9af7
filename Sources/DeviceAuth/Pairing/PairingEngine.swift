// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
import Primitives
import Logging
import ServiceLifecycle

/// Runs the state machine: feeds it events (timers, HTTP answers, commands)
/// one at a time from its own loop and carries out the effects it asks for.
/// A swift-service-lifecycle `Service`: `run()` returns on graceful shutdown,
/// within `shutdownGrace` plus the time it takes to cancel what is in flight.
public actor PairingEngine: Service {
    var machine: PairingMachine
    let client: any ProviderClient
    let store: any GrantStore
    let observer: any PairingObserver
    let logger: Logger
    let clock: any DeviceClock
    let random: @Sendable () -> Double
    let watchdogInterval: Double?
    /// How long shutdown waits for a refresh in flight, so a rotated pair that
    /// is on its way back is committed rather than lost.
    let shutdownGrace: Double

    public internal(set) var state: PairingState = .unpaired(.neverPaired)
    var lastStatus = ""
    var metrics = PairingMetrics()

    enum Input: Sendable {
        case event(PairingEvent)
        case timer(PairingTimer, generation: Int)
        case watchdog
        /// A provider call to run as a child of `run()`, so that stopping cancels it.
        case spawn(@Sendable () async -> Void)
        case shutdown
        case graceOver
    }
    let inputs: AsyncStream<Input>
    let continuation: AsyncStream<Input>.Continuation
    /// Timers are single sleeps that only post an input; they are tasks of their
    /// own because a replaced timer must be cancelled alone (a task group cannot
    /// cancel one child). All are cancelled when `run()` ends.
    var timers: [PairingTimer: Task<Void, Never>] = [:]
    var timerGenerations: [PairingTimer: Int] = [:]
    /// A refresh is on the wire: a second one must not start (rotating tokens are single use).
    var refreshInFlight = false
    /// A pairing-code request is on the wire: a second would issue a second code (and the
    /// first one shown would change under the person typing it).
    var codeRequestInFlight = false
    /// Graceful shutdown has begun: no new provider calls or timers.
    var stopping = false
    /// Ends the wait for a refresh in flight once graceful shutdown began.
    var graceTimer: Task<Void, Never>?
    /// The last save failed (full disk…): say so when one succeeds again.
    var persistFailing = false
    var started = false
    /// The stored tokens have been read and `.started` handled.
    var loaded = false
    /// Callers that came before that (the request that started the daemon through socket
    /// activation, or one right behind it): answered from the stored state, not from the
    /// `unpaired` an engine has before it has read anything.
    var loadWaiters: [CheckedContinuation<Void, Never>] = []
    /// `token(minValidSeconds:)` callers waiting for the refresh they share.
    var tokenWaiters: [Int: CheckedContinuation<Grant, any Error>] = [:]
    /// The boot-clock second of the last refresh a forwarded request's 401 started (`TokenDemand.afterRejection`).
    var lastRejectionRefresh: Double?
    /// `unpair` callers waiting to hear whether the provider revoked.
    var revokeWaiters: [Int: CheckedContinuation<RevokeOutcome, Never>] = [:]
    var revokeStarted = false
    /// What STATUS adds about the store found at start (set aside), until the next authorization.
    var storeNotice: String?
    var watchers: [Int: AsyncStream<PairingSnapshot>.Continuation] = [:]
    var nextID = 0
    /// Logins between `beginLogin` and `finishLogin`, by `state` (PairingEngine+Login.swift).
    var logins: [String: (request: LoginRequest, startedAt: Double)] = [:]

    public init(
        policy: PairingPolicy, client: any ProviderClient, store: any GrantStore, observer: any PairingObserver,
        logger: Logger, clock: any DeviceClock, watchdogInterval: Duration? = nil, shutdownGrace: Duration = .milliseconds(1500),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.machine = PairingMachine(policy: policy)
        self.client = client
        self.store = store
        self.observer = observer
        self.logger = logger
        self.clock = clock
        self.watchdogInterval = watchdogInterval.map(\.seconds)
        self.shutdownGrace = shutdownGrace.seconds
        self.random = random
        (inputs, continuation) = AsyncStream.makeStream(of: Input.self)
    }

    // MARK: - The loop

    public func run() async throws {
        precondition(!started, "a PairingEngine runs once")
        started = true
        // Watched from before the store is read, so a clock set during start-up is not missed.
        let wallClockChanges = clock.wallClockChanges()
        handle(.started(stored: loadStore()))
        loaded = true
        publishStatus(force: true)
        let waiting = loadWaiters
        loadWaiters = []
        for waiter in waiting { waiter.resume() }

        await withDiscardingTaskGroup { group in
            group.addTask { [continuation] in
                for await _ in wallClockChanges { continuation.yield(.event(.wallClockSet)) }
            }
            if let interval = watchdogInterval {
                group.addTask { [clock, continuation] in
                    // From the loop's own inputs: a stuck loop stops answering, and systemd restarts us.
                    repeat { continuation.yield(.watchdog) } while (try? await clock.sleep(seconds: interval)) != nil
                }
            }
            await withGracefulShutdownHandler {
                for await input in inputs {
                    if case .spawn(let work) = input {
                        group.addTask(operation: work)
                    } else if !receive(input) {
                        break
                    }
                }
            } onGracefulShutdown: { [continuation] in
                continuation.yield(.shutdown)
            }
            // Whatever is still on the wire is abandoned: its answer could not be acted on.
            group.cancelAll()
        }
        finish()
    }

    /// Reads the stored tokens. A store that cannot be read is not a crash loop, and
    /// is never deleted: it is set aside (named in the journal, counted) and the
    /// daemon starts clean. Only tokens that could be read and belong to a former
    /// client id are wiped, once their revocation is under way.
    private func loadStore() -> Grant? {
        if let setAside = store.setAsideAtOpen {
            reportSetAside(setAside)
            if let reason = store.setAsideReason { storeNotice = "the token store found at start was set aside: \(reason)" }
        }
        if let newer = store.newerSchema { logger.notice("the token store is at \(newer)") }
        do {
            return try store.load()
        } catch where error.foreign != nil {
            logger.error("\(error); starting clean, the device must pair again", metadata: ["state": "unpaired"])
            if let (grant, formerClientID) = error.foreign {
                // The device's client id changed: its old authorization must not outlive it.
                spawnRevoke(grant, clientID: formerClientID, what: "the authorization of the former client id \(formerClientID)")
            }
            try? store.wipe()
            return nil
        } catch {
            do {
                reportSetAside("\(error); moved the store with its -wal and -shm files to \(try store.setAside())")
                storeNotice = "the token store was set aside at start: \(error)"
            } catch let moveError {
                logger.critical("\(error), and it cannot be set aside: \(moveError); starting without stored tokens",
                                metadata: ["state": "unpaired", "message_id": "\(PairingLog.Kind.storeSetAside.messageID)"])
            }
            return nil
        }
    }

    /// One journal message (with its MESSAGE_ID and catalog entry) and a count in the metrics.
    private func reportSetAside(_ what: String) {
        execute(.log(.init(.error, "\(what); starting clean, the device must pair again. The old authorization may still be live at the provider: restore the token key to read it, or remove the device in the provider's web app",
                           kind: .storeSetAside)), at: clock.now())
        metrics.storesSetAside += 1
        observer.metricsChanged(metrics, state: state)
    }

    /// One input; false once the loop must end.
    private func receive(_ input: Input) -> Bool {
        switch input {
        case .event(let event):
            handle(event)
            // Said after the step: support reads when times were re-derived, and tests know the step is done.
            if case .wallClockSet = event { logger.debug("the wall clock was set: times re-derived from the boot clock", metadata: ["state": "\(state.name)"]) }
        case .timer(let timer, let generation):
            // A timer cancelled or replaced after it fired is stale: drop it.
            guard timerGenerations[timer] == generation, !stopping else { return true }
            timers[timer] = nil
            handle(.timerFired(timer))
        case .watchdog:
            observer.engineAlive()
        case .spawn:
            break
        case .shutdown:
            return beginStopping()
        case .graceOver:
            logger.warning("stopping with a refresh still unanswered; if the provider rotated the tokens, the device will pair again",
                           metadata: ["state": "\(state.name)"])
            return false
        }
        return !(stopping && !refreshInFlight)
    }

    /// One step of the machine, then its effects, in order.
    func handle(_ event: PairingEvent) {
        if case .refreshAnswered = event { refreshInFlight = false }
        switch event {
        case .deviceCodeIssued, .deviceCodeFailed: codeRequestInFlight = false
        default: break
        }
        let now = clock.now()
        let before = state
        let step = machine.transition(state, event, now: now, random: random())
        state = step.state
        for effect in step.effects { execute(effect, at: now) }
        recordMetrics(event, before: before, effects: step.effects, now: now)
        publishStatus()
        settleTokenWaiters(after: event)
    }

    func publishStatus(force: Bool = false) {
        // Said until the device is authorized again, so whoever looks after a rollback sees why it pairs anew.
        if case .authorized = state { storeNotice = nil }
        let status = state.statusLine() + (storeNotice.map { "; \($0)" } ?? "")
        guard force || status != lastStatus else { return }
        lastStatus = status
        observer.pairingStateChanged(state, status: status)
        let snapshot = PairingSnapshot(state)
        for watcher in watchers.values { watcher.yield(snapshot) }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
