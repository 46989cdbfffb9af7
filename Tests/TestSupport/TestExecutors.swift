// SPDX-License-Identifier: Apache-2.0
import DaemonRuntime

/// Threads of the tests' own, apart from Swift's cooperative pool (as many
/// threads as processors, two on the CI machine). Tests block that pool now
/// and then: SQLite's fsync in a store test takes a while on a slow disk. An
/// in-process fake provider or engine waiting behind them would stall every
/// daemon talking to it and time tests out that have nothing wrong with them.
public enum TestExecutors {
    /// The in-process fake providers' request handling.
    public static let servers: any TaskExecutor = DaemonExecutor(workers: 4)
    /// In-process engines, whose store writes block while they fsync.
    public static let engines: any TaskExecutor = DaemonExecutor(workers: 4)
}
