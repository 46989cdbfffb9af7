// SPDX-License-Identifier: Apache-2.0
#if DAEMON_EXECUTOR
@_spi(ExperimentalCustomExecutors) import _Concurrency
#else
import Dispatch
#endif
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How the daemon's process runs its async code. Where the toolchain offers Swift
/// 6.3's (experimental) executor interface, on `DaemonExecutor` and `DaemonMainExecutor`,
/// with signals taken by a thread of ours (`SignalWatcher`), so that nothing starts
/// libdispatch's worker pool and its once-a-second monitor. Elsewhere (6.1, 6.2, or
/// `DEVICEAUTHD_EXECUTOR=swift` when building, Package.swift), on Swift's own executors:
/// the same daemon, with libdispatch's idle wake-ups (Scripts/bench counts them).
public enum DaemonRuntime {
    #if DAEMON_EXECUTOR
    public static let executorName = "DaemonExecutor"

    struct Executors: ExecutorFactory {
        static let mainExecutor: any MainExecutor = DaemonMainExecutor()
        /// As many workers as processors (at least two), like Swift's cooperative pool.
        static let defaultExecutor: any TaskExecutor = DaemonExecutor(workers: max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
    }
    #else
    public static let executorName = "Swift's executors (libdispatch)"
    #endif

    /// Runs `body` and exits with the status it answers; the main thread runs the main
    /// actor's jobs meanwhile. Call first thing in a synchronous `main`, before any task exists.
    public static func run(_ body: @escaping @Sendable () async -> Int32) -> Never {
        // One malloc arena for all threads: glibc would give each thread that allocates
        // an arena of its own, with its own partly used pages (measured: 0.7 MB of the
        // idle daemon's 3 MB of anonymous memory).
        deviceauth_one_malloc_arena()
        #if DAEMON_EXECUTOR
        _createExecutors(factory: Executors.self)
        #endif
        Task.detached {
            // A hop to the main actor first: a main thread that runs nothing would hang here,
            // at start, where every test sees it, not later in some rarely taken path.
            await MainActor.run {}
            exit(await body())
        }
        #if DAEMON_EXECUTOR
        try? Executors.mainExecutor.run()
        exit(70)  // the main executor stopped, which nothing asks of it
        #else
        dispatchMain()
        #endif
    }
}
