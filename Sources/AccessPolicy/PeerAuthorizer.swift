// SPDX-License-Identifier: Apache-2.0
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Users and groups a config key names: user names, `@group` names, or numeric ids.
public struct Principals: Sendable, Equatable {
    public var uids: Set<UInt32> = []
    public var gids: Set<UInt32> = [] {
        didSet { if firstGID == nil { firstGID = gids.first } }
    }
    /// The first group named, in the order written.
    public private(set) var firstGID: UInt32?

    public init(uids: Set<UInt32> = [], gids: Set<UInt32> = []) {
        self.uids = uids
        self.gids = gids
        firstGID = gids.min()
    }

    /// Resolves names through the user database (at start-up and on reload).
    /// - Throws: a message naming the key and the first entry that names no user or group.
    public static func resolve(_ entries: [String], key: String) throws(ResolutionError) -> Principals {
        var principals = Principals()
        for entry in entries {
            if entry.hasPrefix("@") {
                let name = String(entry.dropFirst())
                if let gid = UInt32(name) { principals.gids.insert(gid) } else if let group = getgrnam(name) {
                    principals.gids.insert(group.pointee.gr_gid)
                } else {
                    throw ResolutionError(key: key, entry: entry, what: "group")
                }
            } else if let uid = UInt32(entry) {
                principals.uids.insert(uid)
            } else if let user = getpwnam(entry) {
                principals.uids.insert(user.pointee.pw_uid)
            } else {
                throw ResolutionError(key: key, entry: entry, what: "user")
            }
        }
        return principals
    }

    public struct ResolutionError: Error, CustomStringConvertible {
        /// The config key (in [Control]) whose entry names nobody.
        public let key: String
        let entry: String
        let what: String
        public var description: String { "\(key)=: there is no \(what) \(entry.prefix(40))" }
    }
}

/// What one peer may do and see, decided afresh for every request (a reload that
/// removes a reader takes effect on connections already open).
public struct PeerAccess: Sendable, Equatable {
    public var role: PeerRole
    /// Administrators and `PairingViewers=`: the user code, the verification URLs.
    public var seesPairingCode: Bool
}

/// Decides roles from `[Control] TokenReaders=` and `PairingViewers=`.
public struct PeerAuthorizer: Sendable {
    let daemonUID: UInt32
    let tokenReaders: Principals
    let pairingViewers: Principals

    public init(daemonUID: UInt32, tokenReaders: Principals = .init(), pairingViewers: Principals = .init()) {
        self.daemonUID = daemonUID
        self.tokenReaders = tokenReaders
        self.pairingViewers = pairingViewers
    }

    public static func resolve(tokenReaders: [String], pairingViewers: [String], daemonUID: UInt32) throws(Principals.ResolutionError) -> PeerAuthorizer {
        PeerAuthorizer(daemonUID: daemonUID,
                       tokenReaders: try Principals.resolve(tokenReaders, key: "TokenReaders"),
                       pairingViewers: try Principals.resolve(pairingViewers, key: "PairingViewers"))
    }

    public func access(of peer: PeerCredentials) -> PeerAccess {
        if peer.uid == 0 || peer.uid == daemonUID { return PeerAccess(role: .administrator, seesPairingCode: true) }
        return PeerAccess(role: peer.isOne(of: tokenReaders) ? .tokenReader : .observer,
                          seesPairingCode: peer.isOne(of: pairingViewers))
    }

    /// The group the pairing QR files belong to (so the camera's UI can read them):
    /// the first group `PairingViewers=` names.
    public var pairingGroup: UInt32? { pairingViewers.firstGID }
}

/// The authorizer the control server consults, replaceable on reload (SIGHUP).
public final class SharedAuthorizer: Sendable {
    private let current: Mutex<PeerAuthorizer>

    public init(_ authorizer: PeerAuthorizer) { current = Mutex(authorizer) }

    public func access(of peer: PeerCredentials?) -> PeerAccess {
        guard let peer else { return PeerAccess(role: .observer, seesPairingCode: false) }
        return current.withLock { $0.access(of: peer) }
    }
    public var pairingGroup: UInt32? { current.withLock { $0.pairingGroup } }
    public func replace(with authorizer: PeerAuthorizer) { current.withLock { $0 = authorizer } }
}
