// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import TestSupport
import Testing

/// A greedy uploader on the real daemon: callers looping `token` with more
/// validity than any token has, and the same while the provider rate-limits.
/// What reaches the provider is counted by the fake.
@Suite("Token demand does not reach the provider", .serialized)
struct TokenDemandTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/token-demand.py").path
    static let reader: UInt32 = 4501

    /// N callers for `seconds` as uid 4501 (a token reader); their report.
    static func demand(_ daemon: DaemonFixture, callers: Int, seconds: Double, minValid: Double) async throws -> [String: Any] {
        let script = daemon.directory + "/token-demand.py"
        if !FileManager.default.fileExists(atPath: script) { try FileManager.default.copyItem(atPath: Self.script, toPath: script) }
        try requireRoot("the callers as uid \(reader), through setpriv")
        let run = try await Subprocess.run("/usr/bin/setpriv", ["--reuid=\(reader)", "--regid=\(reader)", "--clear-groups",
            "/usr/bin/python3", script, daemon.socketPath, String(callers), String(seconds), String(minValid)], seconds: seconds + 90)
        #expect(run.status == 0, "\(run.output)")
        let line = run.output.split(separator: "\n").last.map(String.init) ?? "{}"
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("Callers looping token --min-valid beyond any lifetime for 10 s: served, no refresh; devices/me not asked again",
          arguments: [1, 8])
    func beyondAnyLifetime(callers: Int) async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.accessTokenLifetime = 1800 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Control]\nTokenReaders=\(Self.reader)\n")
            _ = try #require(try await daemon.pair())
            let before = try await fake.stats()
            let report = try await Self.demand(daemon, callers: callers, seconds: 10, minValid: 99_999_999)
            let after = try await fake.stats()
            let refreshes = after.refreshes - before.refreshes
            print("token demand: \(callers) caller(s), 10 s, min_valid 99999999: \(report["calls"] ?? 0) calls, \(refreshes) refreshes, \(after.devicesMe - before.devicesMe) devices/me at the provider")
            #expect((report["calls"] as? Int ?? 0) > 100)
            #expect(report["ok"] as? Int == report["calls"] as? Int, "every call is served: \(report)")
            // The reply says how long the token is valid: far less than asked, and honestly.
            #expect((report["min_expires_in"] as? Int ?? 0) > 1700 && (report["min_expires_in"] as? Int ?? 0) <= 1800)
            #expect(refreshes <= 3, "\(refreshes) refreshes in 10 s")
            #expect(refreshes == 0)
            #expect(after.devicesMe == before.devicesMe)
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }

    @Test("While the token endpoint answers 429 with Retry-After: 600, the same loop sends at most 2 requests in 10 s; tokens kept")
    func rateLimited() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.accessTokenLifetime = 1800 }) { fake in
            // MaxRetrySec= large enough for the provider's Retry-After to be honoured whole.
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Refresh]\nMaxRetrySec=900\n[Control]\nTokenReaders=\(Self.reader)\n")
            _ = try #require(try await daemon.pair())
            try await fake.control("faults", #"{"endpoint": "token", "mode": "status", "status": 429, "retry_after": 600, "count": 10000}"#)
            // The provider stops honouring the access token: the next heartbeat (1 s) gets 401 and
            // the daemon refreshes, into the 429.
            try await fake.control("expire-access")
            #expect(await daemon.notify.waitStatus("refreshing: ", seconds: 10) != nil)
            let backingOff = try await daemon.waitForStats(seconds: 10) { $0.faultsInjected >= 1 }
            #expect(backingOff.faultsInjected == 1)
            let before = try await fake.stats()
            let report = try await Self.demand(daemon, callers: 8, seconds: 10, minValid: 99_999_999)
            let sooner = try await Self.demand(daemon, callers: 8, seconds: 2, minValid: 1000)
            let after = try await fake.stats()
            let requests = after.faultsInjected - before.faultsInjected + after.refreshes - before.refreshes
            print("token demand under 429 Retry-After: 600: 8 callers, 12 s: \(report["calls"] ?? 0) + \(sooner["calls"] ?? 0) calls, \(requests) token-endpoint requests")
            #expect(requests <= 2, "\(requests) token-endpoint requests in 12 s")
            #expect(report["ok"] as? Int == report["calls"] as? Int, "the held token is served while backing off: \(report)")
            #expect(daemon.notify.assignments.last { $0.hasPrefix("STATUS=") }?.contains("rate limited (HTTP 429), asked to wait 600 s, retrying in 600 s") == true)
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }
}
