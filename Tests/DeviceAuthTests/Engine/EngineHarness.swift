// SPDX-License-Identifier: Apache-2.0
@testable import TokenStorage
@testable import DeviceAuth
@testable import OAuthProvider
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TestSupport

/// One engine in process: the scripted provider, a real SQLite store in a
/// temporary directory, the manual clock, run in a real ServiceGroup so that
/// graceful shutdown takes the daemon's path.
final class EngineHarness: Sendable {
    let directory: TempDirectory
    let clock: ManualClock
    let provider = StubProvider()
    let store: TokenStore
    /// Sits between the engine and the store: saves fail while told to (a full disk).
    let faults: FaultyStore
    let log = RecordedLog()
    let engine: PairingEngine
    let group: ServiceGroup
    private let running = Mutex<Task<Void, any Error>?>(nil)
    let shutdownGrace: Double

    init(stored: Grant? = nil, clock: ManualClock = ManualClock(), autoPair: Bool = false, grace: Duration = .milliseconds(1500)) throws {
        directory = try TempDirectory()
        shutdownGrace = grace.seconds
        self.clock = clock
        store = try TokenStore(directory: directory.file("state"), sealer: TokenSealer(keyMaterial: [UInt8](repeating: 9, count: 32)),
                               clientID: "engine-test")
        if let stored { try store.save(stored) }
        faults = FaultyStore(store)
        var policy = PairingPolicy()
        policy.autoPair = autoPair
        policy.heartbeatSeconds = 120
        let log = log
        let logger = Logger(label: "engine-test") { _ in RecordingLogHandler(log: log) }
        engine = PairingEngine(policy: policy, client: provider, store: faults, observer: NoObserver(), logger: logger,
                               clock: clock, shutdownGrace: grace, random: { 0.5 })
        group = ServiceGroup(configuration: .init(services: [engine], logger: logger))
    }

    func start() async throws {
        running.withLock { $0 = Task(executorPreference: TestExecutors.engines) { [group] in try await group.run() } }
        try await until("the engine has loaded the store") { await self.engine.loaded }
    }

    /// SIGTERM's path: graceful shutdown of the group.
    func triggerStop() async { await group.triggerGracefulShutdown() }

    /// Waits (bounded) for the run to end; true if it did.
    func stopped(within seconds: Double = 5) async -> Bool {
        guard let task = running.withLock({ $0 }) else { return true }
        let ended = Mutex(false)
        let watcher = Task {
            _ = try? await task.value
            ended.withLock { $0 = true }
        }
        defer { watcher.cancel() }
        return (try? await until("the engine stopped", seconds: seconds) { ended.withLock { $0 } }) != nil
    }

    /// Starts with stored tokens of an hour and moves the clock past their planned
    /// refresh, which the provider holds: a refresh on the wire.
    static func withRefreshOnTheWire() async throws -> EngineHarness {
        let harness = try EngineHarness(stored: Fixtures.grant(lifetime: 3600))
        await harness.provider.hold(true)
        try await harness.start()
        harness.clock.advance(by: 2800)
        try await until("the refresh is on the wire") { await harness.provider.heldCount == 1 }
        return harness
    }

    /// Until the engine has begun stopping and its grace period is the only sleep left.
    func untilGraceRuns() async throws {
        let graceEnds = clock.now().boot.seconds + shutdownGrace
        try await until("the grace period is running") {
            await self.engine.stopping && self.clock.sleepers == [graceEnds]
        }
    }

    var snapshot: PairingSnapshot { get async { await engine.snapshot } }
}

struct WaitTimedOut: Error, CustomStringConvertible {
    let description: String
}

/// Waits for work running concurrently (the engine's actor, the store) to reach
/// `condition`; never for a timer, which tests drive. Bounded in count and time.
@discardableResult
func until(_ what: String, seconds: Double = 5, _ condition: @Sendable () async -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    var rounds = 0
    while ContinuousClock.now < deadline && rounds < 100_000 {
        if await condition() { return true }
        rounds += 1
        if rounds % 50 == 0 { try await Task.sleep(for: .milliseconds(1)) } else { await Task.yield() }
    }
    // Once more: a starved test thread may wake up only after the deadline.
    if await condition() { return true }
    throw WaitTimedOut(description: "timed out waiting until \(what)")
}

final class FaultyStore: GrantStore {
    let store: TokenStore
    private let failing = Mutex(false)
    init(_ store: TokenStore) { self.store = store }
    func failSaves(_ fail: Bool) { failing.withLock { $0 = fail } }
    func load() throws(StoreError) -> Grant? { try store.load() }
    func save(_ grant: Grant) throws(StoreError) {
        if failing.withLock({ $0 }) { throw StoreError("cannot save the tokens: the disk is full") }
        try store.save(grant)
    }
    func wipe() throws(StoreError) { try store.wipe() }
    func setAside() throws(StoreError) -> String { try store.setAside() }
    var setAsideAtOpen: String? { store.setAsideAtOpen }
    var setAsideReason: String? { store.setAsideReason }
    var newerSchema: String? { store.newerSchema }
}

struct NoObserver: PairingObserver {
    func pairingStateChanged(_ state: PairingState, status: String) {}
    func engineAlive() {}
}

/// The engine's log lines, for tests that check what an operator would read.
final class RecordedLog: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }
}

struct RecordingLogHandler: LogHandler {
    let log: RecordedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { log.append("\(event.level) \(event.message)") }
}
