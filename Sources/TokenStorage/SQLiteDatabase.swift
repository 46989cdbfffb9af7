// SPDX-License-Identifier: Apache-2.0
import CSQLite

/// A failed SQLite call, with SQLite's own words (never the bound values, which may be sealed tokens).
public struct SQLiteError: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public var description: String { "SQLite error \(code): \(message)" }

    /// SQLITE_CORRUPT or SQLITE_NOTADB: the file is not a database we can trust.
    public var isCorruption: Bool { code & 0xFF == SQLITE_CORRUPT || code & 0xFF == SQLITE_NOTADB }
    /// SQLITE_FULL: the disk (or quota) is full.
    public var isDiskFull: Bool { code & 0xFF == SQLITE_FULL }
    /// SQLITE_BUSY, SQLITE_LOCKED or SQLITE_IOERR: worth another try before giving up on the file.
    public var isTransient: Bool { [SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR].contains(code & 0xFF) }
    /// The file's schema is newer than this deviceauthd knows (a downgrade).
    public var isNewerSchema: Bool { code == Self.newerSchemaCode }
    static let newerSchemaCode: Int32 = -2
}

/// A thin wrapper over the system libsqlite3: one connection, prepared
/// statements, explicit transactions. The connection is opened FULLMUTEX, so
/// SQLite serializes calls itself; whoever spans a transaction over several
/// calls (the token store) holds its own lock around them.
public final class SQLiteDatabase: @unchecked Sendable {
    private var handle: OpaquePointer?
    public let path: String

    public init(path: String) throws(SQLiteError) {
        _ = Self.configured
        self.path = path
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(handle)
            handle = nil
            throw SQLiteError(code: status, message: message)
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 2000)
    }

    /// Once, before the first connection: a store of one row, written a few times a
    /// day, on a camera counting its memory, needs no page cache preallocated
    /// (SQLite's default is 20 pages per connection; measured: the idle daemon's
    /// heap 0.17 MB smaller).
    private static let configured: Void = { _ = deviceauth_sqlite_no_page_cache_bulk() }()

    deinit { sqlite3_close_v2(handle) }

    public func close() {
        sqlite3_close_v2(handle)
        handle = nil
    }

    /// Runs SQL without results (several statements allowed).
    public func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard status == SQLITE_OK else {
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: errorMessage.map { String(cString: $0) } ?? "failed")
        }
    }

    public enum Value: Equatable, Sendable {
        case integer(Int64), text(String), blob([UInt8]), null
    }

    /// Runs one statement with bound values and returns every row.
    @discardableResult
    public func query(_ sql: String, _ values: [Value] = []) throws(SQLiteError) -> [[Value]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else { throw lastError() }
        defer { sqlite3_finalize(statement) }
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            let status: Int32 = switch value {
            case .integer(let number): sqlite3_bind_int64(statement, position, number)
            case .text(let text): sqlite3_bind_text(statement, position, text, -1, Self.transient)
            case .blob(let bytes): bytes.withUnsafeBytes { sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), Self.transient) }
            case .null: sqlite3_bind_null(statement, position)
            }
            guard status == SQLITE_OK else { throw lastError() }
        }
        var rows: [[Value]] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw lastError() }
            rows.append((0..<sqlite3_column_count(statement)).map { column(statement, $0) })
        }
    }

    private func column(_ statement: OpaquePointer?, _ index: Int32) -> Value {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(statement, index)))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let bytes = sqlite3_column_blob(statement, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    /// Runs `body` in one IMMEDIATE transaction: all of it lands, or none.
    public func transaction<T>(_ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func lastError() -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
    }

    /// SQLITE_TRANSIENT: SQLite copies bound values before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
