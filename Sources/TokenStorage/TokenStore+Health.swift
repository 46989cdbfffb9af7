// SPDX-License-Identifier: Apache-2.0
import DeviceAuth
import Primitives
/// The store as `deviceauthctl doctor` reports it: read through the daemon's own
/// connection and sealer, so it says whether the tokens the daemon would use open.
extension TokenStore {
    public struct Health: Sendable {
        /// SQLite's quick check: "ok", or its first complaint.
        public var integrity: String
        public var schemaVersion: Int
        /// The stored grant, if any: when it was saved, how many rotations it has seen, and
        /// the access token's fingerprint (the journal's; not the token).
        public var saved: (at: WallTime, rotations: Int, fingerprint: String)?
        /// nil: the stored grant opens with this key (or there is none); else why not.
        public var unopenable: String?
    }

    public func health() throws(StoreError) -> Health {
        let rows: (check: [[SQLiteDatabase.Value]], version: [[SQLiteDatabase.Value]], grant: [[SQLiteDatabase.Value]])
        do {
            rows = try Self.retryingTransient { () throws(SQLiteError) in
                try locked { database throws(SQLiteError) in
                    (try database.query("PRAGMA quick_check"), try database.query("PRAGMA user_version"),
                     try database.query("SELECT saved_at, generation, access_fingerprint FROM grants WHERE slot = 1"))
                }
            }
        } catch { throw StoreError("cannot read \(path): \(error)") }
        var health = Health(integrity: "?", schemaVersion: 0)
        if case .text(let verdict)? = rows.check.first?.first { health.integrity = String(verdict.prefix(160)) }
        if case .integer(let version)? = rows.version.first?.first { health.schemaVersion = Int(version) }
        if let row = rows.grant.first, row.count == 3, case .integer(let savedAt) = row[0], case .integer(let generation) = row[1],
           case .text(let fingerprint) = row[2] {
            health.saved = (WallTime(timeIntervalSince1970: Double(savedAt)), Int(generation), fingerprint)
            do { _ = try load() } catch { health.unopenable = error.description }
        }
        return health
    }
}
