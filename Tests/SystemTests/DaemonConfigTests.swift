// SPDX-License-Identifier: Apache-2.0
import OAuthProvider
import FakeProvider
import Foundation
import TestSupport
import Testing

/// Bad configuration exits 78 (EX_CONFIG) with the file and line; --check-config needs no network.
@Suite("deviceauthd configuration errors")
struct DaemonConfigTests {
    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32?, String) {
        let program = try Subprocess("deviceauthd", arguments, environment: ["NOTIFY_SOCKET": "", "JOURNAL_STREAM": ""].merging(environment) { $1 })
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
        #expect(output.contains("\(config):2: ClientSecretFile=\(directory)/secret: is readable by group or others"), "\(output)")
        #expect(!output.contains("s3cr3t-not-to-print"))
    }

    @Test("A secret file the config names that cannot be read is reported at the config's line")
    func unreadableSecret() async throws {
        let (config, directory) = try writeConfig("[Provider]\nClientID=x\nClientSecretFile=DIR/no-such-secret\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (status, output) = try await run(["--config", config, "--check-config"])
        #expect(status == 78)
        #expect(output.contains("\(config):3: ClientSecretFile=\(directory)/no-such-secret: cannot be read: No such file or directory"), "\(output)")
    }

    @Test("A missing config exits 78 naming it")
    func missingConfig() async throws {
        let (status, output) = try await run(["--config", "/nonexistent/deviceauthd.conf"])
        #expect(status == 78)
        #expect(output.contains("/nonexistent/deviceauthd.conf: cannot read the configuration"))
    }

    @Test("--check-config: 0 for a good config (no network needed), 78 for a bad one")
    func checkConfig() async throws {
        let (good, directory) = try writeConfig("[Provider]\nBaseURL=http://127.0.0.1:9\nClientSecretFile=DIR/secret\nClientID=x\n[Storage]\nStateDirectory=DIR/state\n")
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

    @Test("A client_secret credential readable by others exits 78 as a file would; one of mode 0400 is taken", arguments: [0o644, 0o604, 0o640, 0o400])
    func credentialMode(_ mode: Int) async throws {
        let (config, directory) = try writeConfig("[Provider]\nBaseURL=http://127.0.0.1:9\nClientID=x\n[Storage]\nStateDirectory=DIR/state\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let credentials = directory + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try "s3cr3t-not-to-print\n".write(toFile: credentials + "/client_secret", atomically: false, encoding: .utf8)
        chmod(credentials + "/client_secret", mode_t(mode))
        let (status, output) = try await run(["--config", config, "--check-config"], environment: ["CREDENTIALS_DIRECTORY": credentials])
        #expect(!output.contains("s3cr3t-not-to-print"))
        if mode == 0o400 {
            #expect(status == 0, "\(output)")
            #expect(output.contains("the configuration is good, and so is the client secret (from \(credentials)/client_secret)"), "\(output)")
        } else {
            #expect(status == 78)
            #expect(output.contains("\(credentials)/client_secret: is readable by group or others (mode \(String(mode, radix: 8))): systemd makes credentials readable by the service alone"), "\(output)")
        }
    }

    @Test("No secret at all: the message names the encrypted credential first, the plain file second")
    func missingSecret() async throws {
        let (config, directory) = try writeConfig("[Provider]\nBaseURL=http://127.0.0.1:9\nClientID=x\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (status, output) = try await run(["--config", config, "--check-config"])
        #expect(status == 78)
        let credential = try #require(output.range(of: "systemd-creds encrypt --name=client_secret"), "\(output)")
        let file = try #require(output.range(of: "ClientSecretFile="))
        #expect(credential.lowerBound < file.lowerBound && output.contains("LoadCredentialEncrypted="))
    }

    @Test("--check-config of a public client says no secret is needed")
    func publicClient() async throws {
        let (config, directory) = try writeConfig("[Provider]\nType=oauth2\nTokenEndpoint=http://127.0.0.1:9/token\nAuthorizationEndpoint=http://127.0.0.1:9/authorize\nClientID=app\nClientAuthentication=none\nScope=offline\n[Storage]\nStateDirectory=DIR/state\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (status, output) = try await run(["--config", config, "--check-config"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("\(config): the configuration is good; no client secret is needed (a public client: ClientAuthentication=none)"), "\(output)")
    }

    @Test("An unknown user or group in TokenReaders= or PairingViewers= exits 78 with the file and line", arguments: [
        ("TokenReaders=nosuchuser-da", "TokenReaders=: there is no user nosuchuser-da"),
        ("PairingViewers=@nosuchgroup-da", "PairingViewers=: there is no group @nosuchgroup-da"),
    ])
    func unknownPrincipal(line: String, words: String) async throws {
        let (config, directory) = try writeConfig("[Provider]\nClientSecretFile=DIR/secret\nClientID=x\n[Control]\n\(line)\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for arguments in [["--config", config, "--check-config"], ["--config", config]] {
            let (status, output) = try await run(arguments)
            #expect(status == 78)
            #expect(output.contains("\(config):5: \(words)"), "\(output)")
        }
    }

    @Test("--check-config finds a state directory the start could not use (78, with the line); the start exits 73 saying what to do")
    func unusableStateDirectory() async throws {
        let (config, directory) = try writeConfig("[Provider]\nClientSecretFile=DIR/secret\nClientID=x\n[Storage]\nStateDirectory=/proc/deviceauth-forbidden\n[Control]\nSocket=DIR/control.sock\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (checked, output) = try await run(["--config", config, "--check-config"])
        #expect(checked == 78)
        #expect(output.contains("\(config):5: the state directory /proc/deviceauth-forbidden cannot be used by this user: cannot create /proc/deviceauth-forbidden: nothing can be made in /proc"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: "/proc/deviceauth-forbidden"))
        let (started, startOutput) = try await run(["--config", config])
        #expect(started == 73)
        #expect(startOutput.contains("set StateDirectory= in [Storage] and Socket= in [Control] to places that user may create"), "\(startOutput)")
    }

    @Test("--check-config warns of a control socket this user cannot make, and changes nothing")
    func unusableSocketDirectory() async throws {
        let (config, directory) = try writeConfig("[Provider]\nClientSecretFile=DIR/secret\nClientID=x\n[Storage]\nStateDirectory=DIR/state\n[Control]\nSocket=/proc/deviceauth/control.sock\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (checked, output) = try await run(["--config", config, "--check-config"])
        #expect(checked == 0)
        #expect(output.contains("warning: the control socket /proc/deviceauth/control.sock cannot be made by this user"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/state"), "a check creates nothing")
        let (started, startOutput) = try await run(["--config", config])
        #expect(started == 73)
        #expect(startOutput.contains("cannot open the control socket /proc/deviceauth/control.sock") && startOutput.contains("docs/operations.md"), "\(startOutput)")
    }

    @Test("Whether the state directory can be used depends on who runs: --check-config as another user is refused a root-only directory that root's check passes",
          .needsRoot("to run the check as another user with setpriv"))
    func stateDirectoryOfAnotherUser() async throws {
        let user: UInt32 = 4412
        let (config, directory) = try writeConfig("[Provider]\nClientSecretFile=DIR/secret\nClientID=x\n[Storage]\nStateDirectory=DIR/root-only/state\n[Control]\nSocket=DIR/control.sock\n")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/root-only", withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        for file in ["", "/secret", "/deviceauthd.conf"] { chown(directory + file, user, user) }
        let binary = Subprocess.binaryURL("deviceauthd").path
        let asUser = try await Subprocess.run("/usr/bin/setpriv", ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", binary, "--config", config, "--check-config"],
                                             environment: ["NOTIFY_SOCKET": "", "JOURNAL_STREAM": ""])
        #expect(asUser.status == 78)
        #expect(asUser.output.contains("\(config):5: the state directory \(directory)/root-only/state cannot be used by this user: cannot create \(directory)/root-only/state: nothing can be made in \(directory)/root-only (Permission denied)"), "\(asUser.output)")
        let (asRoot, rootOutput) = try await run(["--config", config, "--check-config"])
        #expect(asRoot == 0, "\(rootOutput)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/root-only/state"), "a check creates nothing")
    }
}
