// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import Testing
import TestSupport

/// `deviceauthctl doctor` against the real daemon over real TLS: healthy, and broken the
/// three ways a camera meets most (no DNS, a CA it does not trust, a proxy that is down).
/// Each case prints the doctor's text: it is what support reads on the phone.
@Suite("deviceauthctl doctor", .serialized)
struct DoctorTests {
    /// The checks' lines (`ok    dns            localhost: …`), by name.
    static func lines(_ output: String, _ name: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { $0.dropFirst(6).hasPrefix(name + " ") }
    }

    static func verdict(_ output: String, _ name: String) -> String? {
        lines(output, name).first.map { String($0.prefix(4)).trimmingCharacters(in: .whitespaces) }
    }

    static func doctor(_ daemon: DaemonFixture, _ label: String) async throws -> (status: Int32?, output: String) {
        #expect(await daemon.notify.wait(seconds: 20) { $0.contains("READY=1") } != nil)
        let result = try await daemon.ctl(["doctor"], seconds: 60)
        print("--- deviceauthctl doctor: \(label) (exit \(result.status.map(String.init) ?? "?"))\n\(result.output)")
        #expect(!result.output.contains(daemon.fake.secret) && DaemonFixture.secretMarkers.allSatisfy { !result.output.contains($0) })
        return result
    }

