@testable import Systemd
import Synchronization
import Testing

/// The system clock's sleep: a timerfd on CLOCK_BOOTTIME, armed for the
/// earliest deadline only. The real clock cannot be mocked here; the waits are
/// a few tenths of a second and bounded.
@Suite("Boot timer")
struct BootTimerTests {
    /// When each sleeper woke.
    final class Record: Sendable {
        private let times = Mutex<[Int: Double]>([:])
        func add(_ index: Int, _ time: Double) { times.withLock { $0[index] = time } }
        var all: [Int: Double] { times.withLock { $0 } }
    }

    @Test("Sleepers wake at their own deadlines, whatever order they began in (an earlier one is not held up by a later)")
    func order() async throws {
        let timer = try #require(BootTimer.shared)
        let start = BootTimer.boottime()
        let woke = Record()
        let delays = [2.0, 0.2, 1.0]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, delay) in delays.enumerated() {
                group.addTask {
                    try await timer.sleep(untilBoot: start + delay)
                    woke.add(index, BootTimer.boottime())
                }
            }
            try await group.waitForAll()
        }
        // Never early; late only by scheduling noise, far less than the gaps between deadlines.
        for (index, delay) in delays.enumerated() {
            let late = try #require(woke.all[index]) - (start + delay)
            #expect(late >= 0 && late < 0.6, "sleeper \(index) woke \(late) s after its deadline")
        }
    }

    @Test("A deadline in the past returns at once; cancellation ends a long sleep at once")
    func pastAndCancelled() async throws {
        let timer = try #require(BootTimer.shared)
        let start = BootTimer.boottime()
        try await timer.sleep(untilBoot: start - 5)
        let sleeper = Task { try await timer.sleep(untilBoot: BootTimer.boottime() + 3600) }
        try await Task.sleep(for: .milliseconds(50))
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        // Cancelled before it began: no wait either.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await timer.sleep(untilBoot: BootTimer.boottime() + 3600)
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        #expect(BootTimer.boottime() - start < 2)
    }

    @Test("A sleeper cancelled while an earlier one waits leaves the earlier one on time")
    func cancelAmongOthers() async throws {
        let timer = try #require(BootTimer.shared)
        let start = BootTimer.boottime()
        let long = Task { try await timer.sleep(untilBoot: start + 3600) }
        let short = Task { try await timer.sleep(untilBoot: start + 0.15) }
        try await Task.sleep(for: .milliseconds(20))
        long.cancel()
        try await short.value
        await #expect(throws: CancellationError.self) { try await long.value }
        #expect(BootTimer.boottime() - start < 2)
    }
}
