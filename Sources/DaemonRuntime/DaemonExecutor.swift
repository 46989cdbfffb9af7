// SPDX-License-Identifier: Apache-2.0
#if DAEMON_EXECUTOR
@_spi(ExperimentalCustomExecutors) @_spi(ExperimentalScheduling) import _Concurrency
#endif
import Threads
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The daemon's global executor: a few worker threads of our own and one timer
/// thread, instead of libdispatch's pool. libdispatch on Linux runs a monitor
/// that wakes the process every second for as long as any of its worker
/// threads exists, which keeps a battery camera from idling; here an idle
/// daemon sleeps until its next due timer and not a moment before.
///
/// Timers run on CLOCK_BOOTTIME (a timerfd), so a suspended camera counts the
/// time it slept, as Swift's `ContinuousClock` does.
///
/// The tests use it too (`package`), as threads of their own for in-process
/// servers, which must not wait behind tests that block the cooperative pool.
///
/// Timers need Swift 6.3's SchedulingExecutor (an experimental interface, compiled with
/// `DAEMON_EXECUTOR`, which Package.swift sets): without it, the executor still runs work preferred to
/// it (the tests' servers), and sleeps go to Swift's own executors.
package final class DaemonExecutor: TaskExecutor, @unchecked Sendable {
    private let lock = ConditionLock()
    /// Guarded by `lock`.
    private var ready: [UnownedJob] = []
    private var readyHead = 0
    private var timers = TimerHeap<Timed>()
    /// The deadline the timerfd is armed for (0: none), guarded by `lock`.
    private var armed: UInt64 = 0
    private let timer: Int32
    private let wake: Int32
    /// Arms the timerfd for an absolute CLOCK_BOOTTIME deadline (seconds, nanoseconds; 0 0
    /// disarms): 0, or -1 with errno set. Injected by a test to make arming fail.
    package typealias ArmTimer = @Sendable (_ fd: Int32, _ seconds: Int64, _ nanoseconds: Int64) -> Int32
    private let armTimer: ArmTimer
    /// Told, once, when the timer cannot be armed and poll timeouts stand in for it.
    private let report: @Sendable (String) -> Void

    package init(workers: Int, armTimer: @escaping ArmTimer = DaemonExecutor.armBootTimer,
                 report: @escaping @Sendable (String) -> Void = DaemonExecutor.reportOnStandardError) {
        self.armTimer = armTimer
        self.report = report
        timer = timerfd_create(CLOCK_BOOTTIME, Int32(TFD_CLOEXEC))
        wake = eventfd(0, Int32(EFD_CLOEXEC))
        // Without its threads nothing in the daemon runs: better not to start than to hang.
        guard timer >= 0, wake >= 0 else { fatalError("executor: cannot create its timer (errno \(errno))") }
        for _ in 0..<max(1, workers) { spawn { $0.work() } }
        spawn { $0.keepTime() }
    }

    package func enqueue(_ job: consuming ExecutorJob) { enqueueReady(UnownedJob(job)) }

    /// A job due `delay` from now on the boot clock.
    func schedule(_ job: UnownedJob, in delay: Duration) {
        guard delay > .zero else { return enqueueReady(job) }
        insertTimer(Timed(job: job, watch: nil), at: Self.deadline(after: delay, now: Self.bootNanoseconds()))
    }

    /// A job due at `instant` of `clock`. Swift's two clocks are time the kernel can wait
    /// for (the boot clock; a suspended camera's sleep counts for both here). Any other
    /// clock — a test's manual clock, a clock with a duration type of its own — can only
    /// be asked: its `now` is read at growing intervals (1 ms doubling to 100 ms) until it
    /// has reached `instant`, so the job runs neither early nor lost, and an idle daemon
    /// pays for the polling only while such a sleep is pending.
    package func schedule<C: Clock>(_ job: UnownedJob, at instant: C.Instant, on clock: C) {
        if C.self == ContinuousClock.self || C.self == SuspendingClock.self,
           let delay = clock.now.duration(to: instant) as? Duration {
            return schedule(job, in: delay)
        }
        let watch = ForeignClockWatch { clock.now >= instant }
        guard !watch.isDue() else { return enqueueReady(job) }
        insertTimer(Timed(job: job, watch: watch), at: Self.deadline(after: .nanoseconds(watch.lengthen()), now: Self.bootNanoseconds()))
    }

    package func schedule<C: Clock>(_ job: UnownedJob, after delay: C.Duration, on clock: C) {
        schedule(job, at: clock.now.advanced(by: delay), on: clock)
    }

    private func insertTimer(_ timed: Timed, at deadline: UInt64) {
        let rearm = lock.locked { () -> Bool in
            timers.insert(timed, at: deadline)
            return armed == 0 || deadline < armed
        }
        if rearm { poke() }
    }

    private func enqueueReady(_ job: UnownedJob) {
        lock.locked {
            ready.append(job)
            lock.signal()
        }
    }

    /// A worker: runs jobs as they come, sleeps when there are none.
    private func work() {
        while true {
            let job = lock.locked { () -> UnownedJob in
                while readyHead == ready.count { lock.wait() }
                let job = ready[readyHead]
                readyHead += 1
                if readyHead == ready.count || readyHead > 1024 {
                    ready.removeFirst(readyHead)
                    readyHead = 0
                }
                return job
            }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    /// The timer thread: sleeps in poll(2) until the earliest deadline or a new
    /// earlier one, then hands due jobs to the workers.
    ///
    /// A deadline the timerfd will not take (a tool that shifts clocks, as libfaketime
    /// does, can make the kernel refuse it) must not lose every job silently: it is said
    /// once, and poll(2)'s own timeout, relative and untouched by such tools, waits instead.
    private func keepTime() {
        var descriptors = [pollfd(fd: timer, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        var reported = false
        while true {
            let now = Self.bootNanoseconds()
            // A foreign clock is asked outside the lock (its `now` is code of its own).
            var due: [UnownedJob] = [], unripe: [Timed] = []
            for timed in lock.locked({ timers.popDue(now: now) }) {
                if let watch = timed.watch, !watch.isDue() { unripe.append(timed) } else { due.append(timed.job) }
            }
            let next = lock.locked { () -> UInt64 in
                if !due.isEmpty {
                    ready.append(contentsOf: due)
                    lock.broadcast()
                }
                for timed in unripe {
                    timers.insert(timed, at: Self.deadline(after: .nanoseconds(timed.watch!.lengthen()), now: now))
                }
                armed = timers.earliest ?? 0
                return armed
            }
            var timeout: Int32 = -1
            // 0 0 disarms; a deadline is in 64 bits (the kernel's own call where time_t is 32).
            if armTimer(timer, Int64(next / 1_000_000_000), Int64(next % 1_000_000_000)) != 0 {
                if !reported {
                    reported = true
                    report("the executor's timer cannot be armed (\(String(cString: strerror(errno)))): waiting with poll timeouts instead")
                }
                if next > 0 { timeout = Self.pollTimeout(until: next, now: Self.bootNanoseconds()) }
            }
            descriptors[0].revents = 0
            descriptors[1].revents = 0
            _ = poll(&descriptors, 2, timeout)
            var count: UInt64 = 0
            if descriptors[0].revents != 0 { _ = read(timer, &count, 8) }
            if descriptors[1].revents != 0 { _ = read(wake, &count, 8) }
        }
    }

    private func poke() {
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
    }

    private func spawn(_ body: @escaping (DaemonExecutor) -> Void) {
        guard startDetachedThread({ body(self) }) else { fatalError("executor: cannot start a thread") }
    }

    /// `now + delay` in nanoseconds, saturating: a sleep of a century (or of `.seconds(Int64.max)`)
    /// waits as long as the boot clock can count, never wraps round to a moment ago.
    static func deadline(after delay: Duration, now: UInt64) -> UInt64 {
        guard delay > .zero else { return now }  // (a negative delay's attoseconds are negative too)
        let (seconds, attoseconds) = delay.components
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        let (nanoseconds, carried) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        let (deadline, past) = now.addingReportingOverflow(nanoseconds)
        return carried || past ? .max : deadline
    }

    /// Milliseconds from `now` to `deadline` (nanoseconds), rounded up, within poll's range.
    static func pollTimeout(until deadline: UInt64, now: UInt64) -> Int32 {
        guard deadline > now else { return 0 }
        let left = deadline - now
        return Int32(clamping: left / 1_000_000 + (left % 1_000_000 == 0 ? 0 : 1))
    }

    package static let armBootTimer: ArmTimer = { fd, seconds, nanoseconds in
        deviceauth_timerfd_arm(fd, Int32(TFD_TIMER_ABSTIME), seconds, nanoseconds)
    }

    package static let reportOnStandardError: @Sendable (String) -> Void = { message in
        var line = Array("deviceauthd: \(message)\n".utf8)
        _ = line.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    static func bootNanoseconds() -> UInt64 { UInt64(clamping: deviceauth_clock_nanoseconds(CLOCK_BOOTTIME)) }
}

/// A timer's job, and for a clock other than Swift's own, the question whether it is due yet.
private struct Timed {
    let job: UnownedJob
    let watch: ForeignClockWatch?
}

/// How a job on a foreign clock learns it is due: the clock asked, at an interval that grows.
private final class ForeignClockWatch: @unchecked Sendable {
    let isDue: @Sendable () -> Bool
    /// Nanoseconds until the clock is asked again; touched by the scheduling thread once,
    /// then by the timer thread alone once the watch is in the heap.
    private var interval: Int64 = 1_000_000

    init(isDue: @escaping @Sendable () -> Bool) { self.isDue = isDue }

    /// The interval to wait now, the next one doubled up to 100 ms.
    func lengthen() -> Int64 {
        defer { interval = min(interval * 2, 100_000_000) }
        return interval
    }
}

#if DAEMON_EXECUTOR
/// Sleeps scheduled on the executor itself (Swift 6.3's experimental interface).
extension DaemonExecutor: SchedulingExecutor {
    package func enqueue<C: Clock>(_ job: consuming ExecutorJob, at instant: C.Instant, tolerance: C.Duration?, clock: C) {
        schedule(UnownedJob(job), at: instant, on: clock)
    }

    package func enqueue<C: Clock>(_ job: consuming ExecutorJob, after delay: C.Duration, tolerance: C.Duration?, clock: C) {
        schedule(UnownedJob(job), after: delay, on: clock)
    }

    package var asSchedulingExecutor: (any SchedulingExecutor)? { self }
}
#endif
