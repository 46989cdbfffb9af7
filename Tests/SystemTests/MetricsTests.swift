// SPDX-License-Identifier: Apache-2.0
import ControlProtocol
import DeviceAuth
@testable import deviceauthd
import FakeProvider
import Foundation
import Logging
import TestSupport
import Testing

/// Metrics=yes: the Prometheus textfile a fleet scrapes through node_exporter,
/// written on every change and valid for promtool.
@Suite("Metrics file")
struct MetricsTests {
    static let promtool: String? = {
        let repository = URL(fileURLWithPath: Subprocess.packageDirectory)
        let candidates = [repository.appendingPathComponent(".build-tools/bin/promtool").path, "/usr/bin/promtool"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    func metrics(_ daemon: DaemonFixture) -> [String: String] {
        let text = (try? String(contentsOfFile: daemon.runtimeDirectory + "/metrics.prom", encoding: .utf8)) ?? ""
        var samples: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        return samples
    }

    /// Waits (bounded) until the file shows `name` with `value`.
    func waitFor(_ daemon: DaemonFixture, _ name: String, _ value: String) async -> Bool {
        for _ in 0..<250 {
            if metrics(daemon)[name] == value { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    @Test("State, expiry, refreshes, failures and losses by reason, pairings, build info; promtool finds nothing wrong")
    func fleetMetrics() async throws {
        let promtool = try #require(Self.promtool, "promtool is missing: Scripts/setup fetches it")
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Control]\nMetrics=yes\n")
            _ = try #require(try await daemon.pair())
            #expect(await waitFor(daemon, "deviceauthd_state{state=\"authorized\"}", "1"))
            #expect(metrics(daemon)["deviceauthd_pairings_total"] == "1")
            #expect(metrics(daemon)["deviceauthd_build_info{version=\"0.9.0\"}"] == "1")
            let expiry = Double(metrics(daemon)["deviceauthd_access_token_expiry_timestamp_seconds"] ?? "") ?? 0
            #expect(abs(expiry - Date().timeIntervalSince1970 - 28_800) < 120, "expiry \(expiry)")
            #expect(metrics(daemon)["deviceauthd_last_refresh_timestamp_seconds"] == nil)

            #expect(try await daemon.call(ControlRequest(RefreshMethod.self)).ok)
            #expect(await waitFor(daemon, "deviceauthd_refreshes_total", "1"))
            #expect(metrics(daemon)["deviceauthd_last_refresh_timestamp_seconds"] != nil)

            try await fake.control("faults", #"{"endpoint": "token", "mode": "status", "status": 503}"#)
            #expect(try await daemon.call(ControlRequest(RefreshMethod.self)).error?.code == "refresh_failed")
            #expect(await waitFor(daemon, "deviceauthd_refresh_failures_total{reason=\"server_error\"}", "1"))

            try await fake.control("revoke-all")
            _ = try await daemon.call(ControlRequest(RefreshMethod.self))
            #expect(await waitFor(daemon, "deviceauthd_authorizations_lost_total{reason=\"not_authorized\"}", "1"))
            #expect(metrics(daemon)["deviceauthd_refresh_failures_total{reason=\"not_authorized\"}"] == "1")
            #expect(metrics(daemon)["deviceauthd_access_token_expiry_timestamp_seconds"] == nil)
            #expect(metrics(daemon)["deviceauthd_state{state=\"authorized\"}"] == "0")

            let check = try await Subprocess.run("/bin/sh", ["-c", "'\(promtool)' check metrics < '\(daemon.runtimeDirectory)/metrics.prom'"])
            #expect(check.status == 0, "promtool: \(check.output)")
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }

    @Test("The file is written only when a sample changes: a step calls both hooks, a new status line changes none")
    func writesOnlyChanges() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/metrics.prom"
        let file = MetricsFile(directory: directory, logger: Logger(label: "metrics-test"))
        file.pairingStateChanged(.unpaired(.neverPaired), status: "unpaired")
        #expect(FileManager.default.fileExists(atPath: path))
        // Removed behind its back, it is not written again while nothing changes.
        try FileManager.default.removeItem(atPath: path)
        file.pairingStateChanged(.unpaired(.neverPaired), status: "unpaired: another line")
        #expect(!FileManager.default.fileExists(atPath: path), "rewritten for a status line")
        var counts = PairingMetrics()
        counts.pairings = 1
        file.metricsChanged(counts, state: .unpaired(.neverPaired))
        #expect(FileManager.default.fileExists(atPath: path), "a changed count was not written")
        try FileManager.default.removeItem(atPath: path)
        file.pairingStateChanged(.unpaired(.neverPaired), status: "unpaired")
        #expect(!FileManager.default.fileExists(atPath: path), "written twice for one step")
    }
}
