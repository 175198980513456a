import SatsimMetrics
import CSQLite

/// A failure of the results store: the file's path and SQLite's own message.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One connection to an SQLite file, the little of SQLite's C API the results store needs.
/// A class because the connection has identity (it is closed once, in `deinit`); not `Sendable`:
/// the store serialises every use.
final class SQLiteDatabase {
    let path: String
    private let handle: OpaquePointer

    /// Opens (creating when missing) the database at `path`.
    init(path: String) throws(StoreError) {
        self.path = path
        var db: OpaquePointer?
        let code = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw StoreError("\(TerminalText.inline(path)): cannot open the results store (\(message))")
        }
        handle = db
        // Another process (a merge reading a shard, say) may hold the file for a moment.
        sqlite3_busy_timeout(db, 10_000)
    }

    private var isOpen = true

    private var closedError: StoreError { StoreError("\(TerminalText.inline(path)): the results store was closed") }

    deinit { if isOpen { sqlite3_close_v2(handle) } }

    /// Closes the connection now (in WAL mode SQLite folds the WAL into the file and removes it
    /// and the shared-memory file). Every statement of this connection must be gone: SQLite
    /// refuses otherwise (`SQLITE_BUSY`), and the connection stays open.
    func close() throws(StoreError) {
        guard isOpen else { return }
        guard sqlite3_close(handle) == SQLITE_OK else {
            throw StoreError("\(TerminalText.inline(path)): cannot close the results store (\(lastError))")
        }
        isOpen = false
    }

    /// Runs SQL without results (several statements allowed).
    func execute(_ sql: String) throws(StoreError) {
        guard isOpen else { throw closedError }
        var error: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &error)
        if code != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? lastError
            sqlite3_free(error)
            throw StoreError("\(TerminalText.inline(path)): \(message)")
        }
    }

    /// Compiles one statement.
    func prepare(_ sql: String) throws(StoreError) -> SQLiteStatement {
        guard isOpen else { throw closedError }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw StoreError("\(TerminalText.inline(path)): \(lastError)")
        }
        return SQLiteStatement(handle: statement, database: self)
    }

    /// How many ``transaction(_:)`` calls are running, outermost first.
    private var transactionDepth = 0

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// Nested in another, it is a savepoint of that one: its changes are undone when it throws,
    /// and kept or undone with the outer transaction when it returns (`merge` runs every insert,
    /// each a transaction of its own, inside one, so that a merge that fails writes nothing).
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        let nested = transactionDepth > 0
        try execute(nested ? "SAVEPOINT nested" : "BEGIN IMMEDIATE")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let value = try body()
            try execute(nested ? "RELEASE nested" : "COMMIT")
            return value
        } catch {
            try? execute(nested ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK")
            throw error
        }
    }

    var lastError: String { String(cString: sqlite3_errmsg(handle)) }

    /// `text` as an SQL string literal: single-quoted, inner quotes doubled.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// `name` as an SQL identifier: double-quoted, inner quotes doubled.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A compiled statement; bound, stepped, reset for reuse.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let database: SQLiteDatabase

    fileprivate init(handle: OpaquePointer, database: SQLiteDatabase) {
        self.handle = handle
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// A value to bind.
    enum Value {
        case integer(Int64), real(Double), text(String), null
    }

    /// Binds `values` to the parameters 1, 2, ... in order, after a reset.
    func bind(_ values: [Value]) throws(StoreError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .integer(let i): code = sqlite3_bind_int64(handle, index, i)
            case .real(let x): code = sqlite3_bind_double(handle, index, x)
            case .text(let s): code = sqlite3_bind_text(handle, index, s, -1, csqlite_transient())
            case .null: code = sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw StoreError("\(database.path): \(database.lastError)") }
        }
    }

    /// Runs a statement that returns no rows.
    func run(_ values: [Value] = []) throws(StoreError) {
        try bind(values)
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw StoreError("\(database.path): \(database.lastError)") }
    }

    /// Steps to the next row: true when there is one.
    func next() throws(StoreError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw StoreError("\(database.path): \(database.lastError)")
        }
    }

    func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func real(_ column: Int32) -> Double? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_double(handle, column)
    }

    /// Whether the column holds a number or NULL: sqlite3_column_double reads text as 0 (or
    /// its leading digits), so a figure read without this check could be a silent 0.
    /// An integer, a finite real, or null: what satsim writes for a figure (an undefined one is
    /// null). An infinite real, which SQLite keeps, is no figure a run gives: a goodput edited to
    /// -1e309 printed `-inf` and left points.csv's mean blank.
    func isNumberOrNull(_ column: Int32) -> Bool {
        let type = sqlite3_column_type(handle, column)
        if type == SQLITE_FLOAT { return sqlite3_column_double(handle, column).isFinite }
        return type == SQLITE_INTEGER || type == SQLITE_NULL
    }

    /// The columns of the statement's rows.
    var columnCount: Int32 { sqlite3_column_count(handle) }

    func text(_ column: Int32) -> String? {
        guard sqlite3_column_type(handle, column) != SQLITE_NULL, let bytes = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: bytes)
    }
}
