// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import Testing
import TestSupport

/// `[Network] Proxy=` through a real proxy (tinyproxy) before the HTTPS front: every
/// request tunnels with CONNECT; a proxy that is down, refuses or cannot reach the
/// provider is named as the proxy's fault; the environment's proxy is ignored.
@Suite("deviceauthd through an HTTP proxy", .serialized)
struct ProxyTests {
    @Test("Pairing, a refresh and unpair go through the proxy, with Basic credentials from ProxyCredentialsFile=; the proxy sees only CONNECT")
    func throughProxy() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.publicScheme = "https" }) { fake in
            try await HTTPSTests.withFront(fake) { ca, front in
                let proxy = try await TestProxy(directory: ca.directory, credentials: "camera s3cret-proxy-pass")
                let daemon = try DaemonFixture(
                    fake: fake, extraConfig: "[Network]\nProxy=\(proxy.url)\nProxyCredentialsFile=\(Self.credentials(ca.directory))\n",
                    provider: "BaseURL=https://localhost:\(front.port)\nClientID=proxied-camera\nCAFile=\(ca.certificate)")
                _ = try #require(try await daemon.pair(), "\(daemon.notify.assignments)")
                #expect(try await daemon.ctl(["refresh"]).status == 0)
                #expect(try await daemon.waitForStats(seconds: 10) { $0.refreshes >= 1 }.refreshes == 1)
                // The doctor goes the same way: the proxy's name and port, its tunnel, TLS and a request through it.
                let (doctorStatus, doctor) = try await DoctorTests.doctor(daemon, "through a working proxy")
                #expect(doctorStatus == 0)
                #expect(DoctorTests.lines(doctor, "tcp").first?.contains("127.0.0.1:\(proxy.port): connected to 127.0.0.1:\(proxy.port) (the proxy)") == true)
                #expect(DoctorTests.lines(doctor, "proxy").first?.contains("\(proxy.url) opened a tunnel (CONNECT) to localhost:\(front.port)") == true)
                for name in ["tls", "http"] { #expect(DoctorTests.verdict(doctor, name) == "ok", "\(name): \(doctor)") }
                #expect(!doctor.contains("s3cret-proxy-pass"))
                #expect(try await daemon.ctl(["unpair"]).output.contains("revoked at the provider"))
                let connects = proxy.connects
                #expect(connects.count >= 4 && connects.allSatisfy { $0 == "CONNECT localhost:\(front.port)" }, "\(connects)")
                #expect(await daemon.stop().status == 0)
                #expect(!daemon.output.contains("s3cret-proxy-pass") && daemon.leakedSecrets.isEmpty)
                await proxy.stop()
            }
        }
    }

    /// "camera:s3cret-proxy-pass", mode 0600, in `directory`.
    static func credentials(_ directory: String) -> String {
        let path = directory + "/proxy-credentials"
        try? "camera:s3cret-proxy-pass\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        return path
    }

    @Test("The proxy's faults are named as the proxy's: down, credentials refused (407), provider not allowed (403), provider unreachable (500)",
          arguments: ["down", "407", "403", "500"])
    func proxyFaults(_ fault: String) async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.publicScheme = "https" }) { fake in
            try await HTTPSTests.withFront(fake) { ca, front in
                let proxy = try await TestProxy(directory: ca.directory, credentials: fault == "407" ? "camera other-pass" : nil,
                                                connectPorts: fault == "403" ? [9] : [])
                let proxyURL = fault == "down" ? "http://127.0.0.1:\(try LoopbackServer.freePort())" : proxy.url
                // 500: the proxy cannot connect to a port where nothing listens.
                let port = fault == "500" ? try LoopbackServer.freePort() : front.port
                let daemon = try DaemonFixture(
                    fake: fake, extraConfig: "[Network]\nProxy=\(proxyURL)\n[Control]\nMetrics=yes\n",
                    provider: "BaseURL=https://localhost:\(port)\nClientID=proxied-camera\nCAFile=\(ca.certificate)")
                try daemon.start()
                let expected = ["down": "the proxy \(proxyURL) is not answering",
                                "407": "the proxy \(proxyURL) wants credentials, or refused them (407): check ProxyCredentialsFile=",
                                "403": "the proxy \(proxyURL) refused to connect to the provider (403)",
                                "500": "the proxy \(proxyURL) could not reach the provider (500)"][fault]!
                let status = await daemon.notify.waitStatus("polling: requesting a pairing code (" + expected, seconds: 20)
                #expect(status != nil, "\(daemon.notify.assignments)")
                #expect(try await fake.stats().deviceCodes == 0)
                #expect(await NetworkFaultTests.metricsShow(daemon, #"deviceauthd_pairing_failures_total{reason="proxy"} "#))
                #expect(await daemon.stop().status == 0)
                await proxy.stop()
            }
        }
    }

    @Test("http_proxy, https_proxy and all_proxy in the daemon's environment are ignored: without Proxy= it goes direct")
    func environmentIgnored() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            let nowhere = "http://127.0.0.1:\(try LoopbackServer.freePort())"
            try daemon.start(environment: ["http_proxy": nowhere, "https_proxy": nowhere, "all_proxy": nowhere, "HTTPS_PROXY": nowhere, "no_proxy": ""])
            guard let code = await daemon.waitForUserCode() else { Issue.record("no code: \(daemon.notify.assignments)"); return }
            try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
            #expect(await daemon.notify.waitStatus("authorized: project Testbed", seconds: 20) != nil)
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("Proxy= with credentials in it, or not http://HOST:PORT, exits 78 naming the line (and not repeating credentials)",
          arguments: ["http://user:pass@127.0.0.1:3128", "https://127.0.0.1:3128", "http://127.0.0.1", "socks5://127.0.0.1:1080",
                      "http://127.0.0.1:3128/path", "http://127.0.0.1:99999", "http://:3128"])
    func badProxy(_ value: String) async throws {
        try await withFakeProvider(realTime: true) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Network]\nProxy=\(value)\n")
            let checked = try await daemon.checkConfig()
            #expect(checked.status == 78 && checked.output.contains("Proxy= must be http://HOST:PORT"), "\(checked.output)")
            #expect(!checked.output.contains("pass@"))
        }
    }

    @Test("A proxy credentials file readable by others, or not user:password, exits 78 without showing what it holds")
    func badCredentials() async throws {
        try await withFakeProvider(realTime: true) { fake in
            let directory = "/tmp/da-proxy-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let path = Self.credentials(directory)
            for (mode, text, reason) in [(0o644, "camera:s3cret-proxy-pass", "is readable by group or others"), (0o600, "s3cret-proxy-pass", "must hold one line user:password")] {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                chmod(path, mode_t(mode))
                let daemon = try DaemonFixture(fake: fake, extraConfig: "[Network]\nProxy=http://127.0.0.1:3128\nProxyCredentialsFile=\(path)\n")
                let checked = try await daemon.checkConfig()
                let line = try String(contentsOfFile: daemon.configPath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                    .firstIndex { $0.hasPrefix("ProxyCredentialsFile=") }.map { $0 + 1 } ?? 0
                #expect(checked.status == 78 && checked.output.contains("\(daemon.configPath):\(line): ProxyCredentialsFile=\(path): \(reason)"), "\(checked.output)")
                #expect(!checked.output.contains("s3cret"))
            }
        }
    }
}
