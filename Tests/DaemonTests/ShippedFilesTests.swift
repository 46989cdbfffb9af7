import Foundation
import TestSupport
import Testing

/// The files a camera maker installs: the commented config and the unit.
@Suite("Shipped config and unit")
struct ShippedFilesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("config/deviceauthd.conf passes --check-config once a secret is given")
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

    @Test("systemd/deviceauthd.service passes systemd-analyze verify, and its sandbox scores 2.0 or better")
    func unitFile() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else {
            Issue.record("systemd-analyze is not installed")
            return
        }
        let directory = "/tmp/da-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let unit = try String(contentsOf: Self.repository.appendingPathComponent("systemd/deviceauthd.service"), encoding: .utf8)
            .replacingOccurrences(of: "/usr/bin/deviceauthd", with: Subprocess.productsDirectory.appendingPathComponent("deviceauthd").path)
        try unit.write(toFile: directory + "/deviceauthd.service", atomically: false, encoding: .utf8)
        let verify = try Subprocess.run("/usr/bin/systemd-analyze", ["verify", directory + "/deviceauthd.service"])
        #expect(verify.status == 0)
        #expect(verify.output.isEmpty, "systemd-analyze verify said: \(verify.output)")
        let security = try Subprocess.run("/usr/bin/systemd-analyze", ["security", "--offline=true", "--threshold=20", directory + "/deviceauthd.service"])
        #expect(security.status == 0, "\(security.output.suffix(300))")
    }
}
