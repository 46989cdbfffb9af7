import ControlProtocol
import DeviceAuth
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Who is at the other end of a Unix socket: SO_PEERCRED's pid, uid and gid,
/// plus the supplementary groups of that process (from /proc, checked against
/// the same uid, because systemd services get theirs from SupplementaryGroups=,
/// not from /etc/group).
public struct PeerCredentials: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    public var groups: [UInt32]

    public init(pid: Int32, uid: UInt32, gid: UInt32, groups: [UInt32]) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    /// Linux's `struct ucred` (pid_t, uid_t, gid_t); glibc hides it without _GNU_SOURCE.
    public struct RawCredentials: Sendable {
        public var pid: Int32 = 0
        public var uid: UInt32 = 0
        public var gid: UInt32 = 0
        public init() {}
    }

    public init(_ credentials: RawCredentials) {
        self.init(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid,
                  groups: Self.supplementaryGroups(pid: credentials.pid, uid: credentials.uid))
    }

    /// The `Groups:` of /proc/PID/status, if that process still has our peer's real uid.
    static func supplementaryGroups(pid: Int32, uid: UInt32) -> [UInt32] {
        guard pid > 0, let text = try? SystemFiles.readText("/proc/\(pid)/status") else { return [] }
        var realUID: UInt32?
        var groups: [UInt32] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("Uid:") { realUID = line.dropFirst(4).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { UInt32($0) } }
            if line.hasPrefix("Groups:") { groups = line.dropFirst(7).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { UInt32($0) } }
        }
        return realUID == uid ? groups : []
    }

    public var description: String { "pid \(pid), uid \(uid), gid \(gid)" }
}

/// Decides roles from `[Control] TokenReaders=` (user names, `@group` names, or numeric ids).
public struct PeerAuthorizer: Sendable {
    let daemonUID: UInt32
    let readerUIDs: Set<UInt32>
    let readerGIDs: Set<UInt32>

    public init(daemonUID: UInt32, readerUIDs: Set<UInt32>, readerGIDs: Set<UInt32>) {
        self.daemonUID = daemonUID
        self.readerUIDs = readerUIDs
        self.readerGIDs = readerGIDs
    }

    /// Resolves names through the user database at start-up.
    /// - Throws: a message naming each entry that names no user or group.
    public static func resolve(tokenReaders: [String], daemonUID: UInt32) throws(ResolutionError) -> PeerAuthorizer {
        var uids: Set<UInt32> = [], gids: Set<UInt32> = []
        for entry in tokenReaders {
            if entry.hasPrefix("@") {
                let name = String(entry.dropFirst())
                if let gid = UInt32(name) { gids.insert(gid) } else if let group = getgrnam(name) { gids.insert(group.pointee.gr_gid) } else {
                    throw ResolutionError(entry: entry, what: "group")
                }
            } else if let uid = UInt32(entry) {
                uids.insert(uid)
            } else if let user = getpwnam(entry) {
                uids.insert(user.pointee.pw_uid)
            } else {
                throw ResolutionError(entry: entry, what: "user")
            }
        }
        return PeerAuthorizer(daemonUID: daemonUID, readerUIDs: uids, readerGIDs: gids)
    }

    public struct ResolutionError: Error, CustomStringConvertible {
        let entry: String
        let what: String
        public var description: String { "TokenReaders=: there is no \(what) \(entry)" }
    }

    public func role(of peer: PeerCredentials) -> PeerRole {
        if peer.uid == 0 || peer.uid == daemonUID { return .administrator }
        if readerUIDs.contains(peer.uid) || readerGIDs.contains(peer.gid) || !readerGIDs.isDisjoint(with: peer.groups) {
            return .tokenReader
        }
        return .observer
    }
}


/// The authorizer the control server consults, replaceable on reload (SIGHUP).
public final class SharedAuthorizer: Sendable {
    private let current: Mutex<PeerAuthorizer>

    public init(_ authorizer: PeerAuthorizer) { current = Mutex(authorizer) }

    public func role(of peer: PeerCredentials) -> PeerRole { current.withLock { $0.role(of: peer) } }
    public func replace(with authorizer: PeerAuthorizer) { current.withLock { $0 = authorizer } }
}
