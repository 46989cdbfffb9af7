// SPDX-License-Identifier: Apache-2.0
import CurlHTTP

/// What the forwarder needs to know, from the configuration.
public struct ForwarderSettings: Sendable {
    /// `https://host[:port]` (or http to this machine, for tests): every request goes
    /// there, and only there.
    public var upstream: String
    /// How the provider is reached (`[Network]`, `CAFile=`), as for every other call.
    public var network: CurlTransport.Network
    /// Connections open at once, from everyone (`[Forwarder] MaxConnections=`); and from
    /// one uid that is not an administrator, as the control socket caps a token reader.
    public var maxConnections = 64
    public static let maxConnectionsPerUID = 16
    /// Descriptors one connection holds: the caller's and the provider's.
    public static let descriptorsPerConnection = 2
    /// Descriptors the forwarder may hold at its cap.
    public var descriptors: Int { Self.descriptorsPerConnection * maxConnections }
    /// A connection that sends nothing for this long is closed (a half-sent request
    /// holds no thread for long).
    public var idleSeconds = 30
    /// A whole request, upload and answer included: past it the connection is closed.
    public var timeoutSeconds = 3600
    /// A request's headers (with its line) may hold this much; more is refused by the library.
    public var maxHeaderBytes = 32 * 1024
    /// A request body up to this size is held, so that it can be sent again after a 401;
    /// a larger one (or one of unknown length) streams and is not replayed.
    public var replayableBytes = 64 * 1024
    /// What is held between the two sides of a stream, each way.
    public var pipeBytes = 256 * 1024
    /// A transfer in which nothing moves for this long is given up on (either side).
    public var stallSeconds = 60

    public init(upstream: String, network: CurlTransport.Network) {
        self.upstream = upstream
        self.network = network
    }
}

/// The access token, as the engine hands it out; the forwarder never refreshes by itself.
///
/// Contract for implementers: each call answers within a bounded time; `rejected`
/// treats a 401 from the provider as proof that the token is bad (one refresh, shared
/// with every other caller, within the rules that keep callers from driving the provider)
/// and answers the token to retry with.
public protocol ForwarderTokens: Sendable {
    func current() async throws(ForwarderTokenError) -> String
    func rejected(_ accessToken: String) async throws(ForwarderTokenError) -> String
}

public enum ForwarderTokenError: Error, Sendable {
    /// Not paired, or the authorization ended: the camera must pair (or log in) again.
    case notAuthorized(String)
    /// Paired, but no valid token now (a refresh failed, backing off).
    case unavailable(String)
}
