// SPDX-License-Identifier: Apache-2.0
import CommandOptions
import Foundation
import TestSupport
import Testing

/// The options parser shared by deviceauthd and deviceauthctl.
@Suite("Command-line options")
struct CommandOptionsTests {
    let specs: [OptionSpec] = [.option("socket", value: "path", ""), .option("instance", short: "i", value: "name", ""), .flag("json", "")]

    @Test("Values by space, by =, by short name; flags; the last value wins; -- ends the options")
    func forms() throws {
        let parsed = try ParsedOptions.parse(["--socket", "/a", "--socket=/b=c", "-i", "cm", "--json", "x", "--", "--json2"], specs: specs)
        #expect(parsed.value("socket") == "/b=c")
        #expect(parsed.value("instance") == "cm")
        #expect(parsed.flag("json") && !parsed.flag("help"))
        #expect(parsed.positionals == ["x", "--json2"])
        #expect(try ParsedOptions.parse(["-h"], specs: specs).flag("help"))
    }

    @Test("Unknown options, missing values, values on flags and bad numbers are usage errors", arguments: [
        ["--nope"], ["-x"], ["--socket"], ["--json=yes"], ["-i"],
    ])
    func errors(_ arguments: [String]) {
        #expect(throws: UsageError.self) { try ParsedOptions.parse(arguments, specs: specs) }
    }

    @Test("Numbers are finite and not negative")
    func numbers() throws {
        let timeout: [OptionSpec] = [.option("timeout", value: "seconds", "")]
        #expect(try ParsedOptions.parse(["--timeout", "2.5"], specs: timeout).number("timeout") == 2.5)
        for bad in ["-1", "nan", "inf", "ten", ""] {
            #expect(throws: UsageError.self) { try ParsedOptions.parse(["--timeout=\(bad)"], specs: timeout).number("timeout") }
        }
    }

    @Test("deviceauthd --version names the release the package and the metrics name; a bad option is usage (64)")
    func daemonOptions() async throws {
        let version = try await Subprocess.run(Subprocess.binaryURL("deviceauthd").path, ["--version"])
        #expect(version.status == 0 && version.output == "deviceauthd 0.9.0\n")
        let daemon = Subprocess.binaryURL("deviceauthd").path
        let bad = try await Subprocess.run(daemon, ["--nope"])
        #expect(bad.status == 64 && bad.output == "deviceauthd: unknown option --nope\ndeviceauthd: see 'deviceauthd --help'\n", "\(bad.output)")
        let typo = try await Subprocess.run(daemon, ["--chek-config"])
        #expect(typo.status == 64 && typo.output.hasPrefix("deviceauthd: unknown option --chek-config (did you mean --check-config?)"), "\(typo.output)")
    }
}
