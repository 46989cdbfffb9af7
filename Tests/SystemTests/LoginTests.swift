// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import Testing
import TestSupport

/// `Type=oauth2` through the real binaries: `deviceauthctl login` with PKCE through
/// the loopback redirect and through a pasted URL, refresh with Basic and with PKCE,
/// an imported refresh token, and the logins that must store nothing.
@Suite("deviceauthd: OAuth 2.0 login", .serialized)
struct LoginTests {
    static let fast: @Sendable (inout FakeProviderConfiguration) -> Void = { $0.pollingInterval = 1; $0.accessTokenLifetime = 600 }

    static func provider(_ fake: FakeHarness, client: String, method: String) -> String {
        "Type=oauth2\nIssuer=\(fake.baseURL)/oauth2\nClientID=\(client)\nClientAuthentication=\(method)\nScope=openid offline"
    }

    /// deviceauthctl login, its standard input a FIFO the test may write a pasted URL to.
    static func startLogin(_ daemon: DaemonFixture, timeout: Int = 20) throws -> (login: Subprocess, paste: String) {
        let fifo = daemon.directory + "/paste"
        mkfifo(fifo, 0o600)
        let ctl = Subprocess.binaryURL("deviceauthctl").path
        // The shell holds the FIFO open for writing too, so the CLI never sees end of input early.
        let login = try Subprocess("/bin/sh", ["-c", "exec 3<>'\(fifo)'; exec '\(ctl)' login --socket '\(daemon.socketPath)' --no-qr --timeout \(timeout) <&3"])
        return (login, fifo)
    }

    /// The authorization URL: the line after "Open this URL".
    static func authorizationURL(_ login: Subprocess) async throws -> String {
        // Whole once the CLI asks for the pasted URL ("… and press Enter:"), which it prints after it.
        _ = await login.waitForOutput("and press Enter:", seconds: 10)
        let lines = login.output.split(separator: "\n")
        if let index = lines.firstIndex(where: { $0.hasPrefix("Open this URL") }), index + 1 < lines.count { return String(lines[index + 1]) }
        throw LoginTestError.noURL(login.output)
    }

    enum LoginTestError: Error { case noURL(String), noRedirect(Int) }

    /// Opens the URL as a browser would and answers where it is sent back (not followed).
    static func browse(_ url: String) async throws -> String {
        let (status, output) = try await Subprocess.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", url])
        let parts = output.split(separator: " ", maxSplits: 1)
        guard status == 0, parts.first == "302", parts.count == 2 else { throw LoginTestError.noRedirect(Int(parts.first ?? "") ?? 0) }
        return String(parts[1])
    }

