// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
/// Every key `deviceauthd.conf` accepts, in the order the shipped file shows them.
/// A key is added here and nowhere else; `config/deviceauthd.conf` documents it
/// (a test checks that it does).
extension ConfigKey {
    public static let all: [ConfigKey] = provider + [
        .init("Pairing", "AutoPair", .applied, example: "no", \.autoPair) { v throws(ConfigError) in try v.boolean() },

        .init("Refresh", "Fraction", .applied, example: "0.8", \.refreshFraction) { v throws(ConfigError) in try v.number(in: 0.1...0.95) },
        .init("Refresh", "Jitter", .applied, example: "0.1", \.refreshJitter) { v throws(ConfigError) in try v.number(in: 0...0.2) },
        .init("Refresh", "HeartbeatSec", .applied, example: "60", \.heartbeatSeconds) { v throws(ConfigError) in try v.number(in: 1...290) },
        .init("Refresh", "MaxRetrySec", .applied, example: "600", \.maxRetrySeconds) { v throws(ConfigError) in try v.number(in: 1...3600) },

        .init("Storage", "StateDirectory", .restart, example: "/var/lib/deviceauth", \.stateDirectory) { v throws(ConfigError) in try v.absolutePath() },
    ] + network + control + forwarder

    /// How the provider is reached: set into each transport as the daemon starts.
    static let network: [ConfigKey] = [
        .init("Network", "Proxy", .restart, example: "http://proxy.studio.example:3128", \.proxy) { v throws(ConfigError) in
            guard !v.isEmpty else { return nil }
            // Credentials never in the config (it is world-readable), nor quoted back in an error.
            guard !v.text.contains("@") else {
                throw v.fail("\(v.name) must be http://HOST:PORT without credentials: they go in ProxyCredentialsFile= (the value is not repeated here)")
            }
            var text = v.text
            if text.hasSuffix("/") { text.removeLast() }
            guard text.hasPrefix("http://"), let origin = URLOrigin(text), origin.hasExplicitPort,
                  text.count == "http://".count + origin.authority.count,  // nothing but HOST:PORT (a path, a query)
                  origin.host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) })
            else { throw v.fail("\(v.name) must be http://HOST:PORT, not \"\(v.text.prefix(80))\"") }
            return "http://" + origin.authority
        },
        .init("Network", "NoProxy", .restart, example: "localhost 127.0.0.1 .camera.lan", \.noProxy) { v throws(ConfigError) in
            let hosts = v.text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            guard hosts.allSatisfy({ $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]*/".contains($0)) } })
            else { throw v.fail("\(v.name) is a list of host names, domains (.example.com) and addresses, separated by spaces") }
            return hosts
        },
        .init("Network", "ProxyCredentialsFile", .restart, example: "/etc/deviceauth/proxy-credentials", \.proxyCredentialsFile) { v throws(ConfigError) in
            try v.absolutePath()
        },
    ]

    /// Who the device is and whom it talks to: read once, as the engine and its client are built.
    static let provider: [ConfigKey] = [
        .init("Provider", "Type", .restart, example: "oauth2-device", \.dialect) { v throws(ConfigError) in try v.oneOf(ProviderDialect.all, named: \.name) },
        .init("Provider", "BaseURL", .restart, example: "https://api.frame.io", \.baseURL) { v throws(ConfigError) in
            var url = try v.url()
            if url.hasSuffix("/") { url.removeLast() }
            return url
        },
        // Kept exactly as written: RFC 8414 compares the metadata's issuer with it byte for byte.
        .init("Provider", "Issuer", .restart, example: "https://auth.example.com", \.issuer) { v throws(ConfigError) in v.isEmpty ? nil : try v.url() },
        .init("Provider", "DeviceAuthorizationEndpoint", .restart, example: "https://auth.example.com/device", \.deviceAuthorizationEndpoint) { v throws(ConfigError) in
            v.isEmpty ? nil : try v.url()
        },
        .init("Provider", "TokenEndpoint", .restart, example: "https://auth.example.com/token", \.tokenEndpoint) { v throws(ConfigError) in v.isEmpty ? nil : try v.url() },
        .init("Provider", "RevocationEndpoint", .restart, example: "https://auth.example.com/revoke", \.revocationEndpoint) { v throws(ConfigError) in v.isEmpty ? nil : try v.url() },
        .init("Provider", "AuthorizationEndpoint", .restart, example: "https://auth.example.com/authorize", \.authorizationEndpoint) { v throws(ConfigError) in
            v.isEmpty ? nil : try v.url()
        },
        .init("Provider", "ClientAuthentication", .restart, example: "client_secret_basic", \.clientAuthentication) { v throws(ConfigError) in
            v.isEmpty ? nil : try v.oneOf(ClientAuthentication.self)
        },
        // RFC 8252 §7.3: a loopback redirect over http is the native-app way; anything
        // else must be https (a claimed page that shows the code for pasting).
        .init("Provider", "RedirectURI", .restart, example: "http://127.0.0.1:8400/callback", \.redirectURI) { v throws(ConfigError) in
            guard !v.isEmpty else { return nil }
            guard EndpointURL.problem(v.text) == nil, !v.text.contains("?") else {
                throw v.fail("RedirectURI= must be http://127.0.0.1:PORT/PATH (loopback) or an https:// URL without a query, not \"\(v.text.prefix(80))\"")
            }
            return v.text
        },
        .init("Provider", "ClientID", .restart, example: "camera-0001", \.clientID) { v throws(ConfigError) in
            guard v.isEmpty || (v.text.count <= 128 && v.text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) })
            else { throw v.fail("\(v.name) may hold up to 128 letters, digits and - _ . :") }
            return v.isEmpty ? nil : v.text
        },
        .init("Provider", "ClientSecretFile", .restart, example: "/etc/deviceauth/client_secret", \.clientSecretFile) { v throws(ConfigError) in try v.absolutePath() },
        // Checked when the daemon starts and by --check-config (DaemonSetup): readable, certificates, not all expired.
        .init("Provider", "CAFile", .restart, example: "/etc/deviceauth/provider-ca.pem", \.caFile) { v throws(ConfigError) in try v.absolutePath() },
        .init("Provider", "Scope", .restart, example: "offline", \.scope) { v throws(ConfigError) in
            // RFC 6749 §3.3: scope tokens are %x21 / %x23-5B / %x5D-7E, space separated.
            guard v.text.unicodeScalars.allSatisfy({ $0 == " " || ($0.value >= 0x21 && $0.value <= 0x7E && $0 != "\"" && $0 != "\\") })
            else { throw v.fail("\(v.name) may hold only printable ASCII scope names, separated by spaces") }
            let scopes = v.text.split(separator: " ")
            return scopes.isEmpty ? nil : scopes.joined(separator: " ")
        },
        .init("Provider", "QRPairing", .restart, example: "no", \.qrPairing) { v throws(ConfigError) in try v.boolean() },
    ]

    /// The control socket: who may do what is decided per request, so the role lists
    /// apply at once; the socket and its limits are set up once.
    static let control: [ConfigKey] = [
        .init("Control", "Socket", .restart, example: "/run/deviceauth/control.sock", \.controlSocket) { v throws(ConfigError) in
            let path = try v.absolutePath()
            guard v.text.utf8.count < 108 else { throw v.fail("\(v.name) is longer than a socket path may be (107 bytes)") }
            return path
        },
        .init("Control", "TokenReaders", .applied, example: "uploader @camera-apps", \.tokenReaders) { v throws(ConfigError) in v.words },
        .init("Control", "PairingViewers", .applied, example: "@camera-ui", \.pairingViewers) { v throws(ConfigError) in v.words },
        .init("Control", "MaxConnections", .restart, example: "128", \.maxControlConnections) { v throws(ConfigError) in
            Int(try v.number(in: 4...4096).rounded())
        },
        .init("Control", "IdleTimeoutSec", .restart, example: "30", \.controlIdleSeconds) { v throws(ConfigError) in try v.number(in: 0.1...3600) },
        .init("Control", "Metrics", .restart, example: "yes", \.metrics) { v throws(ConfigError) in try v.boolean() },
    ]

    /// The local API forwarder: off unless Socket= is set; who may use it is [Control]'s
    /// TokenReaders= (applied at once), where it sends requests is read once.
    static let forwarder: [ConfigKey] = [
        .init("Forwarder", "Socket", .restart, example: "/run/deviceauth/api.sock", \.forwarderSocket) { v throws(ConfigError) in
            let path = try v.absolutePath()
            guard v.text.utf8.count < 108 else { throw v.fail("\(v.name) is longer than a socket path may be (107 bytes)") }
            return path
        },
        .init("Forwarder", "Upstream", .restart, example: "https://api.example.com", \.forwarderUpstream) { v throws(ConfigError) in
            guard !v.isEmpty else { return nil }
            var url = try v.url()
            if url.hasSuffix("/") { url.removeLast() }
            // An origin only: requests keep their own paths.
            guard let origin = URLOrigin(url), url.lowercased() == origin.origin, !origin.hasUserInfo else {
                throw v.fail("\(v.name) must be an origin, https://HOST[:PORT] without a path, not \"\(v.text.prefix(80))\"")
            }
            return origin.origin
        },
        .init("Forwarder", "IdleTimeoutSec", .restart, example: "10", \.forwarderIdleSeconds) { v throws(ConfigError) in
            Int(try v.number(in: 1...3600).rounded())
        },
        .init("Forwarder", "TimeoutSec", .restart, example: "600", \.forwarderTimeoutSeconds) { v throws(ConfigError) in
            Int(try v.number(in: 2...86_400).rounded())
        },
        .init("Forwarder", "MaxConnections", .restart, example: "32", \.forwarderMaxConnections) { v throws(ConfigError) in
            Int(try v.number(in: 4...1024).rounded())
        },
    ]

    /// The sections, in the table's order.
    public static var sections: [String] {
        all.reduce(into: []) { sections, key in if !sections.contains(key.section) { sections.append(key.section) } }
    }
}
