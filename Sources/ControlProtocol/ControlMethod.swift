// SPDX-License-Identifier: Apache-2.0
import AccessPolicy

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
    /// What calling it amounts to; who may do that is AccessPolicy's to say (`Use.leastRole`).
    static var use: Use { get }
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

extension ControlMethod {
    /// The least role that may call it.
    public static var role: PeerRole { use.leastRole }
}
