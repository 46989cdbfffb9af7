// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
/// One key of `deviceauthd.conf`: its section, how its value is read into a
/// `DaemonConfiguration`, and whether `systemctl reload` applies it.
/// `ConfigKey.all` (ConfigKey+Table.swift) is the only list of keys: parsing, the
/// "unknown key" message and the reloader's "needs a restart" all follow from it.
public struct ConfigKey: Sendable {
    public enum Reload: Sendable, Equatable {
        /// A reload puts the new value in force at once.
        case applied
        /// Read once at start (the provider, the identity, paths, sockets): a reload names it.
        case restart
    }

    public let section: String
    public let key: String
    public let reload: Reload
    /// A valid value other than the default, as the file spells it (for the docs and the tests).
    public let example: String
    let read: @Sendable (inout DaemonConfiguration, ConfigValue) throws(ConfigError) -> Void
    /// Whether two configurations hold different values for this key.
    public let differs: @Sendable (DaemonConfiguration, DaemonConfiguration) -> Bool
    /// Copies `from`'s value over `into`'s (a restart-only key keeps its running value).
    public let keep: @Sendable (_ into: inout DaemonConfiguration, _ from: DaemonConfiguration) -> Void

    /// How the file spells it: `Key=`.
    public var name: String { key + "=" }
    /// `Section.Key`, as `DaemonConfiguration.locations` indexes it.
    public var qualifiedName: String { section + "." + key }

    init<Value: Equatable & Sendable>(
        _ section: String, _ key: String, _ reload: Reload, example: String,
        _ path: WritableKeyPath<DaemonConfiguration, Value> & Sendable,
        _ parse: @escaping @Sendable (ConfigValue) throws(ConfigError) -> Value
    ) {
        self.section = section
        self.key = key
        self.reload = reload
        self.example = example
        read = { configuration, value throws(ConfigError) in configuration[keyPath: path] = try parse(value) }
        differs = { $0[keyPath: path] != $1[keyPath: path] }
        keep = { $0[keyPath: path] = $1[keyPath: path] }
    }
}

extension ConfigKey {
    /// What a reload does with `next` while `running` is in force: the configuration
    /// that is then in force (restart-only keys keep their running values) and the
    /// restart-only keys whose new values wait for a restart.
    public static func reload(running: DaemonConfiguration, next: DaemonConfiguration)
        -> (inForce: DaemonConfiguration, needRestart: [ConfigKey]) {
        var inForce = next
        var needRestart: [ConfigKey] = []
        for key in all where key.reload == .restart {
            if key.differs(running, next) { needRestart.append(key) }
            key.keep(&inForce, running)
        }
        return (inForce, needRestart)
    }
}

/// A value as the file wrote it, with what an error about it must name.
public struct ConfigValue: Sendable {
    public let text: String
    /// `Key=`, for messages.
    public let name: String
    let file: String
    let line: Int

    func fail(_ message: String) -> ConfigError { .invalid(file: file, line: line, message: message) }

    var isEmpty: Bool { text.isEmpty }

    /// A yes-or-no value in every spelling systemd's own files take (deviceauthd.conf(5) lists them).
    public static let trueWords = ["yes", "true", "on", "1"], falseWords = ["no", "false", "off", "0"]

    func boolean() throws(ConfigError) -> Bool {
        if Self.trueWords.contains(text.lowercased()) { return true }
        if Self.falseWords.contains(text.lowercased()) { return false }
        throw fail("\(name) must be yes or no (or true/false, on/off, 1/0), not \"\(text.prefix(40))\"")
    }

    func number(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard let number = Double(text), number.isFinite, range.contains(number) else {
            throw fail("\(name) must be a number from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound)), not \"\(text.prefix(40))\"")
        }
        return number
    }

    func oneOf<Choice: RawRepresentable & CaseIterable>(_: Choice.Type) throws(ConfigError) -> Choice where Choice.RawValue == String {
        try oneOf(Array(Choice.allCases), named: \.rawValue)
    }

    func oneOf<Choice>(_ choices: [Choice], named name: (Choice) -> String) throws(ConfigError) -> Choice {
        guard let choice = choices.first(where: { name($0) == text }) else {
            throw fail("\(self.name) must be one of " + choices.map(name).joined(separator: ", ") + ", not \"\(text.prefix(40))\"")
        }
        return choice
    }

    /// https everywhere; plain http only to this machine (the fake provider, a test server),
    /// because tokens must never cross a network in clear text (`EndpointURL`).
    func url() throws(ConfigError) -> String {
        if let problem = EndpointURL.problem(text) { throw fail("\(name) \(problem), not \"\(text.prefix(80))\"") }
        return text
    }

    /// nil for an empty value (the default), else an absolute path.
    func absolutePath() throws(ConfigError) -> String? {
        guard isEmpty || text.hasPrefix("/") else { throw fail("\(name) must be an absolute path") }
        return isEmpty ? nil : text
    }

    /// Space-separated words (users, @groups, ids).
    var words: [String] { text.split(separator: " ").map(String.init) }

    static func format(_ number: Double) -> String {
        number == number.rounded() ? String(Int(number)) : String(number)
    }
}
