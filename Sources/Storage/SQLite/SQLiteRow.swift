internal import CSQLite

/// The current result row of a statement, handed to `query` closures.
///
/// Valid only inside the closure it is given to (it reads the statement's current row);
/// copy values out, do not keep the row. Reads are type-checked: asking for an `Int64` from a
/// `TEXT` column, or a non-optional from `NULL`, throws `SQLITE_MISMATCH` instead of letting
/// SQLite coerce silently.
///
/// ```swift
/// try conn.query("SELECT id, amount, due FROM installments WHERE client = ?", clientID) { row in
///     let id: String = try row[0]
///     let amount: Int64 = try row[1]
///     let due: CalendarDate? = try row[column: "due"]
/// }
/// ```
public struct SQLiteRow {
    let statement: Statement

    /// Number of columns.
    public var count: Int { self.statement.columnCount }

    /// The name of column `index` (`sqlite3_column_name`): its alias, else its name.
    public func columnName(at index: Int) -> String {
        guard index >= 0, index < self.count, let name = unsafe sqlite3_column_name(self.statement.handle, Int32(index))
        else { return "" }
        return unsafe String(cString: name)
    }

    /// The index of the first column named `name` (case-insensitive, like SQL), if any.
    public func index(ofColumn name: String) -> Int? {
        let wanted = name.lowercased()
        return (0..<self.count).first { self.columnName(at: $0).lowercased() == wanted }
    }

    /// Reads column `index` (0-based) as `T`.
    public func decode<T: SQLiteColumnDecodable>(_ type: T.Type = T.self, at index: Int) throws(SQLiteError) -> T {
        try T(sqliteColumn: index, of: self)
    }

    /// Reads column `index` (0-based) as the inferred type: `let amount: Int64 = try row[1]`.
    public subscript<T: SQLiteColumnDecodable>(index: Int) -> T {
        get throws(SQLiteError) { try T(sqliteColumn: index, of: self) }
    }

    /// Reads the column named `name` as the inferred type.
    public subscript<T: SQLiteColumnDecodable>(column name: String) -> T {
        get throws(SQLiteError) {
            guard let index = self.index(ofColumn: name) else {
                throw SQLiteError(code: .range, message: "no column named \"\(name)\"", sql: self.statement.sql)
            }
            return try T(sqliteColumn: index, of: self)
        }
    }

    /// Reads column `index` with whatever storage class it has.
    public func value(at index: Int) throws(SQLiteError) -> SQLiteValue {
        switch try self.columnType(at: index) {
        case SQLITE_INTEGER: .integer(self.int64(at: index))
        case SQLITE_FLOAT: .real(self.double(at: index))
        case SQLITE_TEXT: .text(self.text(at: index))
        case SQLITE_BLOB: .blob(self.blob(at: index))
        default: .null
        }
    }

    /// Whether column `index` holds `NULL`.
    public func isNull(at index: Int) throws(SQLiteError) -> Bool {
        try self.columnType(at: index) == SQLITE_NULL
    }

    /// The error custom ``SQLiteColumnDecodable`` conformances throw when a value does not fit:
    /// `SQLITE_MISMATCH` naming the column, what was expected and what was found.
    public func mismatch(at index: Int, expected: String) -> SQLiteError {
        let found: String
        if let value = try? self.value(at: index) {
            switch value {
            case .null: found = "NULL"
            case .integer(let integer): found = "INTEGER \(integer)"
            case .real(let real): found = "REAL \(real)"
            case .text(let text): found = "TEXT of \(text.utf8.count) bytes"
            case .blob(let bytes): found = "BLOB of \(bytes.count) bytes"
            }
        } else {
            found = "nothing"
        }
        return SQLiteError(
            code: .mismatch,
            message: "column \(index) \"\(self.columnName(at: index))\": expected \(expected), found \(found)",
            sql: self.statement.sql
        )
    }

    // MARK: - Raw access for the conformances (type already checked)

    /// `sqlite3_column_type`, after checking there is a row and the index is in range.
    func columnType(at index: Int) throws(SQLiteError) -> Int32 {
        guard self.statement.hasRow else {
            throw SQLiteError(code: .misuse, message: "no current row to read", sql: self.statement.sql)
        }
        guard index >= 0, index < self.count else {
            throw SQLiteError(
                code: .range,
                message: "column index \(index) out of range (\(self.count) columns)",
                sql: self.statement.sql
            )
        }
        return unsafe sqlite3_column_type(self.statement.handle, Int32(index))
    }

    /// `sqlite3_column_int64`.
    func int64(at index: Int) -> Int64 {
        unsafe sqlite3_column_int64(self.statement.handle, Int32(index))
    }

    /// `sqlite3_column_double`.
    func double(at index: Int) -> Double {
        unsafe sqlite3_column_double(self.statement.handle, Int32(index))
    }

    /// `sqlite3_column_text` + `sqlite3_column_bytes` (explicit length: embedded NULs survive).
    func text(at index: Int) -> String {
        let column = Int32(index)
        guard let bytes = unsafe sqlite3_column_text(self.statement.handle, column) else { return "" }
        let count = Int(unsafe sqlite3_column_bytes(self.statement.handle, column))
        return unsafe String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// `sqlite3_column_blob` + `sqlite3_column_bytes` (a zero-length blob gives a nil pointer).
    func blob(at index: Int) -> [UInt8] {
        let column = Int32(index)
        guard let bytes = unsafe sqlite3_column_blob(self.statement.handle, column) else { return [] }
        let count = Int(unsafe sqlite3_column_bytes(self.statement.handle, column))
        return unsafe [UInt8](UnsafeRawBufferPointer(start: bytes, count: count))
    }
}

@available(*, unavailable, message: "a row is only valid inside its query closure")
extension SQLiteRow: Sendable {}

/// A type that can be built from one whole result row, for `fetchAll` / `fetchOne`.
///
/// ```swift
/// struct Firm: SQLiteRowDecodable {
///     var id: String; var name: String
///     init(row: SQLiteRow) throws { self.id = try row[0]; self.name = try row[1] }
/// }
/// let firms = try conn.fetchAll(Firm.self, "SELECT id, name FROM firms ORDER BY id")
/// ```
public protocol SQLiteRowDecodable {
    /// Reads the row's columns; throw (typically the row's `SQLITE_MISMATCH`) if they do not fit.
    init(row: SQLiteRow) throws
}
