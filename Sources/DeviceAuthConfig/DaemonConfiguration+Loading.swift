// SPDX-License-Identifier: Apache-2.0
import Primitives
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

    mutating func apply(_ entry: IniEntry) throws(ConfigError) {
        func fail(_ message: String) -> ConfigError { .invalid(file: entry.file, line: entry.line, message: message) }
        let inSection = ConfigKey.all.filter { $0.section == entry.section }
        guard !inSection.isEmpty else {
            throw fail("unknown section [\(entry.section.prefix(40))]; known: " + ConfigKey.sections.sorted().map { "[\($0)]" }.joined(separator: ", "))
        }
        guard let key = inSection.first(where: { $0.key == entry.key }) else {
            throw fail("unknown key \(entry.key.prefix(40))= in [\(entry.section)]; known: " + inSection.map(\.name).joined(separator: ", "))
        }
        locations[key.qualifiedName] = ConfigLocation(file: entry.file, line: entry.line)
        try key.read(&self, ConfigValue(text: entry.value, name: key.name, file: entry.file, line: entry.line))
    }
}
