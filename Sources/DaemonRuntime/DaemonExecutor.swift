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
    private var timers = TimerHeap<UnownedJob>()
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
        let deadline = Self.deadline(after: delay, now: Self.bootNanoseconds())
        let rearm = lock.locked { () -> Bool in
            timers.insert(job, at: deadline)
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
            let next = lock.locked { () -> UInt64 in
                let due = timers.popDue(now: now)
                if !due.isEmpty {
                    ready.append(contentsOf: due)
                    lock.broadcast()
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

    static func bootNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}

#if DAEMON_EXECUTOR
/// Sleeps scheduled on the executor itself (Swift 6.3's experimental interface).
extension DaemonExecutor: SchedulingExecutor {
    package func enqueue<C: Clock>(_ job: consuming ExecutorJob, at instant: C.Instant, tolerance: C.Duration?, clock: C) {
        scheduleOnClock(UnownedJob(job), in: clock.now.duration(to: instant))
    }

    package func enqueue<C: Clock>(_ job: consuming ExecutorJob, after delay: C.Duration, tolerance: C.Duration?, clock: C) {
        scheduleOnClock(UnownedJob(job), in: delay)
    }

    package var asSchedulingExecutor: (any SchedulingExecutor)? { self }

    /// Every standard clock's duration is `Duration`. Another clock's cannot be read as
    /// time here: its job runs now (such a clock does its own waiting in its sleep).
    private func scheduleOnClock<D>(_ job: UnownedJob, in delay: D) {
        guard let delay = delay as? Duration else { return schedule(job, in: .zero) }
        schedule(job, in: delay)
    }
}
#endif