    @Test("A healthy daemon paired over HTTPS: every link ok, the chain's subject, issuer and expiry shown, the token's time left; --json holds the same; nothing secret")
    func healthy() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.publicScheme = "https" }) { fake in
            try await HTTPSTests.withFront(fake) { ca, front in
                let daemon = try DaemonFixture(fake: fake, provider: "BaseURL=https://localhost:\(front.port)\nClientID=doctor-camera\nCAFile=\(ca.certificate)")
                try daemon.start(timeSynchronized: true)
                #expect(try await daemon.approvePairing() != nil)

                let (status, output) = try await Self.doctor(daemon, "healthy")
                #expect(status == 0)
                for name in ["config", "secret", "token_key", "store", "identity", "clock", "dns", "tcp", "tls", "http", "control_socket", "qr_files", "token"] {
                    #expect(Self.verdict(output, name) == "ok", "\(name): \(Self.lines(output, name))")
                }
                #expect(Self.lines(output, "proxy").isEmpty)
                #expect(Self.lines(output, "forwarder_socket").isEmpty, "no forwarder, no check of its socket")
                #expect(Self.lines(output, "dns").first?.contains("localhost: resolves to") == true)
                let tls = Self.lines(output, "tls").joined()
                #expect(tls.contains("verified against CAFile=\(ca.certificate)") && tls.contains("CN = localhost, issued by CN = deviceauthd test CA, valid until"), "\(tls)")
                #expect(Self.lines(output, "http").first?.contains("HEAD answered") == true)
                #expect(Self.lines(output, "token").first?.contains("project Testbed; the access token is valid for") == true)
                #expect(Self.lines(output, "store").first?.contains("integrity ok") == true)
                #expect(output.contains("checks: ") && output.contains(" 0 failed"))

                let json = try await daemon.ctl(["doctor", "--json"], seconds: 60)
                #expect(json.status == 0)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
                let checks = try #require(object["checks"] as? [[String: Any]])
                #expect(checks.count == output.split(separator: "\n").filter { !$0.hasPrefix(" ") }.count - 1)
                #expect(checks.allSatisfy { ["ok", "warning"].contains($0["verdict"] as? String) && $0["milliseconds"] is Int })
                #expect(!json.output.contains(fake.secret) && DaemonFixture.secretMarkers.allSatisfy { !json.output.contains($0) })

                // The file changed on disk: a key a reload applies is no news; one only a restart
                // applies is named (as the reloader would name it).
                try FileManager.default.createDirectory(atPath: daemon.configPath + ".d", withIntermediateDirectories: true)
                try "[Pairing]\nAutoPair=no\n".write(toFile: daemon.configPath + ".d/50-applied.conf", atomically: true, encoding: .utf8)
                #expect(Self.verdict(try await Self.doctor(daemon, "an applied key changed").output, "config") == "ok")
                try "[Control]\nIdleTimeoutSec=30\n".write(toFile: daemon.configPath + ".d/60-restart.conf", atomically: true, encoding: .utf8)
                let changed = try await Self.doctor(daemon, "a restart-only key changed").output
                #expect(Self.verdict(changed, "config") == "WARN", "\(changed)")
                #expect(Self.lines(changed, "config").first?.contains("changed on disk, applied only by a restart: [Control] IdleTimeoutSec=") == true, "\(changed)")

                // Administrators only: it reads the daemon's files and settings.
                let observer = try await daemon.ctl(["doctor"], uid: 65534)
                #expect(observer.status == 77, "\(observer.output)")
                #expect(await daemon.stop().status == 0)
                #expect(daemon.leakedSecrets.isEmpty)
            }
        }
    }

    @Test("The daemon as an unprivileged user (nobody): the checks run as that user, so what it cannot read or reach is what they find; here all of it is in order")
    func unprivileged() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.publicScheme = "https" }) { fake in
            try await HTTPSTests.withFront(fake) { ca, front in
                let daemon = try DaemonFixture(fake: fake, provider: "BaseURL=https://localhost:\(front.port)\nClientID=doctor-camera\nCAFile=\(ca.certificate)")
                try daemon.start(user: 65534)
                #expect(try await daemon.approvePairing() != nil)
                let (status, output) = try await Self.doctor(daemon, "unprivileged daemon")
                #expect(status == 0)
                #expect(Self.lines(output, "secret").first?.contains("owner nobody") == true)
                #expect(Self.lines(output, "control_socket").first?.contains("owner nobody") == true)
                for name in ["config", "secret", "token_key", "store", "dns", "tcp", "tls", "http", "control_socket", "token"] {
                    #expect(Self.verdict(output, name) == "ok", "\(name): \(Self.lines(output, name))")
                }
                // Another user is an observer: refused.
                #expect(try await daemon.ctl(["doctor"], uid: 65533).status == 77)
                #expect(await daemon.stop().status == 0)
            }
        }
    }

    @Test("No DNS: the provider's name does not resolve in the daemon's sandbox; the links after it are not tried; exit 1")
    func noDNS() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.publicScheme = "https" }) { fake in
            try await HTTPSTests.withFront(fake, names: ["provider.camera.test"]) { ca, front in
                let daemon = try DaemonFixture(fake: fake, provider: "BaseURL=https://provider.camera.test:\(front.port)\nClientID=doctor-camera\nCAFile=\(ca.certificate)")
                // Its own /etc/hosts without the name, and a resolver nobody answers at.
                try daemon.start(timeSynchronized: true, hosts: "127.0.0.1 localhost\n", resolver: "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
                let (status, output) = try await Self.doctor(daemon, "no DNS")
                #expect(status == 1)
                let dns = Self.lines(output, "dns").joined()
                #expect(Self.verdict(output, "dns") == "FAIL" && dns.contains("provider.camera.test: does not resolve"), "\(dns)")
                #expect(output.contains("-> check the network's DNS server"))
                for name in ["tcp", "tls", "http"] { #expect(Self.verdict(output, name) == "skip", "\(name)") }
                for name in ["config", "secret", "token_key", "store", "clock", "control_socket"] { #expect(Self.verdict(output, name) == "ok", "\(name)") }
                #expect(Self.verdict(output, "token") == "WARN")
                #expect(await daemon.stop().status == 0)
            }
        }
    }

    @Test("A CA the daemon does not trust (no CAFile=, the system's store): TLS fails as untrusted, and the chain presented is named")
    func untrustedCA() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.publicScheme = "https" }) { fake in
            try await HTTPSTests.withFront(fake) { _, front in
                let daemon = try DaemonFixture(fake: fake, provider: "BaseURL=https://localhost:\(front.port)\nClientID=doctor-camera")
                try daemon.start(timeSynchronized: true)
                let (status, output) = try await Self.doctor(daemon, "untrusted CA")
                #expect(status == 1)
                #expect(Self.verdict(output, "dns") == "ok" && Self.verdict(output, "tcp") == "ok")
                let tls = Self.lines(output, "tls").joined()
                #expect(Self.verdict(output, "tls") == "FAIL" && tls.contains("tls_untrusted: "), "\(tls)")
                #expect(tls.contains("presented: chain CN = localhost, issued by CN = deviceauthd test CA"), "\(tls)")
                #expect(output.contains("CAFile= is missing the provider's CA (trusted now: the system's trust store)"))
                #expect(Self.verdict(output, "http") == "skip")
                #expect(await daemon.stop().status == 0)
            }
        }
    }

    @Test("A proxy that is down: the connection to the proxy fails, named as the proxy's; nothing after it is tried")
    func proxyDown() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.publicScheme = "https" }) { fake in
            try await HTTPSTests.withFront(fake) { ca, front in
                let port = try LoopbackServer.freePort()
                let daemon = try DaemonFixture(fake: fake, extraConfig: "[Network]\nProxy=http://127.0.0.1:\(port)\n",
                                               provider: "BaseURL=https://localhost:\(front.port)\nClientID=doctor-camera\nCAFile=\(ca.certificate)")
                try daemon.start(timeSynchronized: true)
                let (status, output) = try await Self.doctor(daemon, "proxy down")
                #expect(status == 1)
                #expect(Self.lines(output, "dns").first?.contains("127.0.0.1: an address: nothing to resolve (the proxy's; the proxy resolves the provider's name)") == true)
                let tcp = Self.lines(output, "tcp").joined()
                #expect(Self.verdict(output, "tcp") == "FAIL" && tcp.contains("127.0.0.1:\(port): the proxy: "), "\(tcp)")
                #expect(output.contains("-> check that the proxy runs and Proxy= names its port"))
                for name in ["proxy", "tls", "http"] { #expect(Self.verdict(output, name) == "skip", "\(name)") }
                #expect(await daemon.stop().status == 0)
            }
        }
    }

    @Test("A server that takes the connection and never answers the TLS handshake: the check ends at its own timeout, the doctor answers well inside its 30 s")
    func silentServer() async throws {
        // The kernel completes the TCP handshake for a listening socket; nobody ever reads the ClientHello.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, provider: "BaseURL=https://127.0.0.1:\(port)\nClientID=doctor-camera")
            try daemon.start(timeSynchronized: true)
            let started = ContinuousClock.now
            let (status, output) = try await Self.doctor(daemon, "silent server")
            let took = ContinuousClock.now - started
            print("doctor against a silent server answered in \(took)")
            #expect(status == 1)
            #expect(Self.verdict(output, "tcp") == "ok")
            let tls = Self.lines(output, "tls").joined()
            #expect(Self.verdict(output, "tls") == "FAIL" && tls.contains("no answer to the TLS handshake in 8 s"), "\(tls)")
            #expect(Self.verdict(output, "http") == "skip")
            #expect(await daemon.stop().status == 0)
        }
    }
}
