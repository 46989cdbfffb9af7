// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import TestSupport
import Testing

/// A local flood cannot get the daemon killed: 30 s of connections from an
/// unprivileged uid as fast as it can make them, with the daemon's soft limit
/// at the units' 512 descriptors (LimitNOFILE=) and systemd's watchdog at 3 s. Its figures
/// (reads' latency, memory) are Scripts/bench's; this keeps what load cannot break.
@Suite("Control socket under a connection flood", .serialized)
struct ControlFloodTests {
    static let flood = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/connection-flood.py").path

    static func descriptors(pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    @Test("30 s of connections from uid 4430: no watchdog gap of 3 s, descriptors bounded and given back, the reader never refused",
          .timeLimit(.minutes(2)), .needsRoot("setpriv to other uids"))
    func connectionFlood() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Control]\nTokenReaders=4431\n")
            try daemon.start(watchdogMicroseconds: 3_000_000, descriptorLimit: 512)
            _ = try #require(try await daemon.approvePairing())
            let pid = try #require(daemon.pid)
            #expect(try await daemon.ctl(["token"], uid: 4431).status == 0)
            let idleDescriptors = Self.descriptors(pid: pid)

            let script = daemon.directory + "/connection-flood.py"
            try FileManager.default.copyItem(atPath: Self.flood, toPath: script)
            chmod(script, 0o755)
            var flooders: [(Subprocess, String)] = []
            for (index, hold) in [900, 40].enumerated() {
                let result = daemon.directory + "/flood-\(index).json"
                _ = FileManager.default.createFile(atPath: result, contents: nil)
                chmod(result, 0o666)
                flooders.append((try Subprocess("/usr/bin/setpriv", ["--reuid=4430", "--regid=4430", "--clear-groups",
                    "/usr/bin/python3", script, daemon.socketPath, "30", "\(hold)", result]), result))
            }
            let floodStart = ContinuousClock.now
            var readerFailures = 0, reads = 0, mostDescriptors = 0
            // Bounded: 30 s of flood, one token read (or its 15 s timeout) and a sample per round,
            // paced so that the reader is a program asking now and then, not a second flood.
            // How long the reads take is Scripts/bench's figure ("token call during the flood").
            while ContinuousClock.now - floodStart < .seconds(30) {
                let reader = try await daemon.ctl(["token"], uid: 4431, seconds: 15)
                reads += 1
                if reader.status != 0 || !reader.output.hasPrefix("FAKEAT_") { readerFailures += 1 }
                mostDescriptors = max(mostDescriptors, Self.descriptors(pid: pid))
                try await Task.sleep(for: .milliseconds(500))
            }
            var connections = 0
            for (flooder, result) in flooders {
                let report = await flooder.waitForFile(result, seconds: 20)
                if let data = report?.data(using: .utf8), let counts = try? JSONSerialization.jsonObject(with: data) as? [String: Int] {
                    connections += counts["connected"] ?? 0
                }
                _ = await flooder.waitForExit(seconds: 10)
            }
            let floodEnd = ContinuousClock.now
            // The flooders are gone: their connections are closed and given back (awaited, bounded).
            let givenBack = ContinuousClock.now + .seconds(20)
            while Self.descriptors(pid: pid) > idleDescriptors + 2 && ContinuousClock.now < givenBack { try await Task.sleep(for: .milliseconds(50)) }
            // Still pinging after the flood: the next ping (every 1.5 s with a 3 s watchdog), awaited.
            func pings() -> [ContinuousClock.Instant] {
                daemon.notify.timedMessages.filter { $0.message == "WATCHDOG=1" && $0.at >= floodStart - .seconds(2) }.map(\.at)
            }
            let nextPing = ContinuousClock.now + .seconds(10)
            while pings().last.map({ $0 <= floodEnd }) ?? true, ContinuousClock.now < nextPing { try await Task.sleep(for: .milliseconds(50)) }
            let pings = pings()
            let widestGap = zip(pings, pings.dropFirst()).map { $1 - $0 }.max() ?? .seconds(999)
            #expect(connections > 1000, "the flood flooded")
            // What systemd would act on: a gap of WATCHDOG_USEC kills the daemon.
            #expect(widestGap < .seconds(3), "widest watchdog gap \(widestGap)")
            #expect(pings.last.map { $0 > floodEnd } == true, "still pinging after the flood")
            #expect(mostDescriptors < 512 - 64, "headroom kept under the limit: \(mostDescriptors)")
            #expect(readerFailures == 0, "\(readerFailures) of \(reads) reads failed")
            #expect(Self.descriptors(pid: pid) <= idleDescriptors + 2)
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }
}
