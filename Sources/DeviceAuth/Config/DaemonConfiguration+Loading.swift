/// Reading `deviceauthd.conf` and its drop-ins into a `DaemonConfiguration`.
extension DaemonConfiguration {
    /// Loads `path`, then `path.d/*.conf` in name order (later files win, as systemd's drop-ins do).
    public static func load(path: String = defaultPath) throws(ConfigError) -> DaemonConfiguration {
        let dropIns = SystemFiles.list(path + ".d").filter { $0.hasSuffix(".conf") }.map { path + ".d/" + $0 }
        var files: [(path: String, text: String)] = []
        for file in [path] + dropIns {
            do { files.append((file, try SystemFiles.readText(file, limit: 256 * 1024))) } catch {
                throw .unreadable(path: file, reason: error.reason)
            }
        }
        return try parse(files: files)
    }

    /// Parses a config from text (for tests and `--check-config` of a single file).
    public static func parse(_ text: String, file: String) throws(ConfigError) -> DaemonConfiguration {
        try parse(files: [(file, text)])
    }

    /// A config and its drop-ins, in order (later files win), then checked as a whole.
    public static func parse(files: [(path: String, text: String)]) throws(ConfigError) -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        for file in files {
            for entry in try IniFile.parse(file.text, file: file.path) { try configuration.apply(entry) }
        }
        try configuration.validate()
        return configuration
    }

    /// The keys each section accepts, for the "unknown key" message.
    static let knownKeys: [String: [String]] = [
        "Provider": ["Type", "BaseURL", "Issuer", "DeviceAuthorizationEndpoint", "TokenEndpoint", "RevocationEndpoint",
                     "AuthorizationEndpoint", "ClientAuthentication", "RedirectURI", "ClientID", "ClientSecretFile", "Scope", "QRPairing"],
        "Pairing": ["AutoPair"],
        "Refresh": ["Fraction", "Jitter", "HeartbeatSec", "MaxRetrySec"],
        "Storage": ["StateDirectory"],
        "Control": ["Socket", "TokenReaders", "PairingViewers", "MaxConnections", "IdleTimeoutSec", "Metrics"],
    ]

    mutating func apply(_ entry: IniEntry) throws(ConfigError) {
        func fail(_ message: String) -> ConfigError { .invalid(file: entry.file, line: entry.line, message: message) }
        guard let keys = Self.knownKeys[entry.section] else {
            throw fail("unknown section [\(entry.section.prefix(40))]; known: " + Self.knownKeys.keys.sorted().map { "[\($0)]" }.joined(separator: ", "))
        }
        guard keys.contains(entry.key) else {
            throw fail("unknown key \(entry.key.prefix(40))= in [\(entry.section)]; known: " + keys.map { "\($0)=" }.joined(separator: ", "))
        }
        let value = entry.value
        let name = "\(entry.key)="
        locations[entry.section + "." + entry.key] = ConfigLocation(file: entry.file, line: entry.line)
        switch (entry.section, entry.key) {
        case ("Provider", "Type"):
            guard let type = ProviderType(rawValue: value) else {
                throw fail("\(name) must be one of " + ProviderType.allCases.map(\.rawValue).joined(separator: ", ") + ", not \"\(value.prefix(40))\"")
            }
            providerType = type
        case ("Provider", "BaseURL"):
            var url = try Self.validatedURL(value, name: name, fail: fail)
            if url.hasSuffix("/") { url.removeLast() }
            baseURL = url
        case ("Provider", "Issuer"):
            // Kept exactly as written: RFC 8414 compares the metadata's issuer with it byte for byte.
            issuer = value.isEmpty ? nil : try Self.validatedURL(value, name: name, fail: fail)
        case ("Provider", "DeviceAuthorizationEndpoint"):
            deviceAuthorizationEndpoint = value.isEmpty ? nil : try Self.validatedURL(value, name: name, fail: fail)
        case ("Provider", "TokenEndpoint"):
            tokenEndpoint = value.isEmpty ? nil : try Self.validatedURL(value, name: name, fail: fail)
        case ("Provider", "RevocationEndpoint"):
            revocationEndpoint = value.isEmpty ? nil : try Self.validatedURL(value, name: name, fail: fail)
        case ("Provider", "AuthorizationEndpoint"):
            authorizationEndpoint = value.isEmpty ? nil : try Self.validatedURL(value, name: name, fail: fail)
        case ("Provider", "RedirectURI"):
            redirectURI = value.isEmpty ? nil : try Self.validatedRedirect(value, fail: fail)
        case ("Provider", "ClientAuthentication"):
            guard value.isEmpty || ClientAuthentication(rawValue: value) != nil else {
                throw fail("\(name) must be one of " + ClientAuthentication.allCases.map(\.rawValue).joined(separator: ", ") + ", not \"\(value.prefix(40))\"")
            }
            clientAuthentication = ClientAuthentication(rawValue: value)
        case ("Provider", "ClientID"):
            guard value.isEmpty || (value.count <= 128 && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) })
            else { throw fail("\(name) may hold up to 128 letters, digits and - _ . :") }
            clientID = value.isEmpty ? nil : value
        case ("Provider", "ClientSecretFile"):
            guard value.isEmpty || value.hasPrefix("/") else { throw fail("\(name) must be an absolute path") }
            clientSecretFile = value.isEmpty ? nil : value
        case ("Provider", "Scope"):
            // RFC 6749 §3.3: scope tokens are %x21 / %x23-5B / %x5D-7E, space separated.
            let scopes = value.split(separator: " ")
            guard value.unicodeScalars.allSatisfy({ $0 == " " || ($0.value >= 0x21 && $0.value <= 0x7E && $0 != "\"" && $0 != "\\") })
            else { throw fail("\(name) may hold only printable ASCII scope names, separated by spaces") }
            scope = scopes.isEmpty ? nil : scopes.joined(separator: " ")
        case ("Provider", "QRPairing"):
            qrPairing = try Self.boolean(value, name: name, fail: fail)
        case ("Pairing", "AutoPair"):
            autoPair = try Self.boolean(value, name: name, fail: fail)
        case ("Refresh", "Fraction"):
            refreshFraction = try Self.number(value, name: name, in: 0.1...0.95, fail: fail)
        case ("Refresh", "Jitter"):
            refreshJitter = try Self.number(value, name: name, in: 0...0.2, fail: fail)
        case ("Refresh", "HeartbeatSec"):
            heartbeatSeconds = try Self.number(value, name: name, in: 1...290, fail: fail)
        case ("Refresh", "MaxRetrySec"):
            maxRetrySeconds = try Self.number(value, name: name, in: 1...3600, fail: fail)
        case ("Storage", "StateDirectory"):
            guard value.isEmpty || value.hasPrefix("/") else { throw fail("\(name) must be an absolute path") }
            stateDirectory = value.isEmpty ? nil : value
        case ("Control", "Socket"):
            guard value.isEmpty || value.hasPrefix("/") else { throw fail("\(name) must be an absolute path") }
            guard value.utf8.count < 108 else { throw fail("\(name) is longer than a socket path may be (107 bytes)") }
            controlSocket = value.isEmpty ? nil : value
        case ("Control", "TokenReaders"):
            tokenReaders = value.split(separator: " ").map(String.init)
        case ("Control", "PairingViewers"):
            pairingViewers = value.split(separator: " ").map(String.init)
        case ("Control", "MaxConnections"):
            maxControlConnections = Int(try Self.number(value, name: name, in: 4...4096, fail: fail).rounded())
        case ("Control", "IdleTimeoutSec"):
            controlIdleSeconds = try Self.number(value, name: name, in: 0.1...3600, fail: fail)
        case ("Control", "Metrics"):
            metrics = try Self.boolean(value, name: name, fail: fail)
        default:
            throw fail("unknown key \(name)")
        }
    }

    static func boolean(_ value: String, name: String, fail: (String) -> ConfigError) throws(ConfigError) -> Bool {
        switch value.lowercased() {
        case "yes", "true", "on", "1": return true
        case "no", "false", "off", "0": return false
        default: throw fail("\(name) must be yes or no, not \"\(value.prefix(40))\"")
        }
    }

    static func number(_ value: String, name: String, in range: ClosedRange<Double>, fail: (String) -> ConfigError) throws(ConfigError) -> Double {
        guard let number = Double(value), number.isFinite, range.contains(number) else {
            throw fail("\(name) must be a number from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound)), not \"\(value.prefix(40))\"")
        }
        return number
    }

    static func format(_ number: Double) -> String {
        number == number.rounded() ? String(Int(number)) : String(number)
    }

    /// https everywhere; plain http only to this machine (the fake provider, a test server),
    /// because tokens must never cross a network in clear text (`EndpointURL`).
    static func validatedURL(_ value: String, name: String, fail: (String) -> ConfigError) throws(ConfigError) -> String {
        if let problem = EndpointURL.problem(value) { throw fail("\(name) \(problem), not \"\(value.prefix(80))\"") }
        return value
    }

    /// RFC 8252 §7.3: a loopback redirect over http is the native-app way; anything
    /// else must be https (a claimed page that shows the code for pasting).
    static func validatedRedirect(_ value: String, fail: (String) -> ConfigError) throws(ConfigError) -> String {
        guard EndpointURL.problem(value) == nil, !value.contains("?") else {
            throw fail("RedirectURI= must be http://127.0.0.1:PORT/PATH (loopback) or an https:// URL without a query, not \"\(value.prefix(80))\"")
        }
        return value
    }
}
