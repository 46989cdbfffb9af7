// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Command-line options for the daemon and the CLI, without a parsing library
/// (swift-argument-parser pulls in FoundationEssentials, about 7 MB of a static
/// binary). `--name value`, `--name=value`, `-x value`, flags, and `--` to end
/// the options; anything else is a usage error (exit 64).
public struct OptionSpec: Sendable {
    public let name: String
    public let short: Character?
    /// nil for a flag; the placeholder shown in help otherwise.
    public let valueName: String?
    public let help: String

    public static func option(_ name: String, short: Character? = nil, value: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, short: short, valueName: value, help: help)
    }

    public static func flag(_ name: String, short: Character? = nil, _ help: String) -> OptionSpec {
        OptionSpec(name: name, short: short, valueName: nil, help: help)
    }
}

/// A command line that does not fit the command: says what, for exit status 64.
public struct UsageError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// What a command line said: option values (the last one given wins), flags, and the rest.
public struct ParsedOptions: Sendable {
    public var values: [String: String] = [:]
    public var flags: Set<String> = []
    public var positionals: [String] = []

    public func value(_ name: String) -> String? { values[name] }
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// A number of seconds (or another non-negative number), if given.
    public func number(_ name: String) throws(UsageError) -> Double? {
        guard let text = values[name] else { return nil }
        guard let number = Double(text), number.isFinite, number >= 0 else {
            throw UsageError("--\(name) takes a number of 0 or more, not \"\(text)\"")
        }
        return number
    }

    /// Reads `arguments` against `specs`. `--help`/`-h` is a flag named "help" for every command.
    public static func parse(_ arguments: [String], specs: [OptionSpec]) throws(UsageError) -> ParsedOptions {
        var parsed = ParsedOptions()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                parsed.positionals += arguments[index...]
                break
            }
            if argument == "--help" || argument == "-h" {
                parsed.flags.insert("help")
                continue
            }
            let spec: OptionSpec
            var inline: String?
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                let name = body.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                if body.contains("=") { inline = String(body.drop { $0 != "=" }.dropFirst()) }
                guard let found = specs.first(where: { $0.name == name }) else {
                    let nearest = CommandLineText.nearest(name, among: specs.map(\.name) + ["help"])
                    throw UsageError("unknown option --\(name)" + (nearest.map { " (did you mean --\($0)?)" } ?? ""))
                }
                spec = found
            } else if argument.hasPrefix("-"), argument.count == 2, let letter = argument.last {
                guard let found = specs.first(where: { $0.short == letter }) else { throw UsageError("unknown option \(argument)") }
                spec = found
            } else {
                parsed.positionals.append(argument)
                continue
            }
            guard spec.valueName != nil else {
                if inline != nil { throw UsageError("--\(spec.name) takes no value") }
                parsed.flags.insert(spec.name)
                continue
            }
            if let inline {
                parsed.values[spec.name] = inline
            } else {
                guard index < arguments.count else { throw UsageError("--\(spec.name) needs a value (\(spec.valueName!))") }
                parsed.values[spec.name] = arguments[index]
                index += 1
            }
        }
        return parsed
    }

    /// The OPTIONS part of a help text, one option a line, helps aligned.
    public static func help(_ specs: [OptionSpec]) -> String {
        let all = specs + [.flag("help", short: "h", "Show this help.")]
        let names = all.map { spec in
            (spec.short.map { "-\($0), " } ?? "") + "--\(spec.name)" + (spec.valueName.map { " <\($0)>" } ?? "")
        }
        let width = (names.map(\.count).max() ?? 0) + 2
        return zip(names, all).map { name, spec in
            "  " + name + String(repeating: " ", count: width - name.count) + spec.help
        }.joined(separator: "\n")
    }
}

/// Leaves the program with `code`, after writing `message` (if any) to stderr.
public func exitWith(_ code: Int32, message: String? = nil) -> Never {
    if let message {
        var line = Array((message.hasSuffix("\n") ? message : message + "\n").utf8)
        _ = line.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
    exit(code)
}
