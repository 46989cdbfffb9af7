// SPDX-License-Identifier: Apache-2.0
import DeviceAuthConfig
import Foundation
import TestSupport
import Testing

/// The files a camera maker installs: the commented config and the unit.
@Suite("Shipped config and unit")
struct ShippedFilesTests {
    static let repository = URL(fileURLWithPath: Subprocess.packageDirectory)

    /// _StringProcessing (Swift's regex engine and the string searches built on it) costs the
    /// static daemon about 900 KiB; nothing the daemon needs uses it (Primitives' TextSearch).
    @Test("The daemon links nothing of _StringProcessing or _RegexParser", .needsProgram("/usr/bin/nm", from: "binutils"))
    func noRegexEngine() async throws {
        let binary = Subprocess.binaryURL("deviceauthd").path
        let symbols = try await Subprocess.run("/usr/bin/nm", ["-u", binary], seconds: 60)
        try #require(symbols.status == 0, "\(symbols.output.prefix(500))")
        let used = symbols.output.split(separator: "\n").filter { $0.contains("17_StringProcessing") || $0.contains("12_RegexParser") }
        #expect(used.isEmpty, "\(used.prefix(5).joined(separator: "\n"))")
    }

    /// deviceauthctl is a blocking program: Swift's concurrency runtime, and the libdispatch
    /// it brings, would cost the released CLI 0.7 MB (ContinuousClock did, once, through a module it links).
    @Test("deviceauthctl uses nothing of Swift's concurrency runtime", .needsProgram("/usr/bin/nm", from: "binutils"))
    func cliWithoutConcurrency() async throws {
        let runtime = try #require(["/opt/swift/usr/lib/swift/linux/libswift_Concurrency.so", "/usr/lib/swift/linux/libswift_Concurrency.so"]
            .first { FileManager.default.fileExists(atPath: $0) }, "no libswift_Concurrency.so to compare with")
        let defined = try await Subprocess.run("/usr/bin/nm", ["-D", "--defined-only", runtime], seconds: 60)
        let wanted = try await Subprocess.run("/usr/bin/nm", ["-u", Subprocess.binaryURL("deviceauthctl").path], seconds: 60)
        try #require(defined.status == 0 && wanted.status == 0)
        let offered = Set(defined.output.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) })
        #expect(offered.count > 100, "the runtime's symbols were read")
        let used = wanted.output.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }.filter(offered.contains)
        #expect(used.isEmpty, "\(used.prefix(5).joined(separator: "\n"))")
    }

    @Test("config/deviceauthd.conf passes --check-config once a secret is given",
          .needsRoot("the shipped config's state directory, /var/lib/deviceauth, as the unit's StateDirectory= makes it"))
    func shippedConfig() async throws {
        let directory = "/tmp/da-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "secret".write(toFile: directory + "/secret", atomically: false, encoding: .utf8)
        chmod(directory + "/secret", 0o600)
        let shipped = try String(contentsOf: Self.repository.appendingPathComponent("config/deviceauthd.conf"), encoding: .utf8)
        let config = shipped
            .replacingOccurrences(of: "#ClientSecretFile=/etc/deviceauth/client_secret", with: "ClientSecretFile=\(directory)/secret")
            .replacingOccurrences(of: "#ClientID=\n", with: "ClientID=shipped-config-test\n")
        try config.write(toFile: directory + "/deviceauthd.conf", atomically: false, encoding: .utf8)
        let program = try Subprocess("deviceauthd", ["--config", directory + "/deviceauthd.conf", "--check-config"])
        #expect(await program.waitForExit(seconds: 15) == 0, "\(program.output)")
    }

    /// A key is declared once, in `ConfigKey.all`; the shipped configs document each
    /// (set or commented out) in its section, and none documents a key that is not there.
    @Test("Every key of the table is documented in a shipped config, in its section, and none is documented that is not a key")
    func configKeysDocumented() throws {
        var documented: Set<String> = []
        for name in ["deviceauthd.conf"] + ProviderDialect.all.dropFirst().map({ $0.name + ".conf" }) {
            let text = try String(contentsOf: Self.repository.appendingPathComponent("config/" + name), encoding: .utf8)
            var section = ""
            for line in text.split(separator: "\n") {
                if line.hasPrefix("[") { section = String(line.dropFirst().prefix { $0 != "]" }); continue }
                // "Key=value" or "#Key=value": a setting, not prose.
                let setting = line.hasPrefix("#") ? line.dropFirst() : line[...]
                guard let equals = setting.firstIndex(of: "="), setting[..<equals].allSatisfy({ $0.isLetter }), !setting[..<equals].isEmpty else { continue }
                documented.insert(section + "." + setting[..<equals])
            }
        }
        let keys = Set(ConfigKey.all.map(\.qualifiedName))
        #expect(keys.subtracting(documented).sorted() == [], "keys no shipped config documents")
        #expect(documented.subtracting(keys).sorted() == [], "settings in a shipped config that are not keys")
    }

    /// The unit (or an instance of the template, `deviceauthd@camera.service`) passes
    /// `systemd-analyze verify`, and its sandbox scores 1.5 or better.
    @Test("systemd units and their socket units pass systemd-analyze verify, and the sandbox scores 1.5 or better",
          .needsProgram("/usr/bin/systemd-analyze", from: "systemd"),
          arguments: [("deviceauthd.service", "deviceauthd.service"), ("deviceauthd@.service", "deviceauthd@camera.service")])
    func unitFile(shipped: String, installedAs: String) async throws {
        let directory = "/tmp/da-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let unit = try String(contentsOf: Self.repository.appendingPathComponent("systemd/" + shipped), encoding: .utf8)
            .replacingOccurrences(of: "/usr/bin/deviceauthd", with: Subprocess.binaryURL("deviceauthd").path)
        try unit.write(toFile: directory + "/" + installedAs, atomically: false, encoding: .utf8)
        // The socket unit the service requires, beside it.
        let socketUnit = installedAs.replacingOccurrences(of: ".service", with: ".socket")
        try FileManager.default.copyItem(atPath: Self.repository.appendingPathComponent("systemd/" + shipped.replacingOccurrences(of: ".service", with: ".socket")).path,
                                         toPath: directory + "/" + socketUnit)
        // And the API forwarder's socket unit, which names the service (Service=).
        let apiUnit = installedAs.replacingOccurrences(of: "deviceauthd", with: "deviceauthd-api").replacingOccurrences(of: ".service", with: ".socket")
        try FileManager.default.copyItem(atPath: Self.repository.appendingPathComponent("systemd/" + shipped.replacingOccurrences(of: "deviceauthd", with: "deviceauthd-api")
                                                                                          .replacingOccurrences(of: ".service", with: ".socket")).path,
                                         toPath: directory + "/" + apiUnit)
        let verify = try await Subprocess.run("/usr/bin/systemd-analyze", ["verify", directory + "/" + installedAs, directory + "/" + socketUnit, directory + "/" + apiUnit])
        #expect(verify.status == 0)
        #expect(verify.output.isEmpty, "systemd-analyze verify said: \(verify.output)")
        let security = try await Subprocess.run("/usr/bin/systemd-analyze", ["security", "--offline=true", "--threshold=15", directory + "/" + installedAs])
        #expect(security.status == 0, "\(security.output.suffix(300))")
    }

    @Test("deviceauthd@.service is deviceauthd.service with per-instance paths, nothing else, and so are the template sockets: they cannot drift")
    func templateMatchesUnit() throws {
        func body(_ name: String) throws -> String {
            let text = try String(contentsOf: Self.repository.appendingPathComponent("systemd/" + name), encoding: .utf8)
            return String(text[try #require(text.range(of: "[Unit]")).lowerBound...])
        }
        let perInstance = [
            ("Description=Device pairing and token daemon (OAuth 2.0 device flow)\n", "Description=Device pairing and token daemon (OAuth 2.0 device flow), account %i\n"),
            ("--config /etc/deviceauth/deviceauthd.conf\n", "--config /etc/deviceauth/%i.conf\n"),
            ("StateDirectory=deviceauth\n", "StateDirectory=deviceauth/%i\n"),
            ("RuntimeDirectory=deviceauth\n", "RuntimeDirectory=deviceauth/%i\n"),
            ("client_secret:/etc/deviceauth/client_secret", "client_secret:/etc/deviceauth/%i.client_secret"),
            ("/etc/credstore.encrypted/deviceauthd.client_secret", "/etc/credstore.encrypted/deviceauthd@%i.client_secret"),
            ("Requires=deviceauthd.socket\nAfter=deviceauthd.socket\n", "Requires=deviceauthd@%i.socket\nAfter=deviceauthd@%i.socket\n"),
            ("Also=deviceauthd.socket\n", "Also=deviceauthd@%i.socket\n"),
        ]
        var expected = try body("deviceauthd.service")
        for (plain, instance) in perInstance { expected = expected.replacingOccurrences(of: plain, with: instance) }
        #expect(try body("deviceauthd@.service") == expected)
        // The sockets likewise: the instance's path (and service), nothing else.
        for socket in ["deviceauthd", "deviceauthd-api"] {
            var socketExpected = try body(socket + ".socket")
            for (plain, instance) in [
                ("deviceauthd\n", "deviceauthd, account %i\n"),
                ("/run/deviceauth/", "/run/deviceauth/%i/"),
                ("Service=deviceauthd.service\n", "Service=deviceauthd@%i.service\n"),
            ] { socketExpected = socketExpected.replacingOccurrences(of: plain, with: instance) }
            #expect(try body(socket + "@.socket") == socketExpected, "\(socket)@.socket")
        }
    }

    @Test("Every script answers --help with its header comment alone: no code line after it, no licence tag, exit 0")
    func scriptsHelp() async throws {
        let scripts = try FileManager.default.contentsOfDirectory(atPath: Self.repository.appendingPathComponent("Scripts").path)
            .filter { name in
                var isDirectory: ObjCBool = false
                let path = Self.repository.appendingPathComponent("Scripts/" + name).path
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            }.sorted()
        #expect(scripts.count >= 10)
        for name in scripts {
            let path = Self.repository.appendingPathComponent("Scripts/" + name).path
            let help = try await Subprocess.run(path, ["--help"], seconds: 10)
            #expect(help.status == 0, "\(name) --help: \(help.output)")
            let lines = help.output.split(separator: "\n")
            #expect(lines.count >= 2, "\(name) --help says too little: \(help.output)")
            #expect(!help.output.contains("SPDX") && !help.output.contains("set -euo") && !help.output.contains("source \""), "\(name) --help: \(help.output)")
            // The comment's first line, not a line of code: its words, no shell syntax.
            #expect(!(lines.first ?? "").hasPrefix("#!") && !(lines.last ?? "").contains("$("), "\(name) --help: \(help.output)")
        }
    }
}
