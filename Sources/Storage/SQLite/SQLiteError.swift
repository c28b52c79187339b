internal import CSQLite

/// An error reported by SQLite, or by this wrapper when a value does not fit a column.
///
/// Carries the **extended** result code (connections are opened with `SQLITE_OPEN_EXRESCODE`),
/// the message of `sqlite3_errmsg` captured right after the failing call (before any other
/// SQLite call can overwrite it), and the SQL text of the statement. Bound values are never
/// included, so errors can be logged without leaking data.
///
/// Match codes with `~=`: a primary code matches every extended code of its family.
///
/// ```swift
/// do { try conn.execute("INSERT INTO firms(id) VALUES (?)", id) }
/// catch let error as SQLiteError where error.code ~= .constraint { … }   // matches SQLITE_CONSTRAINT_UNIQUE
/// ```
public struct SQLiteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The (extended) result code.
    public var code: Code
    /// SQLite's message (`sqlite3_errmsg`), or the wrapper's own for type mismatches.
    public var message: String
    /// The SQL being prepared or run, when there was one.
    public var sql: String?

    /// Creates an error; use the codes below (`.constraintUnique`, `.mismatch` …).
    public init(code: Code, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// `SQLite error 2067 (SQLITE_CONSTRAINT_UNIQUE): UNIQUE constraint failed: t.a — in: INSERT …`
    public var description: String {
        var text = "SQLite error \(self.code.rawValue) (\(self.code)): \(self.message)"
        if let sql = self.sql {
            text += " — in: \(sql.count > 500 ? sql.prefix(500) + "…" : sql)"
        }
        return text
    }

    /// Reads `sqlite3_errmsg(db)` now; call it immediately after the failing call.
    init(resultCode: Int32, database: OpaquePointer?, sql: String?) {
        let message: String
        if let database = unsafe database, let text = unsafe sqlite3_errmsg(database) {
            message = unsafe String(cString: text)
        } else if let text = unsafe sqlite3_errstr(resultCode) {
            message = unsafe String(cString: text)
        } else {
            message = "unknown error"
        }
        self.init(code: Code(rawValue: Int(resultCode)), message: message, sql: sql)
    }
}

extension SQLiteError {
    /// A SQLite result code, primary (`SQLITE_CONSTRAINT` = 19) or extended
    /// (`SQLITE_CONSTRAINT_UNIQUE` = 2067 = 19 | 8 << 8).
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The numeric value of the C constant.
        public var rawValue: Int

        /// Wraps a numeric result code.
        public init(rawValue: Int) {
            self.rawValue = rawValue
        }

        /// The primary code of this code's family (the low 8 bits).
        public var primary: Code { Code(rawValue: self.rawValue & 0xff) }

        /// Whether this code is a primary code (no extended bits).
        public var isPrimary: Bool { self.rawValue == self.rawValue & 0xff }

        /// `pattern ~= code`: equal codes match, and a primary pattern matches any code of its family.
        public static func ~= (pattern: Code, code: Code) -> Bool {
            pattern.isPrimary ? pattern == code.primary : pattern == code
        }

        /// `catch SQLiteError.Code.constraint` style matching against any error.
        public static func ~= (pattern: Code, error: any Error) -> Bool {
            guard let error = error as? SQLiteError else { return false }
            return pattern ~= error.code
        }

        /// The C constant's name (`SQLITE_CONSTRAINT_UNIQUE`), or `SQLITE_<n>` when unknown.
        public var description: String {
            Self.names[self.rawValue] ?? "SQLITE_\(self.rawValue)"
        }

        // Primary codes (https://sqlite.org/rescode.html).
        /// `SQLITE_ERROR`: generic error (also SQL syntax errors).
        public static let error = Code(rawValue: 1)
        /// `SQLITE_INTERNAL`.
        public static let `internal` = Code(rawValue: 2)
        /// `SQLITE_PERM`: access permission denied.
        public static let permission = Code(rawValue: 3)
        /// `SQLITE_ABORT`: operation aborted (e.g. by a rollback).
        public static let abort = Code(rawValue: 4)
        /// `SQLITE_BUSY`: the file is locked by another connection (after `busy_timeout`).
        public static let busy = Code(rawValue: 5)
        /// `SQLITE_LOCKED`: a conflict inside the same connection or shared cache.
        public static let locked = Code(rawValue: 6)
        /// `SQLITE_NOMEM`.
        public static let noMemory = Code(rawValue: 7)
        /// `SQLITE_READONLY`: attempt to write a read-only database or connection.
        public static let readOnly = Code(rawValue: 8)
        /// `SQLITE_INTERRUPT`: interrupted by `sqlite3_interrupt`.
        public static let interrupt = Code(rawValue: 9)
        /// `SQLITE_IOERR`: disk I/O error.
        public static let ioError = Code(rawValue: 10)
        /// `SQLITE_CORRUPT`: the file is malformed.
        public static let corrupt = Code(rawValue: 11)
        /// `SQLITE_FULL`: disk full.
        public static let full = Code(rawValue: 13)
        /// `SQLITE_CANTOPEN`: the file cannot be opened.
        public static let cannotOpen = Code(rawValue: 14)
        /// `SQLITE_SCHEMA`: the schema changed.
        public static let schema = Code(rawValue: 17)
        /// `SQLITE_TOOBIG`: string or blob too large.
        public static let tooBig = Code(rawValue: 18)
        /// `SQLITE_CONSTRAINT`: a constraint was violated (any kind).
        public static let constraint = Code(rawValue: 19)
        /// `SQLITE_MISMATCH`: data type mismatch; the wrapper also uses it when a column's value
        /// does not fit the requested Swift type.
        public static let mismatch = Code(rawValue: 20)
        /// `SQLITE_MISUSE`: API misuse (also used by the wrapper for a closed connection).
        public static let misuse = Code(rawValue: 21)
        /// `SQLITE_RANGE`: bind index out of range, or wrong number of arguments.
        public static let range = Code(rawValue: 25)
        /// `SQLITE_NOTADB`: the file is not a database.
        public static let notADatabase = Code(rawValue: 26)

