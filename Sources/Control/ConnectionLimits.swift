// SPDX-License-Identifier: Apache-2.0
import AccessPolicy
import CLinux
import ControlProtocol
import Synchronization
import Threads

/// What one local user can hold of the control socket. Anyone may connect, so
/// these keep a flood of connections (say, thousands of `watch`es) from
/// exhausting the daemon's memory or descriptors, and keep status watchers from
/// crowding out the programs that need a token.
public struct ConnectionLimits: Sendable {
    /// Connections of one observer uid, and of all observers together.
    public var observerPerUID = 8
    public var observers = 32
    /// Connections of one token-reader uid (the uploader may open several).
    public var tokenReaderPerUID = 32
    /// Connections in all; administrators (root, the daemon's user) have no per-uid cap.
    public var total = 256
    /// A connection that sends no request for this long is closed (a `watch` is exempt).
    /// Longer than any request can take to answer (a refresh's HTTP timeouts).
    public var idleSeconds = 60.0
    /// Refused connections answered at leisure (the client's request read, so it sees
    /// the reason rather than a reset), at most this many at once; past that a refusal
    /// is one non-blocking line and a close, so a flood holds no descriptor for long.
    public var lingeringRefusals = 16
    /// Descriptors kept for everything but the control socket: the provider's HTTP
    /// connections, the store and its WAL, the notify and journal sockets, the
    /// executor's and poller's own. The units' LimitNOFILE= leaves this and more.
    public static let reservedDescriptors = 64

    public init() {}

    /// Fits `total` under a soft RLIMIT_NOFILE of `descriptorLimit`: answers the lower
    /// total when the configured one would not fit, nil when it does.
    public mutating func fit(descriptorLimit: Int) -> Int? {
        let room = max(4, descriptorLimit - Self.reservedDescriptors - lingeringRefusals)
        guard total > room else { return nil }
        total = room
        return room
    }
}

/// Counts open connections by uid and role; `admit` before serving, `release` after.
final class ConnectionLedger: Sendable {
    private struct Counts {
        var byUID: [UInt32: Int] = [:]
        var observers = 0
        var total = 0
    }
    private let counts = Mutex(Counts())
    let limits: ConnectionLimits
    /// A flood of connections leaves the heap grown: given back once it is over.
    private let trimmer = HeapTrimmer(worthwhilePeak: 16, trim: { deviceauth_trim_heap() })

    init(_ limits: ConnectionLimits) { self.limits = limits }

    /// nil when admitted (and counted); otherwise why not, for the refusal.
    func admit(uid: UInt32, role: PeerRole) -> String? {
        let refusal = counts.withLock { counts -> String? in
            let mine = counts.byUID[uid, default: 0]
            if counts.total >= limits.total { return "the daemon has \(limits.total) control connections open; try again later" }
            switch role {
            case .observer:
                if mine >= limits.observerPerUID { return "uid \(uid) already has \(mine) connections open (at most \(limits.observerPerUID))" }
                if counts.observers >= limits.observers { return "status watchers hold \(limits.observers) connections; try again later" }
                counts.observers += 1
            case .tokenReader:
                if mine >= limits.tokenReaderPerUID { return "uid \(uid) already has \(mine) connections open (at most \(limits.tokenReaderPerUID))" }
            case .administrator:
                break
            }
            counts.byUID[uid] = mine + 1
            counts.total += 1
            return nil
        }
        if refusal == nil { trimmer.rose(to: activity) }
        return refusal
    }

    func release(uid: UInt32, role: PeerRole) {
        counts.withLock { counts in
            counts.total -= 1
            if role == .observer { counts.observers -= 1 }
            let left = counts.byUID[uid, default: 1] - 1
            counts.byUID[uid] = left > 0 ? left : nil
        }
        settled()
    }

    private let lingering = Atomic<Int>(0)

    /// True (and counted) when one more refusal may take its time; `endLingering` after.
    func beginLingering() -> Bool {
        while true {
            let now = lingering.load(ordering: .relaxed)
            guard now < limits.lingeringRefusals else { return false }
            if lingering.compareExchange(expected: now, desired: now + 1, ordering: .relaxed).exchanged {
                trimmer.rose(to: activity)
                return true
            }
        }
    }

    func endLingering() {
        lingering.subtract(1, ordering: .relaxed)
        settled()
    }

    private func settled() { trimmer.fell(to: activity) { [self] in activity } }

    /// Admitted connections and refusals under way: what a burst leaves behind in the heap.
    var activity: Int { counts.withLock { $0.total } + lingering.load(ordering: .relaxed) }
}
