// SPDX-License-Identifier: Apache-2.0

/// Graceful shutdown: a bounded grace for a refresh in flight, then every
/// waiter gets an answer.
extension PairingEngine {
    /// Graceful shutdown: nothing new starts; a refresh in flight gets `shutdownGrace`
    /// to land, because its answer holds the only valid refresh token.
    func beginStopping() -> Bool {
        guard !stopping else { return true }
        stopping = true
        cancelTimers()
        guard refreshInFlight else { return false }
        graceTimer = alarm(atBoot: clock.now().boot.seconds + shutdownGrace) { [continuation] in continuation.yield(.graceOver) }
        return true
    }

    /// After the loop: let every waiter go with an answer.
    func finish() {
        stopping = true
        continuation.finish()
        cancelTimers()
        graceTimer?.cancel()
        for watcher in watchers.values { watcher.finish() }
        watchers = [:]
        for waiter in tokenWaiters.values { waiter.resume(throwing: TokenUnavailable.refreshFailed("the daemon is stopping")) }
        tokenWaiters = [:]
        for waiter in revokeWaiters.values { waiter.resume(returning: .notRevoked("the daemon stopped before the provider answered")) }
        revokeWaiters = [:]
    }
}
