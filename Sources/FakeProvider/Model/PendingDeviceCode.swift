// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A device code between issue and its last poll.
struct PendingDeviceCode: Sendable {
    enum Decision: Sendable { case pending, approved, denied }

    let deviceCode: String
    let userCode: String
    let clientID: String
    let scopes: Set<String>
    let issuedAt: Date
    let expiresAt: Date
    /// The interval this code must respect; `slow_down` raises it by 5 s for good.
    var interval: Int
    /// Arrival of the previous poll (or the issue time: the first poll waits too).
    var lastPollAt: Date
    var decision: Decision

    func isExpired(at now: Date) -> Bool { now >= expiresAt }

    /// The decision as of `now`, with `--auto-approve-after` applied lazily.
    func decision(at now: Date, autoApproveAfter: Double?) -> Decision {
        if decision == .pending, let delay = autoApproveAfter, now >= issuedAt.addingTimeInterval(delay) {
            return .approved
        }
        return decision
    }
}
