// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
import Primitives

/// Where the proxy's credentials come from (the value type is the transport's, in DeviceAuth).
extension ProxyCredentials {
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
