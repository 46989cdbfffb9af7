// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import TestSupport
import Testing

/// `deviceauth-fake-provider` as the demo and the end-to-end tests run it.
@Suite("The deviceauth-fake-provider program")
struct FakeProviderProgramTests {
    /// Starts the program on an ephemeral port and answers the harness that talks to it.
    func start(_ extra: [String] = [], secret: String? = nil) async throws -> (Subprocess, FakeHarness) {
        let portFile = FileManager.default.temporaryDirectory.appendingPathComponent("fake-port-\(UUID().uuidString)").path
        let program = try Subprocess("deviceauth-fake-provider", ["--port", "0", "--port-file", portFile] + extra)
        defer { try? FileManager.default.removeItem(atPath: portFile) }
        guard let port = await program.waitForFile(portFile, seconds: 20) else {
            throw HarnessError.unexpectedReply(-1, "no port file; output: \(program.output)")
        }
        var configuration = FakeProviderConfiguration()
        if let index = extra.firstIndex(of: "--client-secret") { configuration.clientSecret = extra[index + 1] }
        if let secret { configuration.clientSecret = secret }
        return (program, FakeHarness(baseURL: "http://127.0.0.1:\(port)", clock: ManualClock(), configuration: configuration))
    }

    @Test("Writes its port once listening, serves the API and the page, exits 0 on SIGTERM")
    func lifecycle() async throws {
        let (program, fake) = try await start(["--client-secret", "program-test-secret", "--interval", "1"])
        let code = try await fake.requestDeviceCode()
        #expect(code.interval == 1)
        #expect(code.expiresIn == 120)
        #expect(try await fake.send(.GET, "/device", headers: []).status == 200)
        #expect(try await fake.stats().deviceCodes == 1)
        program.signal(SIGTERM)
        #expect(await program.waitForExit(seconds: 10) == 0)
        #expect(program.output.contains("activation page: http://127.0.0.1:"))
        #expect(!program.output.contains("program-test-secret"))
    }

    @Test("SIGINT stops it cleanly too")
    func sigint() async throws {
        let (program, _) = try await start()
        program.signal(SIGINT)
        #expect(await program.waitForExit(seconds: 10) == 0)
    }

    @Test("--auto-approve-after pairs a polling device with nobody at the page")
    func autoApprove() async throws {
        // An interval of 0: the first poll may come at once, so no real time has to pass.
        let (program, fake) = try await start(["--auto-approve-after", "0", "--interval", "0", "--code-ttl", "30"])
        let code = try await fake.requestDeviceCode()
        #expect(code.expiresIn == 30 && code.interval == 0)
        #expect(try await fake.poll(code).status == 200)
        program.signal(SIGTERM)
        _ = await program.waitForExit(seconds: 10)
    }

    @Test("--client-secret-file is read and trimmed")
    func secretFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        try "from-a-file\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let (program, fake) = try await start(["--client-secret-file", file.path], secret: "from-a-file")
        _ = try await fake.requestDeviceCode()
        let wrong = try await fake.postForm("/v2/auth/device/code", [
            ("client_id", FakeHarness.clientID), ("client_secret", FakeProviderConfiguration().clientSecret), ("scope", "offline"),
        ])
        #expect(wrong.oauthError == "invalid_client")
        program.signal(SIGTERM)
        _ = await program.waitForExit(seconds: 10)
    }

    @Test("--user adds CameraManager users (the default goes), --cameramanager-ttl shortens tokens; no password or email is logged")
    func cameraManagerUsers() async throws {
        let (program, fake) = try await start(["--user", "a@example.com:FAKEPW_first", "--user", "b@example.com:FAKEPW_second:with-colon",
                                               "--cameramanager-ttl", "90"])
        let basic = [("authorization", "Basic " + Data("key:\(fake.secret)".utf8).base64EncodedString())]
        func login(_ user: String, _ password: String) async throws -> TestResponse {
            try await fake.postForm("/oauth/token", [("grant_type", "password"), ("username", user), ("password", password)], headers: basic)
        }
        let first = try await login("a@example.com", "FAKEPW_first")
        #expect(first.status == 200 && first.int("expires_in") == 90)
        #expect(try await login("b@example.com", "FAKEPW_second:with-colon").status == 200)
        #expect(try await login("camera@example.com", "FAKEPW_correct-horse-battery").oauthError == "invalid_grant")
        program.signal(SIGTERM)
        #expect(await program.waitForExit(seconds: 10) == 0)
        #expect(program.output.contains("password login"))
        #expect(!program.output.contains("FAKEPW_") && !program.output.contains("@example.com"))
    }

    @Test("Bad arguments exit non-zero with a message", arguments: [
        ["--port", "70000"], ["--interval=-1"], ["--client-secret", "a", "--client-secret-file", "/x"],
        ["--client-secret-file", "/nonexistent/secret"], ["--no-such-flag"],
    ])
    func badArguments(_ arguments: [String]) async throws {
        let program = try Subprocess("deviceauth-fake-provider", arguments)
        let status = await program.waitForExit(seconds: 10)
        #expect(status != nil && status != 0)
        #expect(program.output.lowercased().contains("error"))
    }
}
