// SPDX-License-Identifier: Apache-2.0
import Threads
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Signals as an async sequence, taken on a thread of ours rather than by a libdispatch
/// signal source (which starts libdispatch's worker pool). `block` runs first in `main`,
/// before any thread exists, so that from then on no signal is lost or kills the daemon:
///
/// - On DaemonRuntime's executors the signals are blocked in every thread (threads
///   inherit the mask) and a thread of ours takes them with `sigwait`.
/// - On Swift's executors the main thread ends in `dispatchMain`, which waits with every
///   signal unblocked: a `sigwait` would never see SIGTERM, and a SIGTERM arriving before
///   anything else was set up ended the daemon by its default action. There a handler is
///   installed at once that writes the signal's number to a pipe (the self-pipe idea,
///   async-signal-safe), whichever thread the kernel picks, and a thread of ours reads it.
public enum SignalWatcher {
    public static func block(_ signals: [Int32]) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        #if !DAEMON_EXECUTOR
        guard deviceauth_signal_pipe_open() == 0 else { fatalError("cannot make the signal pipe (errno \(errno))") }
        for signal in signals { deviceauth_signal_to_pipe(signal) }
        #endif
    }

    /// Every delivery of one of `signals` (blocked beforehand with `block`), for the process's life.
    public static func watch(_ signals: [Int32]) -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(16))
        guard startDetachedThread({
            #if DAEMON_EXECUTOR
            var set = sigset_t()
            sigemptyset(&set)
            for signal in signals { sigaddset(&set, signal) }
            while true {
                var signal: Int32 = 0
                if sigwait(&set, &signal) == 0 { continuation.yield(signal) }
            }
            #else
            while true {
                let signal = deviceauth_signal_pipe_read()
                guard signal >= 0 else { return }  // the pipe is gone: nothing more will come
                if signals.contains(signal) { continuation.yield(signal) }
            }
            #endif
        }) else { fatalError("cannot start the signal thread") }
        return stream
    }
}
