// SPDX-License-Identifier: Apache-2.0
@testable import DaemonRuntime
import Foundation
import Synchronization
import Testing

/// The daemon's own executor: timers in deadline order, work run on its threads,
/// sleeps that end no earlier than asked and at once when cancelled.
@Suite("Daemon executor")
struct DaemonRuntimeTests {
    @Test("The timer heap hands out what is due, earliest first, ties in arrival order")
    func heap() {
        var heap = TimerHeap<String>()
        for (name, deadline) in [("c", 30), ("a", 10), ("b1", 20), ("b2", 20), ("d", 40)] { heap.insert(name, at: UInt64(deadline)) }
        #expect(heap.popDue(now: 5).isEmpty)
        #expect(heap.popDue(now: 20) == ["a", "b1", "b2"])
        #expect(heap.earliest == 30)
        #expect(heap.popDue(now: 100) == ["c", "d"])
        #expect(heap.isEmpty && heap.earliest == nil)
    }

    @Test("Work preferring the executor runs on it; a sleep ends after its time, and at once when cancelled")
    func executorRuns() async throws {
        let executor = DaemonExecutor(workers: 2)
        let sums = await withTaskExecutorPreference(executor) {
            await withTaskGroup(of: Int.self) { group in
                for index in 0..<100 { group.addTask { index } }
                return await group.reduce(0, +)
            }
        }
        #expect(sums == 4950)
        let slept = await withTaskExecutorPreference(executor) { () -> Duration in
            let start = ContinuousClock.now
            try? await Task.sleep(for: .milliseconds(50))
            return ContinuousClock.now - start
        }
        #expect(slept >= .milliseconds(50))
        let cancelled = Task(executorPreference: executor) { () -> Bool in
            (try? await Task.sleep(for: .seconds(60))) == nil
        }
        cancelled.cancel()
        #expect(await cancelled.value)
    }

    // No upper bound on the time slept: a loaded machine (the flood tests run beside this one)
    // can stall a thread for seconds. A lost job never wakes: the time limit catches that.
    @Test("A timer the kernel will not arm loses no job: it is said once and poll's timeout waits instead",
          .timeLimit(.minutes(1)))
    func armingFails() async throws {
        let attempts = Mutex(0), reports = Mutex<[String]>([])
        let executor = DaemonExecutor(workers: 1, armTimer: { _, seconds, nanoseconds in
            if seconds != 0 || nanoseconds != 0 { attempts.withLock { $0 += 1 } }
            errno = EINVAL  // as libfaketime's shifted deadline made the kernel answer
            return -1
        }, report: { message in reports.withLock { $0.append(message) } })
        let slept = await withTaskExecutorPreference(executor) { () -> Duration in
            let start = ContinuousClock.now
            for _ in 0..<3 { try? await Task.sleep(for: .milliseconds(40)) }
            return ContinuousClock.now - start
        }
        #expect(slept >= .milliseconds(120), "\(slept)")
        #expect(attempts.withLock { $0 } >= 1, "the sleeps went through this executor's timer")
        #expect(reports.withLock { $0 } == ["the executor's timer cannot be armed (Invalid argument): waiting with poll timeouts instead"])
    }

    @Test("poll's stand-in timeout rounds up and stays in range")
    func pollTimeout() {
        #expect(DaemonExecutor.pollTimeout(until: 5_000_001, now: 0) == 6)
        #expect(DaemonExecutor.pollTimeout(until: 10, now: 20) == 0)
        #expect(DaemonExecutor.pollTimeout(until: .max, now: 0) == Int32.max)
    }

    @Test("A sleep of any length saturates: a century, Int64.max seconds, a deadline near the end of the boot clock")
    func longSleeps() {
        #expect(DaemonExecutor.deadline(after: .seconds(100 * 365 * 86_400), now: 1_000) == 1_000 + 3_153_600_000 * 1_000_000_000)
        #expect(DaemonExecutor.deadline(after: .seconds(Int64.max), now: 1_000) == .max, "it wrapped to a moment ago with &*")
        #expect(DaemonExecutor.deadline(after: .seconds(1), now: .max - 10) == .max)
        #expect(DaemonExecutor.deadline(after: .milliseconds(-5), now: 42) == 42)
        #expect(DaemonExecutor.deadline(after: .nanoseconds(1_500), now: 0) == 1_500)
    }
}
