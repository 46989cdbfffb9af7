// SPDX-License-Identifier: Apache-2.0
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
                let daemon = try DaemonFixture(fake: fake, extraConfig: "[Control]\nMetrics=yes\n", provider: "BaseURL=\(base)\nClientID=faulty-camera" + trust)
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
                let label = ["dns": "dns", "refused": "connection", "untrusted": "tls_untrusted", "expired": "tls_dates",
                             "not yet valid": "tls_dates", "name": "tls_name"][fault]!
                #expect(await Self.metricsShow(daemon, "deviceauthd_pairing_failures_total{reason=\"\(label)\"} "))
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
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Control]\nMetrics=yes\n",
                                           provider: "BaseURL=https://localhost:\(front.port)\nClientID=clockless-camera\nCAFile=\(ca.certificate)")
            try daemon.start(timeSynchronized: false)
            let status = await daemon.notify.waitStatus(
                "polling: requesting a pairing code (the clock is not set, so no certificate can be checked: waiting for time sync (NTP): this clock reads ", seconds: 20)
            #expect(status?.contains("and is not synchronized") == true, "\(daemon.notify.assignments.suffix(2))")
            #expect(try await fake.stats().deviceCodes == 0)
            // The provider's certificate becomes valid (as it would once the clock is right).
            await front.stop()
            let good = try await ca.server("good")
            let second = try await TLSFront(forwardingTo: fake.port, certificate: good.certificate, key: good.key, directory: directory, port: front.port)
            #expect(await Self.metricsShow(daemon, #"deviceauthd_pairing_failures_total{reason="clock_not_set"} "#))
            #expect(await daemon.notify.waitStatus("authorized: project Testbed", seconds: 30) != nil, "\(daemon.notify.assignments.suffix(3))")
            #expect(await daemon.stop().status == 0)
            await second.stop()
        }
    }

    /// Waits (bounded: 5 s) until the metrics file holds `sample`; says what it held if not.
    static func metricsShow(_ daemon: DaemonFixture, _ sample: String) async -> Bool {
        var text = ""
        for _ in 0..<250 {
            text = (try? String(contentsOfFile: daemon.runtimeDirectory + "/metrics.prom", encoding: .utf8)) ?? ""
            if text.contains(sample) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the metrics never showed \(sample):\n\(text)")
        return false
    }
}
