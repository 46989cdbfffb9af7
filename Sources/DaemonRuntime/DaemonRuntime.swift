// SPDX-License-Identifier: Apache-2.0
@_spi(ExperimentalCustomExecutors) import _Concurrency
import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How the daemon's process runs its async code: on `DaemonExecutor`, with
/// signals taken by a thread of ours (`SignalWatcher`), so that nothing starts
/// libdispatch's worker pool and its once-a-second monitor.
public enum DaemonRuntime {
    struct Executors: ExecutorFactory {
        static let mainExecutor: any MainExecutor = PlatformExecutorFactory.mainExecutor
        /// As many workers as processors (at least two), like Swift's cooperative pool.
        static let defaultExecutor: any TaskExecutor = DaemonExecutor(workers: max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
    }

    /// Runs `body` on the daemon's executor and exits with the status it answers.
    /// Call first thing in a synchronous `main`, before any task exists.
    public static func run(_ body: @escaping @Sendable () async -> Int32) -> Never {
        // One malloc arena for all threads: glibc would give each thread that allocates
        // an arena of its own, with its own partly used pages (measured: 0.7 MB of the
        // idle daemon's 3 MB of anonymous memory).
        deviceauth_one_malloc_arena()
        _createExecutors(factory: Executors.self)
        Task.detached {
            let status = await body()
            exit(status)
        }
        while true { pause() }
    }
}
