// SPDX-License-Identifier: Apache-2.0
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Gives a burst's memory back. A thousand control connections at once, or a few
/// forwarded transfers side by side, leave glibc's heap grown (task frames, buffers,
/// the transfers' rings and libcurl's), and free() keeps the pages for reuse: one
/// burst from any user would inflate the daemon for good. Once the activity has fallen
/// to half its peak or less, `trim` runs a second later (once per fall, not per
/// connection), on a thread of its own so that nothing waits for it.
public final class HeapTrimmer: Sendable {
    public static let delaySeconds: UInt32 = 1

    private struct State {
        var peak = 0
        var scheduled = false
    }
    private let state = Mutex(State())
    private let worthwhilePeak: Int
    private let trim: @Sendable () -> Void

    /// - Parameters:
    ///   - worthwhilePeak: below this much activity at the peak there is nothing worth trimming.
    ///   - trim: gives the free memory back (`malloc_trim`).
    public init(worthwhilePeak: Int, trim: @escaping @Sendable () -> Void) {
        self.worthwhilePeak = worthwhilePeak
        self.trim = trim
    }

    public func rose(to activity: Int) {
        state.withLock { $0.peak = max($0.peak, activity) }
    }

    /// After a connection (or request) ended: schedules a trim when a burst is over.
    public func fell(to activity: Int, current: @escaping @Sendable () -> Int) {
        let due = state.withLock { state -> Bool in
            guard !state.scheduled, state.peak >= worthwhilePeak, activity <= state.peak / 2 else { return false }
            state.scheduled = true
            return true
        }
        guard due else { return }
        let started = startDetachedThread { [self] in
            sleep(Self.delaySeconds)
            trim()
            let now = current()
            state.withLock {
                $0.peak = now
                $0.scheduled = false
            }
        }
        if !started { state.withLock { $0.scheduled = false } }
    }
}
