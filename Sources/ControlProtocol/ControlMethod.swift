// SPDX-License-Identifier: Apache-2.0
/// One method of the control socket, as both ends see it: its name on the wire,
/// who may call it, the types of its parameters and of its result, and the
/// deviceauthctl command that calls it. `ControlMethods.all` lists them; the
/// server (Control's `ServedMethod.all`), deviceauthctl, docs/control-protocol.md
/// and the tests follow that list (docs/architecture.md, "Adding a control method").
///
/// On the wire a request is one JSON object: `id`, `method` and the parameters'
/// members beside them; a reply is `id`, `ok`, `event`, `error` and the result's
/// members beside them (`ControlRequest`, `ControlReply`).
public protocol ControlMethod: Sendable {
    associatedtype Parameters: Codable & Sendable = NoParameters
    associatedtype Result: Codable & Sendable
    /// `method` on the wire.
    static var name: String { get }
    /// The least role that may call it.
    static var role: PeerRole { get }
    /// The deviceauthctl command that calls it (its help says what it does for people).
    static var command: String { get }
}

/// A method that takes nothing beyond `id` and `method`.
public struct NoParameters: Codable, Sendable, Equatable {
    public init() {}
}

/// Parameters that carry secrets: a request printed by mistake names them, never their values.
public protocol CarriesSecrets {
    /// The wire names of the secrets these parameters hold.
    var carriedSecrets: [String] { get }
}

/// What a caller may do, from its credentials (SO_PEERCRED).
public enum PeerRole: Int, Comparable, Sendable, CustomStringConvertible, CaseIterable {
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
