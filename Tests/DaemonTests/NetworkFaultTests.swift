import FakeProvider
import Foundation
import Testing
import TestSupport

/// Every network fault a camera meets, named for a person in STATUS (and by kind in the
/// metrics' reason label), with the tokens kept and the retries paced by the backoff.
@Suite("deviceauthd: network faults named", .serialized)
struct NetworkFaultTests {
    @Test("While pairing: no DNS, nothing listening, an unknown CA, an expired and a not yet valid certificate, another name",
          arguments: ["dns", "refused", "untrusted", "expired", "not yet valid", "name"])
    func whilePairing(_ fault: String) async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.publicScheme = "https" }) { fake in
            let (start, end): (TimeInterval, TimeInterval) = switch fault {
            case "expired": (-7200, -3600)
            case "not yet valid": (3600, 7200)
            default: (-3600, 86_400)
            }
            try await HTTPSTests.withFront(fake, names: fault == "name" ? ["camera.example"] : ["localhost", "127.0.0.1", "::1"],
                                           start: start, end: end) { ca, front in
                let base = switch fault {
                case "dns": "https://provider.invalid:\(front.port)"
                case "refused": "https://localhost:\(try LoopbackServer.freePort())"
                default: "https://localhost:\(front.port)"
                }
                let trust = fault == "untrusted" ? "" : "\nCAFile=\(ca.certificate)"
                let daemon = try DaemonFixture(fake: fake, provider: "BaseURL=\(base)\nClientID=faulty-camera" + trust)
                // A synchronized clock: the certificate's dates are the certificate's fault.
                try daemon.start(timeSynchronized: true)
                let advice = switch fault {
                case "dns": "cannot resolve the provider's host name: check DNS on this network: "
                case "refused": "cannot connect to the provider: check the network connection and firewall: "
                case "untrusted": "the provider's certificate is not signed by a trusted CA: "
                case "expired", "not yet valid": "the provider's certificate is expired or not yet valid: "
                default: "the provider's certificate is for another name: "
                }
                let status = await daemon.notify.waitStatus("polling: requesting a pairing code (" + advice, seconds: 20)
                #expect(status != nil, "\(daemon.notify.assignments.suffix(3))")
                #expect(try await fake.stats().deviceCodes == 0)
                #expect(await daemon.stop().status == 0)
            }
        }
    }

    @Test("A clock not synchronized and a certificate not yet valid: STATUS says the clock is not set; once the certificate is valid (a second front, same port) the daemon pairs without a restart")
    func clockNotSet() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.autoApproveAfter = 1; $0.publicScheme = "https" }) { fake in
            let directory = "/tmp/da-tls-\(UUID().uuidString.prefix(8))"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let ca = try await TestCA.make(in: directory)
            let early = try await ca.server("early", start: 3600, end: 7200)
            let front = try await TLSFront(forwardingTo: fake.port, certificate: early.certificate, key: early.key, directory: directory)
            let daemon = try DaemonFixture(fake: fake, provider: "BaseURL=https://localhost:\(front.port)\nClientID=clockless-camera\nCAFile=\(ca.certificate)")
            try daemon.start(timeSynchronized: false)
            let status = await daemon.notify.waitStatus(
                "polling: requesting a pairing code (the clock is not set, so no certificate can be checked: waiting for time sync (NTP): this clock reads ", seconds: 20)
            #expect(status?.contains("and is not synchronized") == true, "\(daemon.notify.assignments.suffix(2))")
            #expect(try await fake.stats().deviceCodes == 0)
            // The provider's certificate becomes valid (as it would once the clock is right).
            await front.stop()
            let good = try await ca.server("good")
            let second = try await TLSFront(forwardingTo: fake.port, certificate: good.certificate, key: good.key, directory: directory, port: front.port)
            #expect(await daemon.notify.waitStatus("authorized: project Testbed", seconds: 30) != nil, "\(daemon.notify.assignments.suffix(3))")
            #expect(await daemon.stop().status == 0)
            await second.stop()
        }
    }

    @Test("A captive portal while authorized (a login page, a redirect to its host, 511): named in STATUS and the metrics, tokens kept, retries paced",
          arguments: [200, 302, 511])
    func portal(_ status: Int) async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Control]\nMetrics=yes\n")
            _ = try #require(try await daemon.pair())
            let token = try await daemon.ctl(["token"]).output
            try await fake.control("faults", #"{"endpoint": "token", "mode": "portal", "status": \#(status), "count": 1000}"#)
            #expect(try await daemon.ctl(["refresh"]).status != 0)
            let line = await daemon.notify.waitStatus("authorized: project Testbed, token valid until ", seconds: 10)
            let seen = await daemon.notify.wait(seconds: 10, for: { $0.contains("this network answers instead of the provider (a captive portal?): log in to the network") })
            #expect(seen != nil, "\(String(describing: line)) \(daemon.notify.assignments.suffix(3))")
            // 10 s of the portal: the backoff paces the retries. MaxRetrySec=2 here, and a
            // delay is jittered within its upper half, so each wait is at least 1 s: at most 11.
            let before = try await fake.stats().faultsInjected
            try await Task.sleep(for: .seconds(10))
            let during = try await fake.stats().faultsInjected - before
            #expect(during <= 11, "\(during) token requests in 10 s")
            // The tokens are kept and served all along.
            #expect(try await daemon.ctl(["token"]).output == token)
            let metrics = (try? String(contentsOfFile: daemon.runtimeDirectory + "/metrics.prom", encoding: .utf8)) ?? ""
            #expect(metrics.contains(#"deviceauthd_refresh_failures_total{reason="captive_portal"}"#), "\(metrics)")
            print("captive portal (\(status)): \(during) token requests in 10 s")
            #expect(await daemon.stop().status == 0)
        }
    }
}
