// SPDX-License-Identifier: Apache-2.0
@testable import TokenStorage
import Foundation
import Testing

/// A firmware rollback keeps the pairing: a store a newer release migrated
/// additively is used as it is; one it changed incompatibly is set aside, named.
/// And the rule for migrations, checked on their declarations.
@Suite("Token store across releases")
struct StoreSchemaTests {
    let key = [UInt8](repeating: 7, count: 32)

    func store(_ directory: TempDirectory) throws -> TokenStore {
        try TokenStore(directory: directory.file("state"), sealer: TokenSealer(keyMaterial: key), clientID: "cam-1")
    }

    /// A store holding one grant (access token AT-1), then changed by `sql` as another release would.
    func storeChanged(by sql: String) throws -> (TempDirectory, String) {
        let directory = try TempDirectory()
        let path: String
        do {
            let tokens = try store(directory)
            try tokens.save(Fixtures.grant(access: "AT-1"))
            path = tokens.path
        }
        let database = try SQLiteDatabase(path: path)
        try database.execute(sql)
        database.close()
        return (directory, path)
    }

    /// What a newer release's additive migration would do: one version up, a nullable
    /// column, a table, `oldest_reader` kept.
    static let newerAdditive = """
        ALTER TABLE grants ADD COLUMN device_label TEXT;
        CREATE TABLE upload_queue (id INTEGER PRIMARY KEY, path TEXT NOT NULL);
        INSERT INTO upload_queue (path) VALUES ('/media/clip-0001.mov');
        UPDATE grants SET device_label = 'A-cam';
        PRAGMA user_version = 2;
        """

    @Test("A newer store migrated additively is used as it is: tokens read and rotated, its column, table and version left alone")
    func additiveNewer() throws {
        let (directory, path) = try storeChanged(by: Self.newerAdditive)

        let older = try store(directory)
        #expect(older.setAsideAtOpen == nil)
        #expect(older.newerSchema?.contains("schema version 2, written by a newer deviceauthd (this one knows 1)") == true)
        #expect(try older.load()?.accessToken == "AT-1")
        try older.save(Fixtures.grant(access: "AT-2"))
        #expect(try older.load()?.accessToken == "AT-2")

        let after = try SQLiteDatabase(path: path)
        #expect(try after.query("PRAGMA user_version").first?.first == .integer(2))
        #expect(try after.query("SELECT device_label, generation FROM grants").first == [.text("A-cam"), .integer(1)])
        #expect(try after.query("SELECT path FROM upload_queue").first?.first == .text("/media/clip-0001.mov"))
        #expect(try after.query("SELECT oldest_reader FROM store_format").first?.first == .integer(1))
    }

    @Test("A newer store marked for newer readers only, or one without the mark, is set aside whole and named", arguments: [
        ("PRAGMA user_version = 3; UPDATE store_format SET oldest_reader = 3", "schema version 3 needs a release that knows schema 3, this one knows 1"),
        ("PRAGMA user_version = 2; DROP TABLE store_format", "schema version 2 needs a release that knows schema 2, this one knows 1"),
    ])
    func incompatibleNewer(change: String, words: String) throws {
        let (directory, _) = try storeChanged(by: change)
        let older = try store(directory)
        let note = try #require(older.setAsideAtOpen)
        #expect(note.contains("written by a newer deviceauthd: " + words))
        #expect(try older.load() == nil)
        // Nothing lost: the file moved aside still holds the row.
        let aside = try #require(note.split(separator: " ").last.map(String.init))
        let kept = try SQLiteDatabase(path: aside)
        #expect(try kept.query("SELECT count(*) FROM grants").first?.first == .integer(1))
    }

    @Test("The sealed payload ignores fields it does not know (a newer release's)")
    func sealedFieldsIgnored() throws {
        let sealer = TokenSealer(keyMaterial: key)
        let payload = #"{"accessToken":"AT-9","refreshToken":"RT-9","accessExpiresAt":1800003600,"obtainedAt":1800000000,"scope":"offline","idToken":"x","extra":{"a":[1,2]}}"#
        let sealed = try sealer.seal(Array(payload.utf8), context: TokenStore.context("cam-1"))
        let directory = try TempDirectory()
        let tokens = try store(directory)
        try tokens.save(Fixtures.grant())
        let database = try SQLiteDatabase(path: tokens.path)
        try database.query("UPDATE grants SET sealed = ?", [.blob(sealed)])
        #expect(try tokens.load()?.accessToken == "AT-9")
    }

    @Test("Each migration is declared, and an additive one only adds: tables, indexes, columns that may be NULL")
    func declarations() throws {
        #expect(StoreSchema.migrations.first?.compatibility == .breaking, "the first schema is what every reader needs")
        for (index, migration) in StoreSchema.migrations.enumerated() where migration.compatibility == .additive {
            for statement in Self.statements(migration.sql) {
                let upper = statement.uppercased()
                let adds = upper.hasPrefix("CREATE TABLE") || upper.hasPrefix("CREATE INDEX") || upper.hasPrefix("CREATE UNIQUE INDEX")
                    || (upper.hasPrefix("ALTER TABLE") && upper.contains(" ADD COLUMN ") && (!upper.contains("NOT NULL") || upper.contains("DEFAULT")))
                    || upper.hasPrefix("INSERT INTO")
                #expect(adds, "migration \(index + 1) is declared additive but does: \(statement)")
            }
        }
        // The mark a store gets is what the declarations say.
        let last = (StoreSchema.migrations.lastIndex { $0.compatibility == .breaking } ?? -1) + 1
        #expect(StoreSchema.oldestReader(of: StoreSchema.known) == last)
        let directory = try TempDirectory()
        let database = try SQLiteDatabase(path: try store(directory).path)
        #expect(try StoreSchema.readOldestReader(database) == last)
    }

    @Test("The rule itself: older migrates, newer within reach is used, beyond it is set aside")
    func verdicts() {
        #expect(StoreSchema.verdict(version: 0, oldestReader: nil) == .migrate)
        #expect(StoreSchema.verdict(version: 1, oldestReader: 1) == .migrate)
        #expect(StoreSchema.verdict(version: 5, oldestReader: 1) == .useNewer(version: 5, oldestReader: 1))
        #expect(StoreSchema.verdict(version: 5, oldestReader: 2) == .incompatible(version: 5, oldestReader: 2))
        #expect(StoreSchema.verdict(version: 5, oldestReader: nil) == .incompatible(version: 5, oldestReader: 5))
    }

    /// The SQL's statements, comments dropped.
    static func statements(_ sql: String) -> [String] {
        let code = sql.split(separator: "\n").map { line in line.range(of: "--").map { String(line[..<$0.lowerBound]) } ?? String(line) }.joined(separator: " ")
        return code.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    @Test("Opening a current, marked store writes nothing (every start opens it); one without the mark gets it")
    func currentStoreUnwritten() throws {
        let directory = try TempDirectory()
        let path = try store(directory).path
        let watcher = try SQLiteDatabase(path: path), opener = try SQLiteDatabase(path: path)
        func commits() throws -> SQLiteDatabase.Value? { try watcher.query("PRAGMA data_version").first?.first }
        let before = try commits()
        #expect(try StoreSchema.prepare(opener) == .migrate)
        #expect(try commits() == before, "a current store was written at open")
        try opener.execute("DROP TABLE store_format")
        let dropped = try commits()
        _ = try StoreSchema.prepare(opener)
        #expect(try commits() != dropped, "the mark was not put back")
        #expect(try StoreSchema.readOldestReader(opener) == StoreSchema.oldestReader(of: StoreSchema.known))
    }
}
