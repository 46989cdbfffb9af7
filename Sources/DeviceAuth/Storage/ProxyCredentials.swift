// SPDX-License-Identifier: Apache-2.0
import Primitives
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

    public static func load(configuredFile: String?, credentialsDirectory: String?) throws(ConfigError) -> ProxyCredentials? {
        let line: String
        let path: String
        if let configuredFile {
            path = configuredFile
            line = try ClientSecret.read(path, as: .file)
        } else if let credentialsDirectory, SystemFiles.exists(credentialsDirectory + "/proxy_credentials") {
            path = credentialsDirectory + "/proxy_credentials"
            line = try ClientSecret.read(path, as: .credential)
        } else {
            return nil
        }
        guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
            // What the file holds is a secret: not quoted.
            throw .secret(path: path, reason: "must hold one line user:password")
        }
        return ProxyCredentials(user: String(line[..<colon]), password: String(line[line.index(after: colon)...]))
    }
}
