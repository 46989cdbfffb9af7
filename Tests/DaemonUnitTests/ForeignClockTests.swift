// SPDX-License-Identifier: Apache-2.0
@testable import DaemonRuntime
import Synchronization
import Testing

/// A job scheduled on a clock that is neither of Swift's own runs when that clock reaches
/// its instant: not at once (a duration that is not `Duration` used to fire immediately),
/// not by the wall time that passes meanwhile, and not lost.
@Suite("Daemon executor: foreign clocks")
struct ForeignClockTests {
    @Test("A clock with a duration type of its own: the job waits for the clock, not for time")
    func ticks() async throws {
        let clock = TickClock()
        try await expectRunsWhenReached(clock: clock, instant: TickClock.Instant(tick: 10), before: TickClock.Instant(tick: 9)) {
            clock.set(TickClock.Instant(tick: $0.tick))
        } readings: { clock.readings }
    }

    @Test("A manual clock counting in Duration: its seconds are not the boot clock's")
    func manual() async throws {
        let clock = ManualClock()
        // Five seconds on this clock, which the test moves; real time passing does nothing.
        try await expectRunsWhenReached(clock: clock, instant: .init(offset: .seconds(5)), before: .init(offset: .seconds(4))) {
            clock.set($0)
        } readings: { clock.readings }
    }

    @Test("Scheduling after a delay counts from the clock's now")
    func after() async throws {
        let clock = TickClock()
        clock.set(.init(tick: 100))
        let executor = DaemonExecutor(workers: 1)
        let ran = Mutex(false)
        let relay = Relay { executor.schedule($0, after: TickClock.Ticks(count: 5), on: clock) }
        _ = Task(executorPreference: relay) { ran.withLock { $0 = true } }
        try await waitFor("the clock asked", { clock.readings >= 3 })
        #expect(!ran.withLock { $0 })
        clock.set(.init(tick: 105))
        try await waitFor("the job run", { ran.withLock { $0 } })
    }

    /// Schedules a job for `instant`, moves the clock to `before` and waits until the executor
    /// has asked the clock three more times (the job must not have run), then to `instant`.
    private func expectRunsWhenReached<C: Clock>(clock: C, instant: C.Instant, before: C.Instant,
                                                 move: (C.Instant) -> Void, readings: @escaping @Sendable () -> Int) async throws {
        let executor = DaemonExecutor(workers: 1)
        let ran = Mutex(false)
        let relay = Relay { executor.schedule($0, at: instant, on: clock) }
        _ = Task(executorPreference: relay) { ran.withLock { $0 = true } }
        try await waitFor("the clock asked", { readings() >= 2 })
        #expect(!ran.withLock { $0 }, "it ran before its clock said so")
        move(before)
        let asked = readings()
        try await waitFor("the clock asked again", { readings() >= asked + 3 })
        #expect(!ran.withLock { $0 }, "it ran before its instant")
        move(instant)
        try await waitFor("the job run at its instant", { ran.withLock { $0 } })
    }
}

/// Hands a task's first job to the daemon executor's foreign-clock scheduling, as a
/// clock's sleep would. When the daemon executor runs it, the task hops back to the
/// executor it prefers, this one: that job runs at once, where it is enqueued.
private final class Relay: TaskExecutor, @unchecked Sendable {
    let hand: @Sendable (UnownedJob) -> Void
    let handed = Mutex(false)
    init(_ hand: @escaping @Sendable (UnownedJob) -> Void) { self.hand = hand }
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let first = handed.withLock { wasHanded in
            defer { wasHanded = true }
            return !wasHanded
        }
        if !first {
            job.runSynchronously(on: asUnownedTaskExecutor())
        } else {
            hand(job)
        }
    }
}

/// Waits (at most 5 s, in 2 ms steps) for `condition`; fails the test naming `what` otherwise.
private func waitFor(_ what: String, _ condition: @Sendable () -> Bool) async throws {
    for _ in 0..<2_500 where !condition() { try await Task.sleep(for: .milliseconds(2)) }
    try #require(condition(), "timed out waiting for \(what)")
}

/// A clock the test moves, counting ticks: its Duration is not Swift's `Duration`.
private final class TickClock: Clock, @unchecked Sendable {
    struct Ticks: DurationProtocol, Hashable {
        var count: Int64
        static var zero: Ticks { Ticks(count: 0) }
        static func + (a: Ticks, b: Ticks) -> Ticks { Ticks(count: a.count + b.count) }
        static func - (a: Ticks, b: Ticks) -> Ticks { Ticks(count: a.count - b.count) }
        static func < (a: Ticks, b: Ticks) -> Bool { a.count < b.count }
        static func / (a: Ticks, b: Int) -> Ticks { Ticks(count: a.count / Int64(b)) }
        static func * (a: Ticks, b: Int) -> Ticks { Ticks(count: a.count * Int64(b)) }
        static func / (a: Ticks, b: Ticks) -> Double { Double(a.count) / Double(b.count) }
    }
    struct Instant: InstantProtocol {
        var tick: Int64
        func advanced(by duration: Ticks) -> Instant { Instant(tick: tick + duration.count) }
        func duration(to other: Instant) -> Ticks { Ticks(count: other.tick - tick) }
        static func < (a: Instant, b: Instant) -> Bool { a.tick < b.tick }
    }
    private let state = Mutex((now: Instant(tick: 0), readings: 0))
    var now: Instant { state.withLock { $0.readings += 1; return $0.now } }
    var readings: Int { state.withLock { $0.readings } }
    var minimumResolution: Ticks { Ticks(count: 1) }
    func set(_ instant: Instant) { state.withLock { $0.now = instant } }
    func sleep(until deadline: Instant, tolerance: Ticks?) async throws {
        while now < deadline { try await Task.sleep(for: .milliseconds(1)) }
    }
}

/// A clock the test moves, in `Duration`.
private final class ManualClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }
    private let state = Mutex((now: Instant(offset: .zero), readings: 0))
    var now: Instant { state.withLock { $0.readings += 1; return $0.now } }
    var readings: Int { state.withLock { $0.readings } }
    var minimumResolution: Duration { .nanoseconds(1) }
    func set(_ instant: Instant) { state.withLock { $0.now = instant } }
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        while now < deadline { try await Task.sleep(for: .milliseconds(1)) }
    }
}
