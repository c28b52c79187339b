/// The reason code of a rejected line or row, as named in `data-contract.md`.
///
/// The contract's codes (`MISSING_FIELD`, `BAD_TYPE`, `BAD_VALUE`, `UNKNOWN_REFERENCE`,
/// `DUPLICATE_IN_BATCH`, `CONFLICT`, `TOO_LONG`) keep their spelling; readers add `MALFORMED` for
/// a line that cannot be split into fields at all (bad JSON, unterminated CSV quote).
public struct RowReason: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The upper-case code.
    public var rawValue: String

    /// Creates a reason from its code.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A required field is absent or empty.
    public static let missingField = RowReason(rawValue: "MISSING_FIELD")
    /// A field has the wrong type (text where a number is expected …).
    public static let badType = RowReason(rawValue: "BAD_TYPE")
    /// A field has the right type but an impossible value (negative amount, unknown enum, impossible date).
    public static let badValue = RowReason(rawValue: "BAD_VALUE")
    /// A reference names no record (server-side check).
    public static let unknownReference = RowReason(rawValue: "UNKNOWN_REFERENCE")
    /// The same id twice in a batch with different content (server-side check).
    public static let duplicateInBatch = RowReason(rawValue: "DUPLICATE_IN_BATCH")
    /// The row contradicts stored data (server-side check).
    public static let conflict = RowReason(rawValue: "CONFLICT")
    /// A string is longer than the limit.
    public static let tooLong = RowReason(rawValue: "TOO_LONG")
    /// The line cannot be split into fields (bad JSON, unterminated quote, wrong field count).
    public static let malformed = RowReason(rawValue: "MALFORMED")

    public var description: String { self.rawValue }
}

/// One rejected line or row: where it is, which field, why.
public struct RowIssue: Hashable, Sendable, CustomStringConvertible {
    /// Name of the file (or part) the line comes from, when known.
    public var source: String?
    /// 1-based physical line number where the row starts (the header is line 1).
    public var line: Int
    /// The record's id, when it could be read.
    public var recordID: String?
    /// The field, as a contract name or a dotted path (`status_history[2].on`); `nil` for the whole line.
    public var field: String?
    /// The reason code.
    public var reason: RowReason
    /// A message for a human.
    public var message: String

    /// Creates an issue.
    public init(
        source: String? = nil,
        line: Int,
        recordID: String? = nil,
        field: String? = nil,
        reason: RowReason,
        message: String
    ) {
        self.source = source
        self.line = line
        self.recordID = recordID
        self.field = field
        self.reason = reason
        self.message = message
    }

    public var description: String {
        var text = ""
        if let source = self.source { text += "\(source):" }
        text += "\(self.line): \(self.reason)"
        if let field = self.field { text += " [\(field)]" }
        return text + " \(self.message)"
    }
}
