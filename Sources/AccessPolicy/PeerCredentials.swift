// SPDX-License-Identifier: Apache-2.0
import CLinux
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Who is at the other end of a Unix socket, as the kernel saw it when the peer
/// connected: SO_PEERCRED's pid, uid and gid, and SO_PEERGROUPS' supplementary
/// groups. Never /proc: the shipped unit's `ProtectProc=invisible` hides other
/// users' processes there, and a pid may be reused by the time we look.
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
    struct RawCredentials {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// SO_PEERGROUPS (Linux 4.13): not in Swift's Glibc module, and not the same number
    /// on every architecture, so the C shim gives it.
    static let peerGroupsOption = Int32(deviceauth_so_peergroups)

    /// The credentials of the peer of a connected Unix socket, or nil if the kernel gives none.
    public static func of(socket fd: Int32) -> PeerCredentials? {
        var credentials = RawCredentials()
        var length = socklen_t(MemoryLayout<RawCredentials>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else { return nil }
        return PeerCredentials(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid, groups: groups(of: fd))
    }

    /// The peer's supplementary groups; the kernel says how much room they need (ERANGE).
    /// Without an answer, none: a role by group is then not granted, never granted wrongly.
    static func groups(of fd: Int32) -> [UInt32] {
        var groups = [UInt32](repeating: 0, count: 32)
        for _ in 0..<2 {
            var length = socklen_t(groups.count * MemoryLayout<UInt32>.size)
            if getsockopt(fd, SOL_SOCKET, peerGroupsOption, &groups, &length) == 0 {
                return Array(groups.prefix(Int(length) / MemoryLayout<UInt32>.size))
            }
            guard errno == ERANGE, Int(length) > groups.count * MemoryLayout<UInt32>.size else { return [] }
            groups = [UInt32](repeating: 0, count: Int(length) / MemoryLayout<UInt32>.size)
        }
        return []
    }

    public var description: String { "pid \(pid), uid \(uid), gid \(gid)" }

    /// Whether the peer is one of `principals`: by uid, primary gid or a supplementary group.
    func isOne(of principals: Principals) -> Bool {
        principals.uids.contains(uid) || principals.gids.contains(gid) || !principals.gids.isDisjoint(with: groups)
    }
}
