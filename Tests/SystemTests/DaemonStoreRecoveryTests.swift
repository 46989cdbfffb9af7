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

    /// Runs SQL on the store as another release would (Python's sqlite3: not our code).
    static func sql(_ store: String, _ script: String) async throws -> String {
        let program = "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit(); print(c.execute(sys.argv[3]).fetchall())"
        let run = try await Subprocess.run("/usr/bin/python3", ["-c", program, store, script, "SELECT 1"])
        try #require(run.status == 0, "\(run.output)")
        return run.output
    }

    static func query(_ store: String, _ select: String) async throws -> String {
        let run = try await Subprocess.run("/usr/bin/python3", ["-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall())", store, select])
        try #require(run.status == 0, "\(run.output)")
        return run.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("A firmware rollback keeps the pairing: a store a newer release migrated additively is used as it is, and what it added survives")
    func rollbackAfterAdditiveMigration() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            _ = try #require(try await daemon.pair())
            #expect(await daemon.stop().status == 0)
            let codes = try await fake.stats().deviceCodes
            let store = daemon.stateDirectory + "/tokens.sqlite3"
            // What the next release's additive migration would do: one version up, a column, a table.
            _ = try await Self.sql(store, """
                ALTER TABLE grants ADD COLUMN device_label TEXT;
                UPDATE grants SET device_label = 'A-cam';
                CREATE TABLE upload_queue (id INTEGER PRIMARY KEY, path TEXT NOT NULL);
                INSERT INTO upload_queue (path) VALUES ('/media/clip-0001.mov');
                PRAGMA user_version = 2;
                """)
            let seen = daemon.notify.assignments.count
            try daemon.start()
            #expect(await daemon.notify.waitStatus("authorized: project Testbed", seconds: 20, after: seen) != nil)
            #expect(daemon.output.contains("the token store is at schema version 2, written by a newer deviceauthd (this one knows 1); readable by releases that know schema 1, so it is used as it is"))
            #expect(!daemon.output.contains("set aside"))
            // The same pairing: no new code; a refresh is written into the newer store.
            let refreshed = try await daemon.ctl(["refresh"])
            #expect(refreshed.status == 0, "\(refreshed.output)")
            let stats = try await fake.stats()
            #expect(stats.deviceCodes == codes && stats.refreshes >= 1)
            #expect(await daemon.stop().status == 0)
            #expect(try await Self.query(store, "PRAGMA user_version") == "[(2,)]")
            #expect(try await Self.query(store, "SELECT device_label, generation >= 1 FROM grants") == "[('A-cam', 1)]")
            #expect(try await Self.query(store, "SELECT path FROM upload_queue") == "[('/media/clip-0001.mov',)]")
            #expect(try await Self.query(store, "SELECT oldest_reader FROM store_format") == "[(1,)]")
            #expect(daemon.leakedSecrets.isEmpty)
        }
    }

    @Test("A store a newer release marked for newer readers only is set aside whole and named (journal, STATUS, doctor), not a restart loop")
    func newerIncompatible() async throws {
        try await withFakeProvider(realTime: true, { $0.pollingInterval = 1 }) { fake in
            let daemon = try DaemonFixture(fake: fake)
            _ = try #require(try await daemon.pair())
            #expect(await daemon.stop().status == 0)
            let store = daemon.stateDirectory + "/tokens.sqlite3"
            _ = try await Self.sql(store, "PRAGMA user_version = 3; UPDATE store_format SET oldest_reader = 3;")
            try daemon.start()
            #expect(await Self.readyAgain(daemon))
            let why = "written by a newer deviceauthd: schema version 3 needs a release that knows schema 3, this one knows 1"
            #expect(daemon.output.contains("\(store) cannot be read (\(why)); moved it with its -wal and -shm files to \(store).unreadable-"))
            #expect(await daemon.notify.wait(seconds: 10) { $0.hasPrefix("STATUS=polling: ") && $0.hasSuffix("; the token store found at start was set aside: " + why) } != nil)
            let doctor = try await daemon.ctl(["doctor"])
            #expect(doctor.output.contains("at start, \(store) cannot be read (\(why))"), "\(doctor.output)")
            #expect(await daemon.stop().status == 0)
            let aside = try FileManager.default.contentsOfDirectory(atPath: daemon.stateDirectory).filter { $0.hasPrefix("tokens.sqlite3.unreadable-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }
            try #require(aside.count == 1)
            #expect(try await Self.query(daemon.stateDirectory + "/" + aside[0], "SELECT count(*) FROM grants") == "[(1,)]")
        }
    }
}
