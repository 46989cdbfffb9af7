// SPDX-License-Identifier: Apache-2.0
import DeviceAuth
import OAuthProvider
import Primitives
import JSONCoding
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `GrantStore` on SQLite: `<StateDirectory>/tokens.sqlite3`, WAL with
/// `synchronous=FULL` (a committed refresh survives a power cut), schema
/// versions with migrations that a rolled-back release can live with
/// (`StoreSchema`), an integrity check at open, tokens sealed with AES-GCM
/// under a key kept outside the database.
public final class TokenStore: GrantStore, Sendable {
    public static let fileName = "tokens.sqlite3"

    /// The open database; one statement or transaction at a time, from whichever
    /// thread calls. Replaced by an empty one when the file is set aside.
    private let database: Mutex<SQLiteDatabase>
    private let sealer: TokenSealer
    private let clientID: String
    /// Why the sealed rows may not open: the token key was made new at this start.
    private let keyIsNew: Bool
    public let path: String
    public let setAsideAtOpen: String?
    public let setAsideReason: String?

    /// - Parameter keyIsNew: the token key did not exist and was just made: rows
    ///   sealed before were sealed with a key that is gone (say so, never guess).
    public init(directory: String, sealer: TokenSealer, clientID: String, keyIsNew: Bool = false) throws(StoreError) {
        do { try SystemFiles.makeDirectory(directory, mode: 0o700) } catch {
            throw StoreError("cannot create the state directory \(error)")
        }
        let path = directory + "/" + Self.fileName
        self.path = path
        self.sealer = sealer
        self.clientID = clientID
        self.keyIsNew = keyIsNew
        var setAside: String?
        var reason: String?
        let database: SQLiteDatabase
        var verdict = StoreSchema.Verdict.migrate
        do {
            (database, verdict) = try Self.retryingTransient { () throws(SQLiteError) in try Self.openChecked(path) }
        } catch let error where error.isCorruption || error.code == -1 || error.isNewerSchema {
            // A store we cannot read must not crash-loop the daemon, and must not be lost:
            // set it aside (for a post-mortem, or a newer deviceauthd), start clean.
            let aside: String
            let why = error.message
            do { aside = try Self.moveAside(path) } catch { throw StoreError("\(path) cannot be read (\(why)) and \(error)") }
            setAside = "\(path) cannot be read (\(why)); moved it with its -wal and -shm files to \(aside)"
            reason = why
            do { database = try Self.openChecked(path).database } catch { throw StoreError("cannot create \(path): \(error)") }
        } catch {
            throw StoreError("cannot open \(path): \(error)")
        }
        self.setAsideAtOpen = setAside
        self.setAsideReason = reason
        self.database = Mutex(database)
        newerSchema = Self.newerSchemaNote(verdict)
    }

    /// Set when the store was written by a newer release that this one may use (a
    /// rollback): what it is, for the journal at start and the doctor.
    public let newerSchema: String?

    static func newerSchemaNote(_ verdict: StoreSchema.Verdict) -> String? {
        guard case .useNewer(let version, let oldest) = verdict else { return nil }
        return "schema version \(version), written by a newer deviceauthd (this one knows \(StoreSchema.known)); readable by releases that know schema \(oldest), so it is used as it is and what the newer release added is left in place"
    }

    /// SQLITE_BUSY (another process holds a lock) and a single I/O error pass: try
    /// again a few times, 100 ms apart, before calling the file unusable.
    static func retryingTransient<T>(_ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        var attempt = 0
        while true {
            do { return try body() } catch where error.isTransient && attempt < 3 {
                attempt += 1
                usleep(100_000)
            }
        }
    }

    /// Renames the database and its WAL and SHM files to `<path>.unreadable-<time>`
    /// (a number added if that exists): nothing that cannot be read is deleted.
    /// - Returns: the new name of the database file.
    static func moveAside(_ path: String) throws(StoreError) -> String {
        var aside = path + ".unreadable-\(WallTime().epochSeconds)"
        var n = 1
        while SystemFiles.exists(aside) && n < 100 {
            aside = path + ".unreadable-\(WallTime().epochSeconds)-\(n)"
            n += 1
        }
        for suffix in ["", "-wal", "-shm"] where SystemFiles.exists(path + suffix) {
            guard rename(path + suffix, aside + suffix) == 0 else {
                throw StoreError("cannot move \(path + suffix) aside: \(String(cString: strerror(errno)))")
            }
        }
        SystemFiles.syncDirectory(of: path)
        return aside
    }

    public func setAside() throws(StoreError) -> String {
        try database.withLock { database throws(StoreError) in
            database.close()
            let aside = try Self.moveAside(path)
            do { database = try Self.openChecked(path).database } catch { throw StoreError("cannot create \(path) after moving the old one aside: \(error)") }
            return aside
        }
    }

    /// The client id the stored tokens were issued to, read without changing
    /// anything (nil when there is no store, no tokens, or it cannot be read).
    public static func storedClientID(directory: String) -> String? {
        let path = directory + "/" + fileName
        guard SystemFiles.exists(path), let database = try? SQLiteDatabase(path: path) else { return nil }
        defer { database.close() }
        guard case .text(let clientID)? = try? database.query("SELECT client_id FROM grants WHERE slot = 1").first?.first else { return nil }
        return clientID
    }

