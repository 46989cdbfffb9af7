// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// What the forwarder counts for the metrics file: requests by the class of the status
/// answered (refusals of its own included), and refreshes a provider's 401 caused.
public final class ForwarderMetrics: Sendable {
    public struct Counts: Sendable, Equatable {
        /// "2xx" … "5xx".
        public var byClass: [String: Int] = [:]
        public var refreshesOn401 = 0
    }
    private let counts = Mutex(Counts())
    /// Told every change (the metrics file, which writes these at most once a second).
    private let changed: @Sendable (Counts) -> Void

    public init(changed: @escaping @Sendable (Counts) -> Void = { _ in }) { self.changed = changed }

    func answered(_ status: Int) {
        let statusClass = (100...599).contains(status) ? "\(status / 100)xx" : "5xx"
        changed(counts.withLock { $0.byClass[statusClass, default: 0] += 1; return $0 })
    }

    func refreshedOn401() { changed(counts.withLock { $0.refreshesOn401 += 1; return $0 }) }

    public var snapshot: Counts { counts.withLock { $0 } }
}
