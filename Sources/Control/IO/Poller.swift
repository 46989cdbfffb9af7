// SPDX-License-Identifier: Apache-2.0
import Threads
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Readiness of file descriptors for async code, without an event-loop
/// library: one thread sleeps in poll(2) on exactly the descriptors some task
/// is waiting for, until one is ready, a wait's deadline comes, or the set
/// changes. Nothing waiting with a deadline means no timeout at all: an idle
/// daemon's socket costs no wake-up.
final class Poller: Sendable {
    static let shared = Poller()

    enum Outcome: Sendable { case ready, timedOut, cancelled }

    private struct Waiter {
        let fd: Int32
        let events: Int16
        let deadline: ContinuousClock.Instant?
        let wait: PendingWait
    }

    private let waiters = Mutex<(byID: [UInt64: Waiter], nextID: UInt64)>(([:], 0))
    /// Written to wake the thread when the set of waits changes.
    private let wakeRead: Int32, wakeWrite: Int32

    private init() {
        var ends: [Int32] = [0, 0]
        // Without a pipe no socket can be served: better to stop at start than limp.
        guard pipe(&ends) == 0 else { fatalError("control socket: cannot create the poller's pipe (errno \(errno))") }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        wakeRead = ends[0]
        wakeWrite = ends[1]
        guard startDetachedThread({ self.loop() }) else { fatalError("control socket: cannot start the poller's thread") }
    }

    /// Waits until `fd` is ready for `events` (POLLIN, POLLOUT; a hang-up or an error
    /// counts as ready, so the next read or write says what happened), or `deadline`.
    func wait(_ fd: Int32, for events: Int16, until deadline: ContinuousClock.Instant? = nil) async -> Outcome {
        let pending = PendingWait()
        let id = waiters.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                guard pending.register(continuation) else { return }
                waiters.withLock { $0.byID[id] = Waiter(fd: fd, events: events, deadline: deadline, wait: pending) }
                wake()
            }
        } onCancel: {
            if pending.finish(.cancelled) {
                waiters.withLock { _ = $0.byID.removeValue(forKey: id) }
                wake()
            }
        }
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)  // a full pipe already means "wake up"
    }

    private func loop() -> Never {
        while true {
            let (ids, descriptors, timeout) = waiters.withLock { state in
                var ids: [UInt64] = [], descriptors = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
                var nearest: ContinuousClock.Instant?
                for (id, waiter) in state.byID {
                    ids.append(id)
                    descriptors.append(pollfd(fd: waiter.fd, events: waiter.events, revents: 0))
                    if let deadline = waiter.deadline { nearest = min(nearest ?? deadline, deadline) }
                }
                return (ids, descriptors, nearest.map(Self.milliseconds(until:)) ?? -1)
            }
            var polled = descriptors
            if poll(&polled, nfds_t(polled.count), timeout) < 0 && errno != EINTR { continue }
            if polled[0].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                while read(wakeRead, &drain, drain.count) > 0 {}
            }
            let now = ContinuousClock.now
            let finished = waiters.withLock { state -> [(PendingWait, Outcome)] in
                var finished: [(PendingWait, Outcome)] = []
                for (index, id) in ids.enumerated() {
                    guard let waiter = state.byID[id] else { continue }  // cancelled meanwhile
                    if polled[index + 1].revents != 0 {
                        finished.append((waiter.wait, .ready))
                    } else if let deadline = waiter.deadline, deadline <= now {
                        finished.append((waiter.wait, .timedOut))
                    } else { continue }
                    state.byID[id] = nil
                }
                return finished
            }
            for (wait, outcome) in finished { _ = wait.finish(outcome) }
        }
    }

    /// poll(2)'s timeout for a deadline: rounded up, so a wait never ends early.
    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let left = ContinuousClock.now.duration(to: deadline).components
        guard left.seconds >= 0 else { return 0 }
        return Int32(clamping: left.seconds * 1000 + (left.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}

/// One wait's continuation, resumed exactly once by whoever gets to it first:
/// the poller (ready, timed out) or the task's cancellation.
final class PendingWait: Sendable {
    private enum State { case waiting, registered(CheckedContinuation<Poller.Outcome, Never>), finished(Poller.Outcome) }
    private let state = Mutex(State.waiting)

    /// False (and the continuation already resumed) when the wait was cancelled before it began.
    func register(_ continuation: CheckedContinuation<Poller.Outcome, Never>) -> Bool {
        let early: Poller.Outcome? = state.withLock { state in
            if case .finished(let outcome) = state { return outcome }
            state = .registered(continuation)
            return nil
        }
        if let early { continuation.resume(returning: early) }
        return early == nil
    }

    /// Answers whether this call ended the wait.
    func finish(_ outcome: Poller.Outcome) -> Bool {
        let taken: CheckedContinuation<Poller.Outcome, Never>?? = state.withLock { state in
            switch state {
            case .finished: return nil
            case .waiting:
                state = .finished(outcome)
                return .some(nil)
            case .registered(let continuation):
                state = .finished(outcome)
                return .some(continuation)
            }
        }
        guard let taken else { return false }
        taken?.resume(returning: outcome)
        return true
    }
}