        // Extended codes used by the project.
        /// `SQLITE_BUSY_SNAPSHOT`: a read transaction's snapshot is too old to upgrade to a write.
        public static let busySnapshot = Code(rawValue: 5 | 2 << 8)
        /// `SQLITE_BUSY_TIMEOUT`.
        public static let busyTimeout = Code(rawValue: 5 | 3 << 8)
        /// `SQLITE_READONLY_DBMOVED`.
        public static let readOnlyDatabaseMoved = Code(rawValue: 8 | 4 << 8)
        /// `SQLITE_CONSTRAINT_CHECK`.
        public static let constraintCheck = Code(rawValue: 19 | 1 << 8)
        /// `SQLITE_CONSTRAINT_FOREIGNKEY`.
        public static let constraintForeignKey = Code(rawValue: 19 | 3 << 8)
        /// `SQLITE_CONSTRAINT_NOTNULL`.
        public static let constraintNotNull = Code(rawValue: 19 | 5 << 8)
        /// `SQLITE_CONSTRAINT_PRIMARYKEY`.
        public static let constraintPrimaryKey = Code(rawValue: 19 | 6 << 8)
        /// `SQLITE_CONSTRAINT_UNIQUE`.
        public static let constraintUnique = Code(rawValue: 19 | 8 << 8)
        /// `SQLITE_CONSTRAINT_DATATYPE` (STRICT tables).
        public static let constraintDatatype = Code(rawValue: 19 | 12 << 8)

        private static let names: [Int: String] = [
            0: "SQLITE_OK", 1: "SQLITE_ERROR", 2: "SQLITE_INTERNAL", 3: "SQLITE_PERM", 4: "SQLITE_ABORT",
            5: "SQLITE_BUSY", 6: "SQLITE_LOCKED", 7: "SQLITE_NOMEM", 8: "SQLITE_READONLY", 9: "SQLITE_INTERRUPT",
            10: "SQLITE_IOERR", 11: "SQLITE_CORRUPT", 12: "SQLITE_NOTFOUND", 13: "SQLITE_FULL",
            14: "SQLITE_CANTOPEN", 15: "SQLITE_PROTOCOL", 16: "SQLITE_EMPTY", 17: "SQLITE_SCHEMA",
            18: "SQLITE_TOOBIG", 19: "SQLITE_CONSTRAINT", 20: "SQLITE_MISMATCH", 21: "SQLITE_MISUSE",
            22: "SQLITE_NOLFS", 23: "SQLITE_AUTH", 24: "SQLITE_FORMAT", 25: "SQLITE_RANGE", 26: "SQLITE_NOTADB",
            27: "SQLITE_NOTICE", 28: "SQLITE_WARNING",
            5 | 1 << 8: "SQLITE_BUSY_RECOVERY", 5 | 2 << 8: "SQLITE_BUSY_SNAPSHOT", 5 | 3 << 8: "SQLITE_BUSY_TIMEOUT",
            6 | 1 << 8: "SQLITE_LOCKED_SHAREDCACHE",
            8 | 1 << 8: "SQLITE_READONLY_RECOVERY", 8 | 2 << 8: "SQLITE_READONLY_CANTLOCK",
            8 | 3 << 8: "SQLITE_READONLY_ROLLBACK", 8 | 4 << 8: "SQLITE_READONLY_DBMOVED",
            10 | 1 << 8: "SQLITE_IOERR_READ", 10 | 2 << 8: "SQLITE_IOERR_SHORT_READ", 10 | 3 << 8: "SQLITE_IOERR_WRITE",
            10 | 4 << 8: "SQLITE_IOERR_FSYNC", 10 | 10 << 8: "SQLITE_IOERR_DELETE", 10 | 15 << 8: "SQLITE_IOERR_LOCK",
            11 | 1 << 8: "SQLITE_CORRUPT_VTAB", 14 | 1 << 8: "SQLITE_CANTOPEN_NOTEMPDIR",
            14 | 2 << 8: "SQLITE_CANTOPEN_ISDIR", 14 | 3 << 8: "SQLITE_CANTOPEN_FULLPATH",
            19 | 1 << 8: "SQLITE_CONSTRAINT_CHECK", 19 | 2 << 8: "SQLITE_CONSTRAINT_COMMITHOOK",
            19 | 3 << 8: "SQLITE_CONSTRAINT_FOREIGNKEY", 19 | 4 << 8: "SQLITE_CONSTRAINT_FUNCTION",
            19 | 5 << 8: "SQLITE_CONSTRAINT_NOTNULL", 19 | 6 << 8: "SQLITE_CONSTRAINT_PRIMARYKEY",
            19 | 7 << 8: "SQLITE_CONSTRAINT_TRIGGER", 19 | 8 << 8: "SQLITE_CONSTRAINT_UNIQUE",
            19 | 9 << 8: "SQLITE_CONSTRAINT_VTAB", 19 | 10 << 8: "SQLITE_CONSTRAINT_ROWID",
            19 | 11 << 8: "SQLITE_CONSTRAINT_PINNED", 19 | 12 << 8: "SQLITE_CONSTRAINT_DATATYPE",
        ]
    }
}
