import Synchronization

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

    public init() {}
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

    init(_ limits: ConnectionLimits) { self.limits = limits }

    /// nil when admitted (and counted); otherwise why not, for the refusal.
    func admit(uid: UInt32, role: PeerRole) -> String? {
        counts.withLock { counts in
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
    }

    func release(uid: UInt32, role: PeerRole) {
        counts.withLock { counts in
            counts.total -= 1
            if role == .observer { counts.observers -= 1 }
            let left = counts.byUID[uid, default: 1] - 1
            counts.byUID[uid] = left > 0 ? left : nil
        }
    }

    private let lastWarning = Mutex<ContinuousClock.Instant?>(nil)

    /// A flood must not flood the journal too: one warning a minute at most.
    func shouldWarnOfRefusal() -> Bool {
        let now = ContinuousClock.now
        return lastWarning.withLock { last in
            if let last, now - last < .seconds(60) { return false }
            last = now
            return true
        }
    }
}
