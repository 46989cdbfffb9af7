import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// Signals as an async sequence, taken by `sigwait` on a thread of ours
/// rather than by a libdispatch signal source (which starts libdispatch's
/// worker pool). The signals must be blocked in every thread, so `block` runs
/// first in `main`, before any thread exists; threads inherit the mask.
public enum SignalWatcher {
    public static func block(_ signals: [Int32]) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Every delivery of one of `signals` (blocked beforehand with `block`), for the process's life.
    public static func watch(_ signals: [Int32]) -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(16))
        final class Job {
            let signals: [Int32]
            let continuation: AsyncStream<Int32>.Continuation
            init(_ signals: [Int32], _ continuation: AsyncStream<Int32>.Continuation) {
                self.signals = signals
                self.continuation = continuation
            }
        }
        var thread = pthread_t()
        let job = Unmanaged.passRetained(Job(signals, continuation)).toOpaque()
        guard pthread_create(&thread, nil, { context in
            let job = Unmanaged<Job>.fromOpaque(context!).takeRetainedValue()
            var set = sigset_t()
            sigemptyset(&set)
            for signal in job.signals { sigaddset(&set, signal) }
            while true {
                var signal: Int32 = 0
                if sigwait(&set, &signal) == 0 { job.continuation.yield(signal) }
            }
        }, job) == 0 else { fatalError("cannot start the signal thread") }
        pthread_detach(thread)
        return stream
    }
}
