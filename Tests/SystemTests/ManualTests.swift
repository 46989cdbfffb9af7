// SPDX-License-Identifier: Apache-2.0
import DeviceAuthConfig
import Foundation
import TestSupport
import Testing

/// The manual pages and the bash completion follow the code: every key the daemon accepts
/// is in deviceauthd.conf(5) (and no other), with the reload behaviour the table gives it;
/// every command and option of deviceauthctl is in deviceauthctl(1) and in the completion;
/// and each page renders without a warning.
@Suite("Manual pages and completion")
struct ManualTests {
    static let repository = ShippedFilesTests.repository

    static func source(_ name: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(name), encoding: .utf8)
    }

    /// `*Key=*` entries of deviceauthd.conf(5), as `Section.Key`, each with its text up to the next entry.
    static func pageKeys() throws -> [String: String] {
        var entries: [String: String] = [:]
        var section = "", current: String?
        for line in try source("man/deviceauthd.conf.5.scd").split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# ") {
                current = nil
                if let match = line.firstMatch(of: /^# \[([A-Za-z]+)\] SECTION$/) { section = String(match.1) } else { section = "" }
                continue
            }
            if !section.isEmpty, let match = line.firstMatch(of: /^\*([A-Za-z]+)=\*/) {
                current = section + "." + match.1
                entries[current!] = ""
                continue
            }
            if let current { entries[current, default: ""] += line + "\n" }
        }
        return entries
    }

    @Test("deviceauthd.conf(5) names every key the daemon accepts, in its section, and none it rejects")
    func everyKey() throws {
        let page = Set(try Self.pageKeys().keys)
        let accepted = Set(ConfigKey.all.map(\.qualifiedName))
        #expect(accepted.subtracting(page).isEmpty, "missing from the page: \(accepted.subtracting(page).sorted())")
        #expect(page.subtracting(accepted).isEmpty, "the page names keys the daemon rejects: \(page.subtracting(accepted).sorted())")
    }

    @Test("Each key's entry says what a reload does with it, as the table has it, and gives a default")
    func reloadAndDefault() throws {
        let entries = try Self.pageKeys()
        for key in ConfigKey.all {
            let text = (entries[key.qualifiedName] ?? "").replacingOccurrences(of: "\n\t", with: " ")
            let expected = key.reload == .applied ? "Reload: applied at once" : "Reload: needs a restart"
            #expect(text.contains(expected), "\(key.qualifiedName): \(text)")
            #expect(text.contains("Default: "), "\(key.qualifiedName) gives no default")
        }
    }

    @Test("A default the shipped config sets is the default the page gives")
    func defaultsAgree() throws {
        let entries = try Self.pageKeys()
        var section = ""
        for line in try Self.source("config/deviceauthd.conf").split(separator: "\n") {
            if line.hasPrefix("[") { section = String(line.dropFirst().prefix { $0 != "]" }); continue }
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            let name = section + "." + line[..<equals], value = line[line.index(after: equals)...]
            let text = (entries[name] ?? "").replacingOccurrences(of: "\n\t", with: " ")
            #expect(text.contains("Default: *\(value)*"), "\(name)=\(value): the page says \(text)")
        }
    }

    /// `deviceauthctl help`'s commands, and every long option a command's --help lists.
    static func cli() async throws -> (commands: [String], options: [String: Set<String>]) {
        let binary = Subprocess.binaryURL("deviceauthctl").path
        let help = try await Subprocess.run(binary, ["help"]).output
        let commands = help.split(separator: "\n").compactMap { $0.firstMatch(of: /^  ([a-z]+)\s/).map { String($0.1) } }
        var options: [String: Set<String>] = [:]
        for command in commands where command != "help" {
            let text = try await Subprocess.run(binary, [command, "--help"]).output
            options[command] = Set(text.matches(of: /(?m)^  (?:-[a-z], )?(--[a-z-]+)/).map { String($0.1) })
        }
        return (commands, options)
    }

    @Test("deviceauthctl(1) has every command of deviceauthctl help and every option of each command's --help")
    func ctlPage() async throws {
        let page = try Self.source("man/deviceauthctl.1.scd")
        let (commands, options) = try await Self.cli()
        #expect(commands.count >= 10 && commands.contains("doctor") && commands.contains("help"))
        for command in commands {
            #expect(page.contains("\n*\(command)*"), "deviceauthctl(1) has no entry for \(command)")
        }
        for option in options.values.reduce(Set(), { $0.union($1) }) {
            #expect(page.contains("*\(option)*"), "deviceauthctl(1) does not mention \(option)")
        }
    }

    @Test("The completion offers exactly the commands and, per command, the options deviceauthctl takes")
    func completionLists() async throws {
        let script = try Self.source("packaging/bash-completion/deviceauthctl")
        let (commands, options) = try await Self.cli()
        func complete(_ words: [String]) async throws -> Set<String> {
            let line = words.map { "'\($0)'" }.joined(separator: " ")
            let run = try await Subprocess.run("/bin/bash", ["-c", "source \"$0\"; COMP_WORDS=(\(line)); COMP_CWORD=\(words.count - 1); _deviceauthctl; printf '%s\\n' \"${COMPREPLY[@]}\"",
                                                           Self.repository.appendingPathComponent("packaging/bash-completion/deviceauthctl").path])
            return Set(run.output.split(separator: "\n").map(String.init))
        }
        #expect(try await complete(["deviceauthctl", ""]) == Set(commands))
        for (command, expected) in options {
            let offered = try await complete(["deviceauthctl", command, "--"]).filter { $0.hasPrefix("--") }
            #expect(offered == expected, "\(command): the completion offers \(offered.sorted()), the command takes \(expected.sorted())")
        }
        #expect(script.contains("complete -F _deviceauthctl deviceauthctl"))
    }

    @Test("The completion offers instance names from the configs (not deviceauthd.conf), states for --until, files for --socket")
    func completionValues() async throws {
        let directory = "/tmp/da-completion-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["deviceauthd.conf", "c2c.conf", "cm.conf", "notes.txt"] { _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: Data()) }
        func complete(_ words: [String]) async throws -> [String] {
            let line = words.map { "'\($0)'" }.joined(separator: " ")
            let run = try await Subprocess.run("/bin/bash", ["-c", "cd \"$1\"; source \"$0\"; COMP_WORDS=(\(line)); COMP_CWORD=\(words.count - 1); _deviceauthctl; printf '%s\\n' \"${COMPREPLY[@]}\"",
                                                           Self.repository.appendingPathComponent("packaging/bash-completion/deviceauthctl").path, directory],
                                               environment: ["DEVICEAUTHCTL_CONFIG_DIR": directory])
            return run.output.split(separator: "\n").map(String.init).sorted()
        }
        #expect(try await complete(["deviceauthctl", "-i", ""]) == ["c2c", "cm"])
        #expect(try await complete(["deviceauthctl", "--instance", "c"]) == ["c2c", "cm"])
        #expect(try await complete(["deviceauthctl", "wait", "--until", "a"]) == ["authorized"])
        #expect(try await complete(["deviceauthctl", "--socket", "no"]) == ["notes.txt"])
        #expect(try await complete(["deviceauthctl", "-i", "c2c", "pa"]) == ["pair"])
        #expect(try await complete(["deviceauthctl", "help", "do"]) == ["doctor"])
    }

    @Test("Each page renders with man --warnings and says nothing on stderr; Scripts/man writes them compressed as Debian installs them")
    func rendering() async throws {
        let output = "/tmp/da-man-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let made = try await Subprocess.run(Self.repository.appendingPathComponent("Scripts/man").path, [output], seconds: 120)
        #expect(made.status == 0, "\(made.output)")
        for page in ["man8/deviceauthd.8.gz", "man1/deviceauthctl.1.gz", "man5/deviceauthd.conf.5.gz"] {
            let path = output + "/" + page
            #expect(FileManager.default.fileExists(atPath: path), "\(page)")
            // stderr alone: warnings from man, groff or the page's macros.
            let rendered = try await Subprocess.run("/bin/sh", ["-c", "MANWIDTH=80 man --warnings -l \"$0\" 2>&1 >/dev/null", path])
            #expect(rendered.status == 0 && rendered.output.isEmpty, "\(page): \(rendered.output)")
            let text = try await Subprocess.run("/bin/sh", ["-c", "MANWIDTH=80 man -l \"$0\" 2>/dev/null", path])
            #expect(text.output.contains("NAME") && text.output.contains("SEE ALSO"), "\(page)")
        }
    }

    @Test("Each binary's --help lists exactly the exit statuses its man page documents", arguments: [
        ("deviceauthd", "man/deviceauthd.8.scd"), ("deviceauthctl", "man/deviceauthctl.1.scd"),
    ])
    func exitStatuses(binary: String, page: String) async throws {
        let help = try await Subprocess.run(Subprocess.binaryURL(binary).path, ["--help"])
        #expect(help.status == 0)
        let listed = help.output.components(separatedBy: "EXIT STATUS:\n").last ?? ""
        let helpCodes = listed.matches(of: #/(?m)^  ([0-9]+) /#).map { Int($0.1)! }
        let source = try Self.source(page)
        let section = source.components(separatedBy: "# EXIT STATUS").last?.components(separatedBy: "\n# ").first ?? ""
        // Each status is a line of its own, the code in bold: *64*
        let pageCodes = section.split(separator: "\n").compactMap { line in
            line.hasPrefix("*") && line.hasSuffix("*") && line.count > 2 ? Int(line.dropFirst().dropLast()) : nil
        }
        #expect(helpCodes.count >= 5 && helpCodes == pageCodes, "--help: \(helpCodes), \(page): \(pageCodes)")
    }

    @Test("deviceauthd.conf(5) names every spelling of yes and no the parser takes")
    func booleanSpellings() throws {
        let page = try Self.source("man/deviceauthd.conf.5.scd")
        for word in ConfigValue.trueWords + ConfigValue.falseWords {
            #expect(page.contains("*\(word)*"), "deviceauthd.conf(5) does not say \(word) is accepted")
        }
    }
}
