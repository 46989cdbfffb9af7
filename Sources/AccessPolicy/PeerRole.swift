// SPDX-License-Identifier: Apache-2.0
/// What a caller may do, from its credentials (SO_PEERCRED, SO_PEERGROUPS): the one
/// place that says which role may do what, for every way into the daemon (the control
/// socket's methods declare a `Use`; the API forwarder asks for `.readToken`).
public enum PeerRole: Int, Comparable, Sendable, CustomStringConvertible, CaseIterable {
    /// Anyone who can open the socket: status and watch.
    case observer
    /// Listed in TokenReaders=: also the token.
    case tokenReader
    /// root and the daemon's own user: everything.
    case administrator

    public static func < (a: PeerRole, b: PeerRole) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .observer: "observer"
        case .tokenReader: "token reader"
        case .administrator: "administrator"
        }
    }

    public func permits(_ use: Use) -> Bool { self >= use.leastRole }
}

/// What a request amounts to, whichever way it comes in.
public enum Use: Sendable, CaseIterable {
    /// The state and status line, the release: nothing secret.
    case observe
    /// The access token, or a request sent with it (whoever holds it acts as the camera).
    case readToken
    /// Pairing, unpairing, logins, refreshes, checks: changes to the device's authorization.
    case administer

    /// The least role that may do it.
    public var leastRole: PeerRole {
        switch self {
        case .observe: .observer
        case .readToken: .tokenReader
        case .administer: .administrator
        }
    }
}
