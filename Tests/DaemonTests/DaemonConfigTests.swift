import FakeProvider
import Foundation
import TestSupport
import Testing

/// Bad configuration exits 78 (EX_CONFIG) with the file and line; --check-config needs no network.
@Suite("deviceauthd configuration errors")
struct DaemonConfigTests {
    func run(_ arguments: [String]) async throws -> (Int32?, String) {
        let program = try Subprocess("deviceauthd", arguments, environment: ["NOTIFY_SOCKET": "", "JOURNAL_STREAM": ""])
        let status = await program.waitForExit(seconds: 15)
        return (status, program.output)
    }

    func writeConfig(_ text: String, secretMode: Int = 0o600) throws -> (config: String, directory: String) {
        let directory = "/tmp/da-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "s3cr3t-not-to-print".write(toFile: directory + "/secret", atomically: false, encoding: .utf8)
        chmod(directory + "/secret", mode_t(secretMode))
        let config = directory + "/deviceauthd.conf"
        try text.replacingOccurrences(of: "DIR", with: directory).write(toFile: config, atomically: false, encoding: .utf8)
        return (config, directory)
    }

    @Test("An unknown key exits 78 naming file and line")
    func unknownKey() async throws {
        let (config, directory) = try writeConfig("[Provider]\nClientSecretFile=DIR/secret\nColour=blue\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (status, output) = try await run(["--config", config])
        #expect(status == 78)
        #expect(output.contains("\(config):3: unknown key Colour="))
    }

    @Test("A secret readable by others exits 78 naming the path, without printing the secret")
    func insecureSecret() async throws {
        let (config, directory) = try writeConfig("[Provider]\nClientSecretFile=DIR/secret\nClientID=x\n", secretMode: 0o644)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (status, output) = try await run(["--config", config])
        #expect(status == 78)
        #expect(output.contains("\(directory)/secret: is readable by group or others"))
        #expect(!output.contains("s3cr3t-not-to-print"))
    }

    @Test("A missing config exits 78 naming it")
    func missingConfig() async throws {
        let (status, output) = try await run(["--config", "/nonexistent/deviceauthd.conf"])
        #expect(status == 78)
        #expect(output.contains("/nonexistent/deviceauthd.conf: cannot read the configuration"))
    }

    @Test("--check-config: 0 for a good config (no network needed), 78 for a bad one")
    func checkConfig() async throws {
        let (good, directory) = try writeConfig("[Provider]\nBaseURL=http://127.0.0.1:9\nClientSecretFile=DIR/secret\nClientID=x\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (status, output) = try await run(["--config", good, "--check-config"])
        #expect(status == 0, "\(output)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/state"))
        let bad = directory + "/bad.conf"
        try "[Pairing]\nAutoPair=sometimes\n".write(toFile: bad, atomically: false, encoding: .utf8)
        let (badStatus, badOutput) = try await run(["--config", bad, "--check-config"])
        #expect(badStatus == 78)
        #expect(badOutput.contains("\(bad):2: AutoPair= must be yes or no"))
    }
}