    /// The person on the consent page: opens the authorization URL and approves or denies;
    /// answers where the browser is sent back (not followed).
    static func decide(_ url: String, _ decision: String, at fake: FakeHarness) async throws -> String {
        let page = try await Subprocess.run("/usr/bin/curl", ["-s", url]).output
        let id = try #require(page.split(separator: "\"").first { $0.hasPrefix("id_") })
        return try await Subprocess.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{redirect_url}", "-d",
                                                    "login=\(id)&decision=\(decision)", "\(fake.baseURL)/oauth2/authorize/decision"]).output
    }

    @Test("Login through the loopback redirect, then refresh, with PKCE and with Basic", arguments: [
        ("public-client", "none"), ("basic-client", "client_secret_basic"),
    ])
    func loopback(client: String, method: String) async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            _ = try await fake.control("settings", #"{"auto_approve_logins": true}"#)
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake, client: client, method: method))
            try await daemon.startAwaitingLogin()
            #expect(daemon.notify.assignments.contains("STATUS=unpaired: not logged in: run deviceauthctl login"))
            let (login, _) = try Self.startLogin(daemon)
            let url = try await Self.authorizationURL(login)
            #expect(url.contains("code_challenge_method=S256") && url.contains("state=") && !url.contains("code_verifier"))
            let redirect = try await Self.browse(url)
            #expect(redirect.hasPrefix("http://127.0.0.1:"))
            _ = try await Subprocess.run("/usr/bin/curl", ["-s", redirect])
            #expect(await login.waitForExit(seconds: 20) == 0)
            #expect(login.output.contains("Logged in."))
            #expect(await daemon.notify.waitStatus("authorized: token valid until", seconds: 10) != nil)

            _ = try await daemon.ctl(["refresh"])
            let stats = try await daemon.waitForStats(seconds: 10) { $0.refreshes >= 1 }
            #expect(stats.refreshes == 1 && stats.rejectedRequests == 0 && stats.loginsApproved == 1)
            #expect(try await daemon.ctl(["unpair"]).output.contains("revoked"))
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }

    @Test("Login through a pasted redirect URL, decided on the consent page")
    func pasted() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake, client: "public-client", method: "none"))
            try await daemon.startAwaitingLogin()
            let (login, paste) = try Self.startLogin(daemon)
            let url = try await Self.authorizationURL(login)
            let decision = try await Self.decide(url, "approve", at: fake)
            // The browser was elsewhere: the person pastes where it ended up.
            let handle = try #require(FileHandle(forWritingAtPath: paste))
            handle.write(Data((decision + "\n").utf8))
            #expect(await login.waitForExit(seconds: 20) == 0)
            #expect(await daemon.notify.waitStatus("authorized: token valid until", seconds: 10) != nil)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("A denial or a refused code ends the login with exit 1 and nothing stored", arguments: ["deny", "code"])
    func refused(_ what: String) async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake, client: "public-client", method: "none"))
            try await daemon.startAwaitingLogin()
            let (login, paste) = try Self.startLogin(daemon)
            let url = try await Self.authorizationURL(login)
            let line: String
            if what == "deny" {
                line = try await Self.decide(url, "deny", at: fake)
            } else {
                line = "http://127.0.0.1:9/callback?code=not-a-code&state=\(try Self.state(url))"
            }
            try #require(FileHandle(forWritingAtPath: paste)).write(Data((line + "\n").utf8))
            #expect(await login.waitForExit(seconds: 20) == 1)
            let expected = ["deny": "the authorization server answered access_denied: The user denied the request: nothing was stored",
                            "code": "the authorization server refused the code: the grant is gone (invalid_grant"][what]!
            #expect(login.output.contains(expected))
            let status = try await daemon.ctl(["status"]).output
            #expect(status.contains("State:   unpaired"))
            #expect(await daemon.stop().status == 0)
        }
    }

    /// The state= of an authorization URL.
    static func state(_ url: String) throws -> Substring {
        try #require(url.split(separator: "&").first { $0.hasPrefix("state=") }?.dropFirst(6))
    }

    /// The listener's port, from "Waiting for the browser to come back to http://127.0.0.1:PORT/callback".
    static func listenerPort(_ login: Subprocess) throws -> UInt16 {
        let match = try #require(login.output.firstMatch(of: /come back to http:\/\/127\.0\.0\.1:([0-9]+)\/callback/))
        return try #require(UInt16(match.1))
    }

    /// A TCP connection to 127.0.0.1:`port` that sends `bytes` (maybe nothing) and stays open.
    static func connect(_ port: UInt16, sending bytes: String = "") throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        if !bytes.isEmpty { _ = Array(bytes.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
        return fd
    }

    @Test("The listener waits for this login's redirect: a silent or half-sent connection, a favicon, another state's error or code and a pasted stranger are answered and ignored")
    func listenerIgnoresOthers() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            _ = try await fake.control("settings", #"{"auto_approve_logins": true}"#)
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake, client: "public-client", method: "none"))
            try await daemon.startAwaitingLogin()
            let (login, paste) = try Self.startLogin(daemon)
            let url = try await Self.authorizationURL(login)
            let port = try Self.listenerPort(login)
            // Connections that never finish their request: the old listener read each for 5 s, one at a time.
            let silent = try Self.connect(port)
            let half = try Self.connect(port, sending: "GET /callback?code=x")
            defer { close(silent); close(half) }
            let base = "http://127.0.0.1:\(port)"
            let curl = { (path: String) async throws -> String in
                try await Subprocess.run("/usr/bin/curl", ["-s", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", base + path]).output
            }
            #expect(try await curl("/favicon.ico") == "404")
            #expect(try await curl("/callback?error=access_denied&error_description=forged&state=someone-elses") == "400")
            #expect(try await curl("/callback?error=access_denied") == "400")
            #expect(try await curl("/callback?code=abc&state=someone-elses") == "400")
            #expect(try await curl("/callback") == "400")
            try #require(FileHandle(forWritingAtPath: paste)).write(Data("http://127.0.0.1:9/callback?code=abc&state=someone-elses\nnot a url\n".utf8))
            // Both pasted lines answered (the second's words), and the login still waits.
            #expect(await login.waitForOutput("that is not the redirect URL (it has neither code= nor error=): still waiting", seconds: 10),
                    "\(login.output)")
            #expect(login.process.isRunning, "the login ended on a request that was not its redirect: \(login.output)")

            // The browser comes back behind eight more silent connections. A listener that read one
            // connection at a time (5 s each) would answer it after 40 s at the earliest; curl gives it
            // 20, which no load makes a loopback answer need: a bound that tells the two apart, not a speed.
            let pending = try (0..<8).map { _ in try Self.connect(port) }
            defer { pending.forEach { close($0) } }
            let redirect = try await Self.browse(url)
            #expect(try await Subprocess.run("/usr/bin/curl", ["-s", "-m", "20", "-o", "/dev/null", "-w", "%{http_code}", redirect]).output == "200",
                    "the redirect waited behind silent connections")
            #expect(await login.waitForExit(seconds: 20) == 0, "\(login.output)")
            #expect(login.output.contains("Logged in."))
            #expect(login.output.contains("that URL is not this login's redirect (its state= is missing or another login's): still waiting"))
            #expect(login.output.contains("that is not the redirect URL (it has neither code= nor error=): still waiting"))
            #expect(login.output.contains("ignored a request to \(base)/callback that is not this login's redirect"))
            #expect(!login.output.contains("forged"))
            #expect(await daemon.notify.waitStatus("authorized: token valid until", seconds: 10) != nil)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("Only strangers until --timeout: exit 1 when it passes, nothing stored")
    func listenerTimeout() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake, client: "public-client", method: "none"))
            try await daemon.startAwaitingLogin()
            let (login, paste) = try Self.startLogin(daemon, timeout: 3)
            _ = try await Self.authorizationURL(login)
            let port = try Self.listenerPort(login)
            _ = try await Subprocess.run("/usr/bin/curl", ["-s", "-m", "5", "http://127.0.0.1:\(port)/callback?error=access_denied&state=x"])
            try #require(FileHandle(forWritingAtPath: paste)).write(Data("http://127.0.0.1:9/callback?error=access_denied\n".utf8))
            #expect(await login.waitForExit(seconds: 15) == 1)
            #expect(login.output.contains("no redirect of this login within 3 s: nothing was stored; run deviceauthctl login again"))
            #expect(try await daemon.ctl(["status"]).output.contains("State:   unpaired"))
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("The server's error_description is shown as text: no escape sequence, C1 control or bidi override reaches the terminal")
    func hostileErrorDescription() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake, client: "public-client", method: "none"))
            try await daemon.startAwaitingLogin()
            let (login, paste) = try Self.startLogin(daemon)
            let url = try await Self.authorizationURL(login)
            // ESC ] 0 ; title BEL (sets the window title), ESC [ 2 J, U+009B, U+202E, a newline.
            let description = "%1B%5D0%3Bpwned%07%1B%5B2J%C2%9B31m%E2%80%AEtxt.exe%0Aforged+line"
            let line = "http://127.0.0.1:9/callback?error=access_denied%1B%5B31m&error_description=\(description)&state=\(try Self.state(url))"
            try #require(FileHandle(forWritingAtPath: paste)).write(Data((line + "\n").utf8))
            #expect(await login.waitForExit(seconds: 20) == 1)
            #expect(ProviderTextTests.hostile(login.output) == [], "\(login.output.debugDescription)")
            #expect(login.output.contains("the authorization server answered access_denied?[31m: ?]0;pwned??[2J?31mtxt.exe forged line: nothing was stored"),
                    "\(login.output.debugDescription)")
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("An imported refresh token is refreshed at once and kept only if that works")
    func importToken() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            // A companion app's tokens: a grant made at the fake for this client.
            let pair = try await fake.pairStandard(client: "public-client", scope: "offline")
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake, client: "public-client", method: "none"))
            try await daemon.startAwaitingLogin()
            let file = daemon.directory + "/refresh_token"
            try "not-a-token\n".write(toFile: file, atomically: true, encoding: .utf8)
            let bad = try await daemon.ctl(["login", "--refresh-token-file", file])
            #expect(bad.status == 1 && bad.output.contains("the authorization server refused the refresh token: the grant is gone (invalid_grant"))
            try pair.write(toFile: file, atomically: true, encoding: .utf8)
            let good = try await daemon.ctl(["login", "--refresh-token-file", file])
            #expect(good.status == 0 && good.output.contains("Logged in with the imported refresh token."))
            #expect(try await fake.stats().refreshes == 1)
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }

    @Test("A refresh sent with the wrong client authentication is refused by the server and stores nothing", arguments: [
        ("basic-client", "none"), ("basic-client", "client_secret_post"), ("public-client", "client_secret_basic"),
    ])
    func wrongAuthentication(client: String, method: String) async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let pair = try await fake.pairStandard(client: client, scope: "offline")
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake, client: client, method: method))
            try await daemon.startAwaitingLogin()
            let file = daemon.directory + "/refresh_token"
            try pair.write(toFile: file, atomically: true, encoding: .utf8)
            let refused = try await daemon.ctl(["login", "--refresh-token-file", file])
            #expect(refused.status == 1)
            #expect(refused.output.contains("invalid_client: \"Client authentication failed\""), "\(refused.output)")
            let stats = try await fake.stats()
            #expect(stats.refreshes == 0 && stats.rejectedRequests == 1)
            #expect(try await daemon.ctl(["status"]).output.contains("State:   unpaired"))
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }

    @Test("SIGTERM during a code exchange the server does not answer: the daemon stops at once, the CLI is told (69)")
    func stopDuringExchange() async throws {
        try await withFakeProvider(realTime: true, Self.fast) { fake in
            let daemon = try DaemonFixture(fake: fake, provider: Self.provider(fake, client: "public-client", method: "none"))
            try await daemon.startAwaitingLogin()
            let (login, paste) = try Self.startLogin(daemon)
            let url = try await Self.authorizationURL(login)
            let redirect = try await Self.decide(url, "approve", at: fake)
            try await fake.control("faults", #"{"endpoint": "token", "mode": "hang"}"#)
            try #require(FileHandle(forWritingAtPath: paste)).write(Data((redirect + "\n").utf8))
            _ = try await daemon.waitForStats(seconds: 10) { $0.faultsInjected >= 1 }
            let stopped = await daemon.stop()
            #expect(stopped.status == 0 && stopped.seconds < 7, "stopped after \(stopped.seconds) s")
            // 69 (EX_UNAVAILABLE): the daemon went away, as for any command it could not finish.
            #expect(await login.waitForExit(seconds: 10) == 69)
            #expect(login.output.contains("deviceauthctl: deviceauthd closed the connection") && !login.output.contains("Logged in."))
        }
    }
}
