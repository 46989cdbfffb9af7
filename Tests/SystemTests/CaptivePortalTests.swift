// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import Testing
import TestSupport

/// A venue's network answering in the provider's place, for 30 s, while the device is
/// authorized. Not serialized: each case has its own fake and daemon, and they mostly wait,
/// so the three run side by side (30 s, not 90).
@Suite("deviceauthd behind a captive portal")
struct CaptivePortalTests {
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
            // (A window of the daemon's own time, which no test drives: kept short.)
            let before = try await fake.stats().faultsInjected
            try await Task.sleep(for: .seconds(10))
            let during = try await fake.stats().faultsInjected - before
            #expect(during <= 11, "\(during) token requests in 10 s")
            // The tokens are kept and served all along.
            #expect(try await daemon.ctl(["token"]).output == token)
            let metrics = (try? String(contentsOfFile: daemon.runtimeDirectory + "/metrics.prom", encoding: .utf8)) ?? ""
            #expect(metrics.contains(#"deviceauthd_refresh_failures_total{reason="captive_portal"}"#), "\(metrics)")

            print("captive portal (\(status)): \(during) token requests in 30 s")
            #expect(await daemon.stop().status == 0)
        }
    }
}
