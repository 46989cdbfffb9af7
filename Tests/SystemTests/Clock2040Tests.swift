// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import TestSupport

/// The real daemon with its wall clock at 2040 (past a 32-bit time_t), the wall clock
/// alone moved by a preloaded library (Scripts/wall-clock-shift.c), on either executor: over HTTPS with a CA and a certificate valid until 2050, it
/// pairs, refreshes and shows 2040's times in STATUS, `status` and `doctor`.
@Suite("deviceauthd at 2040", .serialized)
struct Clock2040Tests {
    /// Seconds from now until 2050-06-01 (where the certificates end).
    static var until2050: TimeInterval { Date(timeIntervalSince1970: 2_537_740_800).timeIntervalSinceNow }

    @Test("Paired, refreshed and reported at 2040, verifying a provider certificate valid until 2050",
          .enabled(if: DaemonFixture.cCompiler != nil, "needs a C compiler for its preloaded library (cc or the toolchain's clang)"))
    func at2040() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1; $0.publicScheme = "https" }) { fake in
            let directory = "/tmp/da-2040-\(UUID().uuidString.prefix(8))"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let ca = try await TestCA.make(in: directory, days: 9000)
            let server = try await ca.server("server", start: -3600, end: Self.until2050)
            let front = try await TLSFront(forwardingTo: fake.port, certificate: server.certificate, key: server.key, directory: directory)
            let daemon = try DaemonFixture(fake: fake, provider: "BaseURL=https://localhost:\(front.port)\nClientID=camera-2040\nCAFile=\(ca.certificate)")
            try await daemon.start(wallClock: Date(timeIntervalSince1970: 2_208_988_800))  // 2040-01-01 00:00:00 UTC
            let code = try #require(await daemon.waitForUserCode(), "\(daemon.output.suffix(2000))")
            #expect(await daemon.notify.waitStatus(DaemonFixture.pollingStatus, seconds: 5) != nil)
            try await fake.control("approve", #"{"user_code": "\#(code)"}"#)
            let authorized = try #require(await daemon.notify.waitStatus("authorized: project Testbed, token valid until ", seconds: 20))
            #expect(try await daemon.ctl(["refresh"]).status == 0)
            #expect(try await daemon.waitForStats(seconds: 10) { $0.refreshes >= 1 }.refreshes == 1)

            let status = try await daemon.ctl(["status"])
            // deviceauthctl runs at the true time: the daemon's own words carry 2040's times.
            #expect(status.output.contains("State:   authorized") && status.output.contains("Status:  authorized: project Testbed, token valid until 08:0"), "\(status.output)")
            let doctor = try await daemon.ctl(["doctor"])
            #expect(doctor.output.contains("reads 2040-01-01 ") && doctor.output.contains("valid for 7 h more, until 2040-01-01 08:0"), "\(doctor.output)")
            #expect(doctor.output.contains("valid until") && !doctor.output.contains("FAIL  tls"), "\(doctor.output)")
            print("at 2040:\n  \(authorized)\n" + status.output.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
                  + "\n" + doctor.output.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            #expect(await daemon.stop().status == 0)
            #expect(daemon.output.contains("paired (access ") && daemon.output.contains("valid until"))
            #expect(daemon.leakedSecrets.isEmpty)
            await front.stop()
        }
    }
}
