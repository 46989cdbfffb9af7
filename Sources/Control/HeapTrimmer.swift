// SPDX-License-Identifier: Apache-2.0
import CLinux
import Synchronization

/// Gives a burst's memory back. A thousand connections at once leave glibc's
/// heap grown (task frames, buffers, the poller's table), and free() keeps the
/// pages for reuse: one burst from any user would inflate the daemon for good.
/// Once the control socket's activity has fallen to half its peak or less, the
/// heap is trimmed a second later (once per fall, not per connection).
final class HeapTrimmer: Sendable {
    /// Below this many connections at the peak there is nothing worth trimming.
    static let worthwhilePeak = 16
    static let delay = Duration.seconds(1)

    private struct State {
        var peak = 0
        var scheduled = false
    }
    private let state = Mutex(State())

    func rose(to activity: Int) {
        state.withLock { $0.peak = max($0.peak, activity) }
    }

    /// After a connection ended: schedules a trim when a burst is over.
    func fell(to activity: Int, current: @escaping @Sendable () -> Int) {
        let due = state.withLock { state -> Bool in
            guard !state.scheduled, state.peak >= Self.worthwhilePeak, activity <= state.peak / 2 else { return false }
            state.scheduled = true
            return true
        }
        guard due else { return }
        // Unstructured: a trim a second from now must not hold up the connection that ended.
        Task {
            try? await Task.sleep(for: Self.delay)
            deviceauth_trim_heap()
            let now = current()
            state.withLock {
                $0.peak = now
                $0.scheduled = false
            }
        }
    }
}
