// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import Testing
import TestSupport

/// The real binaries over real TLS: stunnel (OpenSSL) before the fake, with a CA made
/// for the run and named by CAFile=, the certificate's name verified (localhost, ::1).
@Suite("deviceauthd over HTTPS", .serialized)
struct HTTPSTests {
    /// A CA, a front with a certificate for localhost, 127.0.0.1 and ::1, and the body.
    static func withFront(_ fake: FakeHarness, names: [String] = ["localhost", "127.0.0.1", "::1"],
                          start: TimeInterval = -3600, end: TimeInterval = 86_400,
                          _ body: (TestCA, TLSFront) async throws -> Void) async throws {
        let directory = "/tmp/da-tls-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ca = try await TestCA.make(in: directory)
        let server = try await ca.server("server", names: names, start: start, end: end)
        let front = try await TLSFront(forwardingTo: fake.port, certificate: server.certificate, key: server.key, directory: directory)
        do { try await body(ca, front) } catch { await front.stop(); throw error }
        await front.stop()
    }

    @Test("Frame.io C2C at https://localhost: pair, three rotations, unpair (revoked), all through CAFile='s CA", arguments: ["localhost", "[::1]"])
    func frameio(host: String) async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.publicScheme = "https" }) { fake in
            try await Self.withFront(fake) { ca, front in
                let daemon = try DaemonFixture(fake: fake, provider: "BaseURL=https://\(host):\(front.port)\nClientID=https-camera\nCAFile=\(ca.certificate)")
                #expect(try await daemon.checkConfig().status == 0)
                _ = try #require(try await daemon.pair())
                for round in 1...3 {
                    let refreshed = try await daemon.ctl(["refresh"])
                    #expect(refreshed.status == 0, "round \(round): \(refreshed.output)")
                    #expect(try await daemon.waitForStats(seconds: 10) { $0.refreshes >= round }.refreshes == round)
                }
                let unpair = try await daemon.ctl(["unpair"])
                #expect(unpair.output.contains("the authorization was revoked at the provider"), "\(unpair.output)")
                let stats = try await fake.stats()
                #expect(stats.refreshes == 3 && stats.revocations == 1 && stats.rejectedRequests == 0)
                #expect(await daemon.stop().status == 0)
                #expect(daemon.leakedSecrets.isEmpty)
            }
        }
    }

    @Test("Type=oauth2 at https://localhost: discovery, a browser login through the loopback redirect, a refresh")
    func oauth2Login() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.accessTokenLifetime = 600; $0.publicScheme = "https" }) { fake in
            _ = try await fake.control("settings", #"{"auto_approve_logins": true}"#)
            try await Self.withFront(fake) { ca, front in
                let provider = "Type=oauth2\nIssuer=https://localhost:\(front.port)/oauth2\nClientID=public-client\nClientAuthentication=none\nScope=openid offline\nCAFile=\(ca.certificate)"
                let daemon = try DaemonFixture(fake: fake, provider: provider)
                try await daemon.startAwaitingLogin()
                let (login, _) = try LoginTests.startLogin(daemon)
                let url = try await LoginTests.authorizationURL(login)
                #expect(url.hasPrefix("https://localhost:\(front.port)/oauth2/authorize?"))
                // The browser trusts the same CA.
                let sent = try await Subprocess.run("/usr/bin/curl", ["-s", "--cacert", ca.certificate, "-o", "/dev/null", "-w", "%{redirect_url}", url]).output
                #expect(sent.hasPrefix("http://127.0.0.1:"))
                _ = try await Subprocess.run("/usr/bin/curl", ["-s", sent])
                #expect(await login.waitForExit(seconds: 20) == 0, "\(login.output)")
                #expect(await daemon.notify.waitStatus("authorized: token valid until", seconds: 10) != nil)
                #expect(try await daemon.ctl(["refresh"]).status == 0)
                #expect(try await daemon.waitForStats(seconds: 10) { $0.refreshes >= 1 }.refreshes == 1)
                // With Issuer=, the doctor's request is the metadata (RFC 8414), and a public client needs no secret.
                let (doctorStatus, doctor) = try await DoctorTests.doctor(daemon, "Type=oauth2 with Issuer=")
                #expect(doctorStatus == 0)
                #expect(DoctorTests.lines(doctor, "http").first?.contains("/.well-known/oauth-authorization-server/oauth2: GET answered 200") == true, "\(doctor)")
                #expect(DoctorTests.lines(doctor, "secret").first?.contains("none needed: a public client") == true)
                #expect(await daemon.stop().status == 0)
            }
        }
    }

    @Test("A CAFile= the daemon's user cannot read (root's, mode 0600): the unprivileged daemon exits 78 naming the file and line, before any request")
    func unreadableCAFile() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.publicScheme = "https" }) { fake in
            try await Self.withFront(fake) { ca, front in
                chmod(ca.certificate, 0o600)
                let daemon = try DaemonFixture(fake: fake, provider: "BaseURL=https://localhost:\(front.port)\nClientID=https-camera\nCAFile=\(ca.certificate)")
                try daemon.start(user: 65534)
                #expect(await daemon.waitForExit(seconds: 30) == 78)
                #expect(daemon.output.contains("deviceauthd.conf:") && daemon.output.contains("CAFile=\(ca.certificate)") && daemon.output.contains("ermission denied"),
                        "\(daemon.output)")
                #expect(try await fake.stats().deviceCodes == 0)
            }
        }
    }

    @Test("A provider name that resolves to IPv6 only (the daemon's own /etc/hosts): pair and unpair at https://provider.camera.test, its certificate's name verified")
    func ipv6Name() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.publicScheme = "https" }) { fake in
            try await Self.withFront(fake, names: ["provider.camera.test"]) { ca, front in
                let daemon = try DaemonFixture(fake: fake, provider: "BaseURL=https://provider.camera.test:\(front.port)\nClientID=ipv6-camera\nCAFile=\(ca.certificate)")
                try daemon.start(hosts: "::1 provider.camera.test\n")
                let code = try #require(await daemon.waitForUserCode(), "\(daemon.notify.assignments.suffix(2))")
                try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
                #expect(await daemon.notify.waitStatus("authorized: project Testbed", seconds: 20) != nil)
                #expect(try await daemon.ctl(["unpair"]).output.contains("revoked at the provider"))
                #expect(await daemon.stop().status == 0)
            }
        }
    }

    @Test("CAFile= is checked at start and by --check-config: missing, not PEM, every certificate expired: 78 naming the line")
    func badBundle() async throws {
        try await withFakeProvider(realTime: true) { fake in
            let directory = "/tmp/da-tls-\(UUID().uuidString.prefix(8))"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let ca = try await TestCA.make(in: directory)
            let expired = try await ca.server("expired", start: -7200, end: -3600)
            try "not a certificate\n".write(toFile: directory + "/junk.pem", atomically: true, encoding: .utf8)
            let cases = [(directory + "/missing.pem", "No such file or directory"),
                         (directory + "/junk.pem", "holds no PEM certificate"),
                         (expired.certificate, "every certificate in it has expired")]
            for (file, reason) in cases {
                let daemon = try DaemonFixture(fake: fake, provider: "BaseURL=https://localhost:1\nClientID=https-camera\nCAFile=\(file)")
                let checked = try await daemon.checkConfig()
                #expect(checked.status == 78 && checked.output.contains("\(daemon.configPath):4: CAFile=\(file)") && checked.output.contains(reason),
                        "\(checked.output)")
                try daemon.start()
                #expect(await daemon.waitForExit(seconds: 15) == 78)
            }
            // A good one: named, counted, its expiry said.
            let daemon = try DaemonFixture(fake: fake, provider: "BaseURL=https://localhost:1\nClientID=https-camera\nCAFile=\(ca.certificate)")
            let good = try await daemon.checkConfig()
            #expect(good.status == 0 && good.output.contains("CAFile=\(ca.certificate): 1 CA certificate trusted instead of the system's store"), "\(good.output)")
        }
    }
}
