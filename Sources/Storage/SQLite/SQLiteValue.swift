/// One SQLite value, by storage class. Used for dynamic argument lists (`arguments: [SQLiteValue]`)
/// and to read a column whose type is not known in advance.
public enum SQLiteValue: Hashable, Sendable {
    /// `NULL`.
    case null
    /// `INTEGER` (64-bit signed).
    case integer(Int64)
    /// `REAL` (IEEE double). NaN cannot be stored: binding it throws `SQLITE_MISMATCH`.
    case real(Double)
    /// `TEXT` (UTF-8).
    case text(String)
    /// `BLOB`.
    case blob([UInt8])

    /// The storage class name as SQLite spells it (`INTEGER`, `TEXT` …).
    public var storageClass: String {
        switch self {
        case .null: "NULL"
        case .integer: "INTEGER"
        case .real: "REAL"
        case .text: "TEXT"
        case .blob: "BLOB"
        }
    }
}
