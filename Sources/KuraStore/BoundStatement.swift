import GRDB
import GRDBSQLite

/// A cached statement bound and stepped through SQLite's C API. The write path runs three inserts per
/// chunk, and GRDB's argument arrays (a boxed value and an allocation per argument) cost more than the
/// inserts themselves; this binds in place. Use it only inside the `Database` access it was made in.
struct BoundStatement {
    private let db: Database
    private let handle: OpaquePointer

    init(_ db: Database, sql: String) throws {
        self.db = db
        handle = try db.cachedStatement(sql: sql).sqliteStatement
    }

    /// SQLite copies the bytes before the bind returns (SQLITE_TRANSIENT).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

    func bind(_ index: Int32, _ value: Int) { sqlite3_bind_int64(handle, index, Int64(value)) }

    func bind(_ index: Int32, _ value: Double) { sqlite3_bind_double(handle, index, value) }

    func bind(_ index: Int32, _ value: String) {
        var value = value
        _ = value.withUTF8 { sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    /// Binds NULL when `bytes` is nil.
    func bind(_ index: Int32, blob bytes: UnsafeRawBufferPointer?) {
        guard let bytes else {
            sqlite3_bind_null(handle, index)
            return
        }
        // A zero-length blob still needs a non-NULL pointer, or SQLite stores NULL.
        sqlite3_bind_blob(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), Self.transient)
    }

    /// Runs the statement to completion and resets it; a failure throws the same `DatabaseError` GRDB would.
    func run() throws {
        let code = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: sqlite3_extended_errcode(db.sqliteConnection)), message: db.lastErrorMessage)
        }
    }
}

extension BoundStatement {
    /// Steps once and reads the first row with `read`, or returns nil when there is none; then resets.
    func first<T>(_ read: (_ int64: (Int32) -> Int64, _ text: (Int32) -> String) -> T) throws -> T? {
        let code = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        switch code {
        case SQLITE_ROW:
            return read({ sqlite3_column_int64(handle, $0) }, { sqlite3_column_text(handle, $0).map { String(cString: $0) } ?? "" })
        case SQLITE_DONE:
            return nil
        default:
            throw DatabaseError(resultCode: ResultCode(rawValue: sqlite3_extended_errcode(db.sqliteConnection)), message: db.lastErrorMessage)
        }
    }
}
