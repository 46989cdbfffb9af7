// SPDX-License-Identifier: Apache-2.0
import CLinux
import Synchronization

/// What keeps a refused peer from flooding the journal: at most one line a
/// minute per uid, and that line says how many refusals were not logged since
/// the last one. journald's rate limit would otherwise drop everything the
/// daemon says, "authorization lost" included, once a flood has used it up.
/// Times are the monotonic clock's seconds, read through the C shim: ContinuousClock
/// would bring Swift's concurrency runtime (and libdispatch, 0.7 MB) into deviceauthctl,
/// which links this module for the roles' names alone.
public final class RefusalLog: Sendable {
    static let interval = 60.0
    /// Uids remembered at once; the least recently logged is forgotten first.
    static let capacity = 64

    private struct Entry {
        var lastLogged: Double
        var unlogged: Int
    }
    private let entries = Mutex<[UInt32: Entry]>([:])

    public init() {}

    /// nil when this refusal is not to be logged (it is counted); otherwise how many
    /// refusals of this uid went unlogged before it.
    public func shouldLog(uid: UInt32, now: Double = deviceauth_clock_seconds(CLOCK_MONOTONIC)) -> Int? {
        entries.withLock { entries in
            if var entry = entries[uid] {
                if now - entry.lastLogged < Self.interval {
                    entry.unlogged += 1
                    entries[uid] = entry
                    return nil
                }
                entries[uid] = Entry(lastLogged: now, unlogged: 0)
                return entry.unlogged
            }
            if entries.count >= Self.capacity, let oldest = entries.min(by: { $0.value.lastLogged < $1.value.lastLogged })?.key {
                entries[oldest] = nil
            }
            entries[uid] = Entry(lastLogged: now, unlogged: 0)
            return 0
        }
    }

    /// The tail of a logged refusal: nothing, or how many were left out before it.
    public static func suffix(unlogged: Int) -> String {
        unlogged == 0 ? "" : "; \(unlogged) more refused since the last line about this uid"
    }
}
