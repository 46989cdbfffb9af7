// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
/// The rules that span several keys, as the dialect (`Type=`) declares them: its
/// endpoints and client id are needed, and keys of another dialect are mistakes.
extension DaemonConfiguration {
    /// An error about the key `Section.Key`, at the line that set it (else at Type='s line,
    /// which decided that the key matters; else without a line).
    public func error(at key: String, _ message: String) -> ConfigError {
        guard let location = locations[key] ?? locations["Provider.Type"] else { return .missing(message) }
        return .invalid(file: location.file, line: location.line, message: message)
    }

    func validate() throws(ConfigError) {
        let typeKey = "Provider.Type", type = "Type=" + dialect.name
        // A key of another dialect is a mistake, never silently ignored.
        for key in ProviderDialect.dialectKeys where !dialect.keys.contains(key) && locations["Provider." + key] != nil {
            throw error(at: "Provider." + key, "\(key)= is for \(ProviderDialect.takers(of: key)); \(type) takes "
                        + dialect.keys.map { $0 + "=" }.joined(separator: ", "))
        }
        if case .standard(let keys, let required, _) = dialect.endpoints {
            if issuer != nil {
                for key in keys where locations["Provider." + key] != nil {
                    throw error(at: "Provider." + key, "\(key)= and Issuer= exclude each other: the issuer's metadata names the endpoints")
                }
            } else if required.contains(where: { locations["Provider." + $0] == nil }) {
                throw error(at: typeKey, "\(type) needs Issuer= (RFC 8414 discovery), or " + required.map { $0 + "=" }.joined(separator: " and "))
            }
        }
        if let reason = dialect.clientIDNeeded, clientID == nil {
            throw error(at: typeKey, "\(type) needs ClientID=: \(reason)")
        }
        if forwarderSocket != nil, effectiveForwarderUpstream == nil {
            throw error(at: "Forwarder.Socket", "the forwarder needs Upstream= in [Forwarder] for \(type): the origin of the API (its authorization server is not it)")
        }
    }

    /// Settings that are valid but mean nothing for this type: warned of at start.
    public var ignoredSettings: [String] {
        var ignored: [String] = []
        if loginMethod != .deviceCode, let at = locations["Pairing.AutoPair"] {
            ignored.append("\(at.file):\(at.line): AutoPair= has no meaning for Type=\(dialect.name): there is no pairing code; the device waits for \(loginCommand ?? "a login")")
        }
        return ignored
    }

    /// A scope without the dialect's offline scope: valid, but the device will have to pair
    /// or log in again whenever the access token expires.
    public var scopeWarnings: [String] {
        let scopes = Set((effectiveScope ?? "").split(separator: " ").map(String.init)), offline = dialect.offlineScopes
        guard !offline.isEmpty, scopes.isDisjoint(with: offline) else { return [] }
        return ["Scope= has none of \(offline.joined(separator: ", ")): the server may give no refresh token, and the device must "
                + (loginMethod == .deviceCode ? "pair" : "log in") + " again each time the access token expires"]
    }

    /// The secret is needed unless the client is public (`ClientAuthentication=none`).
    public var needsClientSecret: Bool { effectiveClientAuthentication != .none }
}
