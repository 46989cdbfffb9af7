// SPDX-License-Identifier: Apache-2.0
/// The proxy's user and password, one line `user:password`: from `ProxyCredentialsFile=`
/// (which, like the client secret's file, must not be readable by group or others), else
/// from the unit's credential `proxy_credentials` (LoadCredential(Encrypted)=), else none.
public struct ProxyCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let user: String
    public let password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    // Printed or dumped by mistake (in a struct that holds it, too), it shows no password.
    public var description: String { "ProxyCredentials(user: \(user), password: <withheld>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["user": user, "password": "<withheld>"]) }
}
