import CSystemd
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Sleeps on CLOCK_BOOTTIME (suspend counts) without waking the CPU before the
/// deadline. Swift's `Task.sleep` on Linux goes through libdispatch, whose timer
/// thread re-arms itself every second while any sleep is pending: a daemon idle
/// for hours would wake 60 times a minute. Here one timerfd is armed for the
/// earliest deadline and one thread of its own waits on it (a blocking wait must
/// not hold one of Swift's few cooperative threads).
final class BootTimer: Sendable {
    /// nil when no timerfd can be had; callers then fall back to `Task.sleep`.
    static let shared: BootTimer? = BootTimer()

    private struct Waiter {
        let deadline: Double
        let continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var waiters: [UInt64: Waiter] = [:]
        var lastID: UInt64 = 0
        /// The deadline the timerfd is armed for (infinity: disarmed).
        var armed = Double.infinity
    }

    private let fd: Int32
    private let state = Mutex(State())

    private init?() {
        fd = timerfd_create(CLOCK_BOOTTIME, Int32(TFD_CLOEXEC | TFD_NONBLOCK))
        guard fd >= 0 else { return nil }
        var thread = pthread_t()
        let context = Unmanaged.passUnretained(self).toOpaque()
        guard pthread_create(&thread, nil, { context in
            Unmanaged<BootTimer>.fromOpaque(context!).takeUnretainedValue().run()
            return nil
        }, context) == 0 else {
            close(fd)
            return nil
        }
        pthread_detach(thread)
    }

    /// Returns at `deadline` (CLOCK_BOOTTIME seconds), or throws `CancellationError` when the task is cancelled.
    func sleep(untilBoot deadline: Double) async throws {
        let id = state.withLock { state in
            state.lastID += 1
            return state.lastID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                state.withLock { state in
                    state.waiters[id] = Waiter(deadline: deadline, continuation: continuation)
                    if deadline < state.armed { arm(&state, deadline) }
                }
                // Cancelled before the waiter was in place: onCancel found nothing to end.
                if Task.isCancelled { cancel(id) }
            }
        } onCancel: {
            cancel(id)
        }
    }

    private func cancel(_ id: UInt64) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.continuation.resume(throwing: CancellationError())
    }

    /// The timer thread: wait for the timerfd, wake whoever is due, arm for the next.
    private func run() {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        while true {
            guard poll(&fds, 1, -1) >= 0 || errno == EINTR else { return }
            var expirations: UInt64 = 0
            _ = read(fd, &expirations, 8)  // EAGAIN after a re-arm: nothing to read, look anyway
            let now = Self.boottime()
            let due: [Waiter] = state.withLock { state in
                let due = state.waiters.filter { $0.value.deadline <= now }
                for id in due.keys { state.waiters[id] = nil }
                arm(&state, state.waiters.values.map(\.deadline).min() ?? .infinity)
                return Array(due.values)
            }
            for waiter in due { waiter.continuation.resume() }
        }
    }

    /// Arms the timerfd for `deadline` (absolute), or disarms it for infinity. Under the lock.
    private func arm(_ state: inout State, _ deadline: Double) {
        state.armed = deadline
        var spec = itimerspec()
        if deadline.isFinite {
            // A deadline already past still arms (1 ns): an all-zero value would disarm.
            let target = max(deadline, 1e-9)
            spec.it_value.tv_sec = time_t(target.rounded(.down))
            spec.it_value.tv_nsec = max(1, Int((target - target.rounded(.down)) * 1e9))
        }
        _ = timerfd_settime(fd, Int32(TFD_TIMER_ABSTIME), &spec, nil)
    }

    static func boottime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_BOOTTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
