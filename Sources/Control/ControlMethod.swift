// SPDX-License-Identifier: Apache-2.0
import ControlProtocol

/// The methods, and who may call them.
public enum ControlMethod: String, CaseIterable, Sendable {
    case status, watch, pair, cancel, unpair, token, refresh, doctor
    case loginStart = "login_start", loginFinish = "login_finish", loginImport = "login_import", loginPassword = "login_password"

    public var requiredRole: PeerRole {
        switch self {
        case .status, .watch: .observer
        case .token: .tokenReader
        case .pair, .cancel, .unpair, .refresh, .doctor, .loginStart, .loginFinish, .loginImport, .loginPassword: .administrator
        }
    }
}

/// What a caller may do, from its credentials (SO_PEERCRED).
public enum PeerRole: Int, Comparable, Sendable, CustomStringConvertible {
    /// Anyone who can open the socket: status and watch.
    case observer
    /// Listed in TokenReaders=: also token.
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
}
