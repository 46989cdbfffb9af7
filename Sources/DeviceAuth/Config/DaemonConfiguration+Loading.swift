/// Reading `deviceauthd.conf` and its drop-ins into a `DaemonConfiguration`.
extension DaemonConfiguration {
    /// Loads `path`, then `path.d/*.conf` in name order (later files win, as systemd's drop-ins do).
    public static func load(path: String = defaultPath) throws(ConfigError) -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        let dropIns = SystemFiles.list(path + ".d").filter { $0.hasSuffix(".conf") }.map { path + ".d/" + $0 }
        for file in [path] + dropIns {
            let text: String
            do { text = try SystemFiles.readText(file, limit: 256 * 1024) } catch {
                throw .unreadable(path: file, reason: error.reason)
            }
            for entry in try IniFile.parse(text, file: file) { try configuration.apply(entry) }
        }
        return configuration
    }

    /// Parses a config from text (for tests and `--check-config` of a single file).
    public static func parse(_ text: String, file: String) throws(ConfigError) -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        for entry in try IniFile.parse(text, file: file) { try configuration.apply(entry) }
        return configuration
    }

    /// The keys each section accepts, for the "unknown key" message.
    static let knownKeys: [String: [String]] = [
        "Provider": ["Type", "BaseURL", "ClientID", "ClientSecretFile", "Scope", "QRPairing"],
        "Pairing": ["AutoPair"],
        "Refresh": ["Fraction", "Jitter", "HeartbeatSec", "MaxRetrySec"],
        "Storage": ["StateDirectory"],
        "Control": ["Socket", "TokenReaders", "MaxConnections", "IdleTimeoutSec"],
    ]

    mutating func apply(_ entry: IniEntry) throws(ConfigError) {
        func fail(_ message: String) -> ConfigError { .invalid(file: entry.file, line: entry.line, message: message) }
        guard let keys = Self.knownKeys[entry.section] else {
            throw fail("unknown section [\(entry.section)]; known: " + Self.knownKeys.keys.sorted().map { "[\($0)]" }.joined(separator: ", "))
        }
        guard keys.contains(entry.key) else {
            throw fail("unknown key \(entry.key)= in [\(entry.section)]; known: " + keys.map { "\($0)=" }.joined(separator: ", "))
        }
        let value = entry.value
        let name = "\(entry.key)="
        switch (entry.section, entry.key) {
        case ("Provider", "Type"):
            guard let type = ProviderType(rawValue: value) else {
                throw fail("\(name) must be one of " + ProviderType.allCases.map(\.rawValue).joined(separator: ", ") + ", not \"\(value)\"")
            }
            providerType = type
        case ("Provider", "BaseURL"):
            baseURL = try Self.validatedBaseURL(value, fail: fail)
        case ("Provider", "ClientID"):
            guard value.isEmpty || (value.count <= 128 && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) })
            else { throw fail("\(name) may hold up to 128 letters, digits and - _ . :") }
            clientID = value.isEmpty ? nil : value
        case ("Provider", "ClientSecretFile"):
            guard value.isEmpty || value.hasPrefix("/") else { throw fail("\(name) must be an absolute path") }
            clientSecretFile = value.isEmpty ? nil : value
        case ("Provider", "Scope"):
            let scopes = value.split(separator: " ")
            guard !scopes.isEmpty, value.allSatisfy({ $0.isASCII && !$0.isNewline }) else { throw fail("\(name) must list at least one scope") }
            scope = scopes.joined(separator: " ")
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
        case ("Control", "MaxConnections"):
            maxControlConnections = Int(try Self.number(value, name: name, in: 4...4096, fail: fail).rounded())
        case ("Control", "IdleTimeoutSec"):
            controlIdleSeconds = try Self.number(value, name: name, in: 0.1...3600, fail: fail)
        default:
            throw fail("unknown key \(name)")
        }
    }

    static func boolean(_ value: String, name: String, fail: (String) -> ConfigError) throws(ConfigError) -> Bool {
        switch value.lowercased() {
        case "yes", "true", "on", "1": return true
        case "no", "false", "off", "0": return false
        default: throw fail("\(name) must be yes or no, not \"\(value)\"")
        }
    }

    static func number(_ value: String, name: String, in range: ClosedRange<Double>, fail: (String) -> ConfigError) throws(ConfigError) -> Double {
        guard let number = Double(value), number.isFinite, range.contains(number) else {
            throw fail("\(name) must be a number from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound)), not \"\(value)\"")
        }
        return number
    }

    static func format(_ number: Double) -> String {
        number == number.rounded() ? String(Int(number)) : String(number)
    }

    /// https everywhere; plain http only to this machine (the fake provider, a test server),
    /// because tokens must never cross a network in clear text.
    static func validatedBaseURL(_ value: String, fail: (String) -> ConfigError) throws(ConfigError) -> String {
        let trimmed = value.hasSuffix("/") ? String(value.dropLast()) : value
        if trimmed.hasPrefix("https://"), trimmed.count > "https://".count, !trimmed.contains(" ") { return trimmed }
        if trimmed.hasPrefix("http://") {
            let authority = trimmed.dropFirst("http://".count).prefix { $0 != "/" }
            let host = authority.hasPrefix("[") ? String(authority.prefix { $0 != "]" }) + "]"
                                                : String(authority.prefix { $0 != ":" })
            if ["127.0.0.1", "localhost", "[::1]"].contains(host) { return trimmed }
            throw fail("BaseURL= must use https:// (plain http:// is allowed only to 127.0.0.1, ::1 or localhost)")
        }
        throw fail("BaseURL= must be an https:// URL, not \"\(value)\"")
    }
}
