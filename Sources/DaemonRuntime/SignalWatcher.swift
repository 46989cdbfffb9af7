// SPDX-License-Identifier: Apache-2.0
#if !DAEMON_EXECUTOR
import Dispatch
#endif
import Threads
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
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
        #if !DAEMON_EXECUTOR
        // On Swift's executors the main thread ends in dispatchMain, whose signal thread
        // waits with every signal unblocked: a sigwait of ours would never see SIGTERM, the
        // default action would end the daemon. libdispatch's own sources, the signals
        // ignored as its documentation asks, are what works there (as ServiceLifecycle does).
        for signal in signals {
            ignore(signal)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { continuation.yield(signal) }
            source.resume()
            sources.append(source)
        }
        return stream
        #else
        guard startDetachedThread({
            var set = sigset_t()
            sigemptyset(&set)
            for signal in signals { sigaddset(&set, signal) }
            while true {
                var signal: Int32 = 0
                if sigwait(&set, &signal) == 0 { continuation.yield(signal) }
            }
        }) else { fatalError("cannot start the signal thread") }
        return stream
        #endif
    }

    #if !DAEMON_EXECUTOR
    /// The sources live as long as the process (a released source stops).
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    #endif
}

#if !DAEMON_EXECUTOR
/// The C library's signal(2), by a name no local variable here shadows.
private func ignore(_ number: Int32) { _ = signal(number, SIG_IGN) }
#endif
