// SPDX-License-Identifier: Apache-2.0

/// The token store's schema, and which releases may use a store: the rule for
/// whoever writes the next migration.
///
/// Cameras update by A/B root file systems and roll back on their own when new
/// firmware fails its health check; the store lives on the data partition both
/// share. So a store carries two numbers, as SQLite's own file header keeps a read
/// and a write version:
/// - `PRAGMA user_version`, the schema version: how many migrations it has had;
/// - `store_format.oldest_reader`: the oldest schema version a release must know to
///   read *and* write it.
///
/// A release that knows at least `oldest_reader` uses a newer store as it is: it
/// reads and rotates the tokens through the columns it knows, leaves the newer
/// columns, tables and version alone, and the roll-forward finds them. Any other
/// store newer than the release is set aside (never deleted) and named.
///
/// Declare each migration:
/// - `.additive` when an older release can go on using the store unchanged: a new
///   table, a new column that may be NULL (or has a DEFAULT), a new index. It keeps
///   `oldest_reader`. Nothing an older release writes may break what it adds (an older
///   release inserts rows without the new columns, deletes rows, and re-seals the
///   payload with the fields it knows).
/// - `.breaking` for anything else: a column dropped, renamed or made NOT NULL without
///   a default, a meaning or the sealed payload's format changed. It raises
///   `oldest_reader` to its own version.
/// `StoreSchemaTests` fails when an `.additive` migration does more than that.
enum StoreSchema {
    enum Compatibility: Equatable { case additive, breaking }

    struct Migration {
        let compatibility: Compatibility
        let sql: String
        init(_ compatibility: Compatibility, _ sql: String) {
            self.compatibility = compatibility
            self.sql = sql
        }
    }

    /// Entry N takes the store from schema version N to N+1.
    static let migrations = [
        Migration(.breaking, """
            CREATE TABLE grants (
                slot INTEGER PRIMARY KEY CHECK (slot = 1),  -- one authorization per daemon
                client_id TEXT NOT NULL,
                sealed BLOB NOT NULL,                       -- AES-GCM(tokens), authenticated with client_id
                access_fingerprint TEXT NOT NULL,           -- for support: matches the journal's fingerprints
                saved_at INTEGER NOT NULL,
                generation INTEGER NOT NULL                 -- counts rotations
            );
            """),
    ]

    /// The schema version this release knows.
    static var known: Int { migrations.count }

    /// The oldest schema a reader must know for a store at `version` migrated by this
    /// release: the version of the last breaking migration up to it.
    static func oldestReader(of version: Int) -> Int {
        (migrations.prefix(version).lastIndex { $0.compatibility == .breaking } ?? -1) + 1
    }

    /// Where `oldest_reader` is kept. Created by whichever release migrates (and by this
    /// one at every open), so it needs no migration of its own: a release from before it
    /// ignores a table it does not know, and a store without it is read as needing its
    /// own version (the conservative reading).
    static let formatTable = """
        CREATE TABLE IF NOT EXISTS store_format (
            slot INTEGER PRIMARY KEY CHECK (slot = 1),
            oldest_reader INTEGER NOT NULL              -- the oldest schema version that may read and write this store
        );
        """

    /// What a store at `version` asks of a reader, and whether this release may use it.
    enum Verdict: Equatable {
        /// Older or current: migrate it to `known` (nothing to do when it is current and marked).
        case migrate
        /// Newer, but this release knows `oldest_reader`: use it as it is.
        case useNewer(version: Int, oldestReader: Int)
        /// Newer, and not for this release: set aside.
        case incompatible(version: Int, oldestReader: Int)
    }

    static func verdict(version: Int, oldestReader: Int?) -> Verdict {
        guard version > known else { return .migrate }
        let oldest = oldestReader ?? version
        return oldest <= known ? .useNewer(version: version, oldestReader: oldest) : .incompatible(version: version, oldestReader: oldest)
    }

    /// Brings `database` to this release's schema, or leaves a compatible newer one as it is.
    /// - Returns: the verdict it acted on.
    static func prepare(_ database: SQLiteDatabase) throws(SQLiteError) -> Verdict {
        guard case .integer(let stored)? = try database.query("PRAGMA user_version").first?.first else {
            throw SQLiteError(code: -1, message: "no user_version")
        }
        let version = Int(stored)
        let oldest = try readOldestReader(database)
        let verdict = verdict(version: version, oldestReader: oldest)
        switch verdict {
        case .incompatible(let version, let needed):
            throw SQLiteError(code: SQLiteError.newerSchemaCode, message: "written by a newer deviceauthd: schema version \(version) needs a release that knows schema \(needed), this one knows \(known)")
        case .useNewer:
            return verdict
        case .migrate:
            // Every start opens the store: a current, marked one is left unwritten (no fsync).
            let marked = oldestReader(of: known)
            if version == known, oldest == marked { return verdict }
            try database.transaction { () throws(SQLiteError) in
                for step in version..<known { try database.execute(migrations[step].sql) }
                try database.execute(formatTable)
                try database.query("INSERT INTO store_format (slot, oldest_reader) VALUES (1, ?) ON CONFLICT (slot) DO UPDATE SET oldest_reader = excluded.oldest_reader",
                                   [.integer(Int64(marked))])
                try database.execute("PRAGMA user_version = \(known)")
            }
            return verdict
        }
    }

    /// `store_format.oldest_reader`, nil when the store has no such table or row.
    static func readOldestReader(_ database: SQLiteDatabase) throws(SQLiteError) -> Int? {
        let table = try database.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'store_format'")
        guard !table.isEmpty, case .integer(let oldest)? = try database.query("SELECT oldest_reader FROM store_format WHERE slot = 1").first?.first
        else { return nil }
        return Int(oldest)
    }
}
