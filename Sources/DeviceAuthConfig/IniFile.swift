// SPDX-License-Identifier: Apache-2.0
import Primitives
/// One `Key=Value` assignment of a systemd-style INI file, with where it came from.
public struct IniEntry: Equatable, Sendable {
    public let section: String
    public let key: String
    public let value: String
    public let file: String
    public let line: Int
}

/// A systemd-style INI parser: `[Section]` headers, `Key=Value` lines, `#` and
/// `;` comment lines, blank lines. Values are taken verbatim after trimming;
/// a value may be quoted with "…" to keep leading or trailing spaces.
/// Every malformed line is an error naming the file and line.
public enum IniFile {
    public static func parse(_ text: String, file: String) throws(ConfigError) -> [IniEntry] {
        var entries: [IniEntry] = []
        var section: String?
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw .invalid(file: file, line: lineNumber, message: "a section header looks like [Provider]")
                }
                section = String(line.dropFirst().dropLast()).trimmingWhitespace()
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw .invalid(file: file, line: lineNumber, message: "expected Key=Value, got \"\(line.prefix(40))\"")
            }
            let key = String(line[..<equals]).trimmingWhitespace()
            var value = String(line[line.index(after: equals)...]).trimmingWhitespace()
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber }) else {
                throw .invalid(file: file, line: lineNumber, message: "\"\(key.prefix(40))\" is not a valid key name")
            }
            guard let section else {
                throw .invalid(file: file, line: lineNumber, message: "\(key)= comes before any [Section]")
            }
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            entries.append(IniEntry(section: section, key: key, value: value, file: file, line: lineNumber))
        }
        return entries
    }
}
