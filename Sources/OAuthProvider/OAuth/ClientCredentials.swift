// SPDX-License-Identifier: Apache-2.0
/// The client's identity towards the provider. The secret is per device model
/// and never printed: `description` redacts it.
public struct ClientCredentials: Sendable, CustomStringConvertible {
    public var clientID: String
    public var clientSecret: String

    public init(clientID: String, clientSecret: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
    }

    public var description: String { "ClientCredentials(client_id \(clientID), client_secret redacted)" }
}
