// SPDX-License-Identifier: Apache-2.0
#if DAEMON_EXECUTOR
@_spi(ExperimentalCustomExecutors) import _Concurrency
import Threads
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The main actor's executor: the process's main thread running its jobs in order
/// and sleeping on a condition variable when there are none. Not libdispatch's main
/// queue, whose draining would start its worker pool; and not nothing: with the
/// main thread parked in pause(), a `@MainActor` hop would wait forever.
final class DaemonMainExecutor: MainExecutor, @unchecked Sendable {
    private let lock = ConditionLock()
    /// Guarded by `lock`.
    private var jobs: [UnownedJob] = []
    private var stopped = false
    private var thread: pthread_t?

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        lock.locked {
            jobs.append(job)
            lock.signal()
        }
    }

    /// Runs jobs on the calling thread (the main one) until `stop()`.
    func run() throws {
        lock.locked { thread = pthread_self() }
        while true {
            let batch = lock.locked { () -> [UnownedJob]? in
                while jobs.isEmpty && !stopped { lock.wait() }
                if stopped { return nil }
                defer { jobs = [] }
                return jobs
            }
            guard let batch else { return }
            for job in batch { job.runSynchronously(on: asUnownedSerialExecutor()) }
        }
    }

    func stop() {
        lock.locked {
            stopped = true
            lock.broadcast()
        }
    }

    var isMainExecutor: Bool { true }

    func checkIsolated() {
        let running = lock.locked { thread }
        guard let running, pthread_equal(running, pthread_self()) != 0 else { fatalError("not on the main actor's thread") }
    }
}
#endif
