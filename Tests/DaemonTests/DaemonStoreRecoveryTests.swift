// SPDX-License-Identifier: Apache-2.0
import FakeProvider
import Foundation
import TestSupport
import Testing

/// What cannot be read is kept, not deleted: the real daemon with its token key
/// removed while paired, and with a store written by a newer deviceauthd.
@Suite("deviceauthd keeps what it cannot read", .serialized)
struct DaemonStoreRecoveryTests {
    /// Waits (bounded) for the READY=1 of the daemon's second start.
    static func readyAgain(_ daemon: DaemonFixture) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        func count() -> Int { daemon.notify.assignments.filter { $0 == "READY=1" }.count }
        while count() < 2 && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return count() >= 2
    }

    @Test("The token key removed while paired: the store is set aside and named (one message, counted), never wiped; the device pairs anew")
    func keyRemoved() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake, extraConfig: "[Control]\nMetrics=yes\n")
            _ = try #require(try await daemon.pair())
            #expect(await daemon.stop().status == 0)
            let state = daemon.stateDirectory
            try FileManager.default.removeItem(atPath: state + "/token.key")

            let seen = daemon.notify.assignments.count
            try daemon.start()
            // Not a silent "new key": one error naming the missing key and where the store went.
            #expect(await Self.readyAgain(daemon))
            let aside = try #require(try FileManager.default.contentsOfDirectory(atPath: state).first { $0.hasPrefix("tokens.sqlite3.unreadable-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") })
            let lines = daemon.output.split(separator: "\n").filter { $0.contains("moved the store") }
            #expect(lines.count == 1, "\(lines)")
            #expect(lines.first?.contains("the token key was missing and a new one was made: the stored tokens were sealed with the old key") == true)
            #expect(lines.first?.contains(state + "/" + aside) == true)
            // The row is all there: with the old key back it could be read (and revoked).
            let kept = try await Subprocess.run("/usr/bin/python3", ["-c",
                "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*), length(sealed) > 0 from grants').fetchone())",
                state + "/" + aside])
            #expect(kept.output.contains("(1, 1)"), "\(kept.output)")
            let metrics = try String(contentsOfFile: daemon.runtimeDirectory + "/metrics.prom", encoding: .utf8)
            #expect(metrics.contains("\ndeviceauthd_stores_set_aside_total 1\n"))
            // Starting clean means pairing again (AutoPair=yes).
            #expect(await daemon.waitForUserCode(after: seen) != nil)
            #expect(await daemon.stop().status == 0)
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }

    @Test("A store of a newer schema (a downgrade) is set aside at start, not a restart loop")
    func newerSchema() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            _ = try #require(try await daemon.pair())
            #expect(await daemon.stop().status == 0)
            let store = daemon.stateDirectory + "/tokens.sqlite3"
            let bumped = try await Subprocess.run("/usr/bin/python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version = 9'); c.commit()", store])
            #expect(bumped.status == 0, "\(bumped.output)")
            try daemon.start()
            #expect(await Self.readyAgain(daemon))
            #expect(daemon.output.contains("schema version 9 is newer than this deviceauthd knows"))
            #expect(daemon.output.contains("moved it with its -wal and -shm files to \(store).unreadable-"))
            #expect(await daemon.stop().status == 0)
        }
    }
}
