internal import CSQLite
public import Foundation
public import Wire

/// A Swift value that can be bound to a statement parameter.
///
/// Storage choices (the decoding side in ``SQLiteColumnDecodable`` mirrors them):
///
/// | Swift | SQLite |
/// | --- | --- |
/// | `Int64`, `Int` | `INTEGER` |
/// | `Bool` | `INTEGER` 0 / 1 |
/// | `Double` | `REAL` (NaN refused) |
/// | `String` | `TEXT` (UTF-8) |
/// | `[UInt8]` | `BLOB` |
/// | `CalendarDate` | `INTEGER`: days since 1970-01-01 — compact, ordered, and date arithmetic is integer arithmetic in SQL (`due - invoice`); print with `date(x * 86400, 'unixepoch')` |
/// | `Date` (an instant) | `INTEGER`: milliseconds since 1970-01-01T00:00:00Z (sub-millisecond precision is dropped) |
/// | `Optional` | `NULL` when `nil` |
/// | `RawRepresentable` enums | their raw value (declare the conformance: `extension Kind: SQLiteBindable {}`) |
public protocol SQLiteBindable {
    /// The value to bind.
    var sqliteValue: SQLiteValue { get }
}

/// A Swift value that can be read from one result column, with a strict type check: a column
/// whose storage class does not fit throws `SQLITE_MISMATCH` (never a silent coercion).
public protocol SQLiteColumnDecodable {
    /// Reads column `index` (0-based) of `row`.
    init(sqliteColumn index: Int, of row: SQLiteRow) throws(SQLiteError)
}

extension SQLiteValue: SQLiteBindable, SQLiteColumnDecodable {
    /// The value itself.
    public var sqliteValue: SQLiteValue { self }

    /// Any storage class.
    public init(sqliteColumn index: Int, of row: SQLiteRow) throws(SQLiteError) {
        self = try row.value(at: index)
    }
}

extension Int64: SQLiteBindable, SQLiteColumnDecodable {
    /// `INTEGER`.
    public var sqliteValue: SQLiteValue { .integer(self) }

    /// Requires `INTEGER`.
    public init(sqliteColumn index: Int, of row: SQLiteRow) throws(SQLiteError) {
        guard try row.columnType(at: index) == SQLITE_INTEGER else {
            throw row.mismatch(at: index, expected: "INTEGER")
        }
        self = row.int64(at: index)
    }
}

extension Int: SQLiteBindable, SQLiteColumnDecodable {
    /// `INTEGER`.
    public var sqliteValue: SQLiteValue { .integer(Int64(self)) }

    /// Requires `INTEGER`.
    public init(sqliteColumn index: Int, of row: SQLiteRow) throws(SQLiteError) {
        self = Int(try Int64(sqliteColumn: index, of: row))
    }
}

extension Bool: SQLiteBindable, SQLiteColumnDecodable {
    /// `INTEGER` 1 or 0.
    public var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) }

    /// Requires `INTEGER` 0 or 1.
    public init(sqliteColumn index: Int, of row: SQLiteRow) throws(SQLiteError) {
        switch try Int64(sqliteColumn: index, of: row) {
        case 0: self = false
        case 1: self = true
        default: throw row.mismatch(at: index, expected: "INTEGER 0 or 1 (Bool)")
        }
    }
}

extension Double: SQLiteBindable, SQLiteColumnDecodable {
    /// `REAL`.
    public var sqliteValue: SQLiteValue { .real(self) }

    /// Requires `REAL` or `INTEGER`.
    public init(sqliteColumn index: Int, of row: SQLiteRow) throws(SQLiteError) {
        switch try row.columnType(at: index) {
        case SQLITE_FLOAT, SQLITE_INTEGER: self = row.double(at: index)
        default: throw row.mismatch(at: index, expected: "REAL")
        }
    }
}

extension String: SQLiteBindable, SQLiteColumnDecodable {
    /// `TEXT`.
    public var sqliteValue: SQLiteValue { .text(self) }

    /// Requires `TEXT`.
    public init(sqliteColumn index: Int, of row: SQLiteRow) throws(SQLiteError) {
        guard try row.columnType(at: index) == SQLITE_TEXT else { throw row.mismatch(at: index, expected: "TEXT") }
        self = row.text(at: index)
    }
}

extension [UInt8]: SQLiteBindable, SQLiteColumnDecodable {
    /// `BLOB` (an empty array is an empty blob, not NULL).
    public var sqliteValue: SQLiteValue { .blob(self) }

    /// Requires `BLOB`.
    public init(sqliteColumn index: Int, of row: SQLiteRow) throws(SQLiteError) {
        guard try row.columnType(at: index) == SQLITE_BLOB else { throw row.mismatch(at: index, expected: "BLOB") }
        self = row.blob(at: index)
    }
}

extension CalendarDate: SQLiteBindable, SQLiteColumnDecodable {
    /// `INTEGER` days since 1970-01-01.
    public var sqliteValue: SQLiteValue { .integer(Int64(self.daysSinceEpoch)) }

    /// Requires `INTEGER` days within 0001-01-01 … 9999-12-31.
    public init(sqliteColumn index: Int, of row: SQLiteRow) throws(SQLiteError) {
        let days = try Int64(sqliteColumn: index, of: row)
        guard let narrow = Int32(exactly: days), let date = CalendarDate(daysSinceEpoch: narrow) else {
            throw row.mismatch(at: index, expected: "INTEGER days since 1970-01-01 (CalendarDate)")
        }
        self = date
    }
}

extension Date: SQLiteBindable, SQLiteColumnDecodable {
    /// `INTEGER` milliseconds since the Unix epoch (rounded down).
    public var sqliteValue: SQLiteValue {
        .integer(Int64((self.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// Requires `INTEGER` milliseconds since the Unix epoch.
    public init(sqliteColumn index: Int, of row: SQLiteRow) throws(SQLiteError) {
        let milliseconds = try Int64(sqliteColumn: index, of: row)
        self = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    /// `NULL` for `nil`, else the wrapped value.
    public var sqliteValue: SQLiteValue {
        switch self {
        case .none: .null
        case .some(let wrapped): wrapped.sqliteValue
        }
    }
}

extension Optional: SQLiteColumnDecodable where Wrapped: SQLiteColumnDecodable {
    /// `nil` for `NULL`, else the wrapped type's strict reading.
    public init(sqliteColumn index: Int, of row: SQLiteRow) throws(SQLiteError) {
        if try row.isNull(at: index) {
            self = .none
        } else {
            self = .some(try Wrapped(sqliteColumn: index, of: row))
        }
    }
}

extension SQLiteBindable where Self: RawRepresentable, RawValue: SQLiteBindable {
    /// The raw value.
    public var sqliteValue: SQLiteValue { self.rawValue.sqliteValue }
}

extension SQLiteColumnDecodable where Self: RawRepresentable, RawValue: SQLiteColumnDecodable {
    /// The raw value, which must name a case.
    public init(sqliteColumn index: Int, of row: SQLiteRow) throws(SQLiteError) {
        let raw = try RawValue(sqliteColumn: index, of: row)
        guard let value = Self(rawValue: raw) else {
            throw row.mismatch(at: index, expected: "a raw value of \(Self.self)")
        }
        self = value
    }
}