    /// Opens, checks integrity, sets the durability pragmas and migrates; answers what the
    /// schema said of the store. A check that does not say "ok" is reported as code -1
    /// (treated as corruption).
    static func openChecked(_ path: String) throws(SQLiteError) -> (database: SQLiteDatabase, verdict: StoreSchema.Verdict) {
        let database = try SQLiteDatabase(path: path)
        // Sealed or not, the tokens are nobody else's business.
        chmod(path, 0o600)
        let check = try database.query("PRAGMA integrity_check")
        guard check.first?.first == .text("ok") else {
            database.close()
            throw SQLiteError(code: -1, message: "integrity check failed")
        }
        do {
            try database.query("PRAGMA journal_mode=WAL")
            try database.execute("PRAGMA synchronous=FULL")
            return (database, try StoreSchema.prepare(database))
        } catch {
            database.close()  // before the file is moved aside
            throw error
        }
    }

    /// The sealed payload.
    package struct Stored: Codable {
        package var accessToken: String
        package var refreshToken: String?
        var accessExpiresAt: Double
        var obtainedAt: Double
        /// When they were obtained on the boot clock (absent in rows from before it was kept).
        var obtainedBoot: BootInstant?
        var scope: String
        /// The user logged in as (absent in rows from before it was kept, and for device codes).
        var account: String?
    }

    public func load() throws(StoreError) -> Grant? {
        let row: [SQLiteDatabase.Value]?
        do {
            row = try Self.retryingTransient { () throws(SQLiteError) in
                try locked { database throws(SQLiteError) in
                    try database.query("SELECT client_id, sealed FROM grants WHERE slot = 1").first
                }
            }
        } catch { throw StoreError("cannot read \(path): \(error)", unreadable: !error.isTransient) }
        guard let row, case .text(let storedClientID) = row[0], case .blob(let sealed) = row[1] else { return nil }
        guard storedClientID == clientID else {
            throw StoreError("the stored tokens belong to client id \(storedClientID), not \(clientID)",
                             foreign: (try? open(sealed, clientID: storedClientID)).map { ($0, storedClientID) })
        }
        return try open(sealed, clientID: clientID)
    }

    private func open(_ sealed: [UInt8], clientID: String) throws(StoreError) -> Grant {
        do {
            let plaintext = try sealer.open(sealed, context: Self.context(clientID))
            let stored = try JSON.decode(Stored.self, from: plaintext)
            return Grant(accessToken: stored.accessToken, refreshToken: stored.refreshToken,
                         accessExpiresAt: WallTime(timeIntervalSince1970: stored.accessExpiresAt),
                         obtainedAt: WallTime(timeIntervalSince1970: stored.obtainedAt), obtainedBoot: stored.obtainedBoot,
                         scope: stored.scope, account: stored.account)
        } catch {
            throw StoreError(keyIsNew
                ? "the token key was missing and a new one was made: the stored tokens were sealed with the old key"
                : "the stored tokens cannot be opened with this token key (was the key replaced?)", unreadable: true)
        }
    }

    public func save(_ grant: Grant) throws(StoreError) {
        let stored = Stored(accessToken: grant.accessToken, refreshToken: grant.refreshToken,
                            accessExpiresAt: grant.accessExpiresAt.timeIntervalSince1970,
                            obtainedAt: grant.obtainedAt.timeIntervalSince1970, obtainedBoot: grant.obtainedBoot,
                            scope: grant.scope, account: grant.account)
        let sealed: [UInt8]
        do { sealed = try sealer.seal(try JSON.encode(stored), context: Self.context(clientID)) } catch {
            throw StoreError("cannot seal the tokens: \(error)")
        }
        let values: [SQLiteDatabase.Value] = [.text(clientID), .blob(sealed), .text(Fingerprint.of(grant.accessToken)),
                                              .integer(Int64(WallTime().timeIntervalSince1970))]
        do {
            _ = try locked { database throws(SQLiteError) in
                try database.query("""
                    INSERT INTO grants (slot, client_id, sealed, access_fingerprint, saved_at, generation)
                    VALUES (1, ?, ?, ?, ?, 0)
                    ON CONFLICT (slot) DO UPDATE SET client_id = excluded.client_id, sealed = excluded.sealed,
                        access_fingerprint = excluded.access_fingerprint, saved_at = excluded.saved_at,
                        generation = generation + 1
                    """, values)
            }
        } catch {
            throw StoreError(error.isDiskFull ? "cannot save the tokens to \(path): the disk is full" : "cannot save the tokens to \(path): \(error)")
        }
    }

    public func wipe() throws(StoreError) {
        do {
            _ = try locked { database throws(SQLiteError) in try database.query("DELETE FROM grants") }
        } catch { throw StoreError("cannot wipe the tokens in \(path): \(error)") }
    }

    func locked<T>(_ body: (SQLiteDatabase) throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        try database.withLock { database throws(SQLiteError) in try body(database) }
    }

    static func context(_ clientID: String) -> String { "deviceauthd grant v1|\(clientID)" }
}
