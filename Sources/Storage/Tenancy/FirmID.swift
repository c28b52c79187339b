/// A firm (tenant) identifier: 1 to 64 characters from `[A-Za-z0-9_-]`.
///
/// The id names the tenant's file (`tenants/<id>.sqlite`), so the alphabet leaves no room for
/// path tricks: no `/`, no `.`, no `..`, no NUL, nothing to escape. Validation happens once, at
/// construction; a `FirmID` value is always safe to use in a path.
public struct FirmID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The validated text.
    public let rawValue: String

    /// Longest accepted id.
    public static let maximumLength = 64

    /// Validates `rawValue`; throws ``StorageError/Code/invalidFirmID`` naming the problem.
    public init(_ rawValue: String) throws {
        guard Self.isValid(rawValue) else {
            let shown = rawValue.count > 80 ? String(rawValue.prefix(80)) + "…" : rawValue
            throw StorageError(
                code: .invalidFirmID,
                message: "firm id \"\(shown)\" is invalid: expected 1 to \(Self.maximumLength) characters "
                    + "among A-Z a-z 0-9 _ -"
            )
        }
        self.rawValue = rawValue
    }

    /// Whether `text` is a valid firm id.
    public static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= Self.maximumLength else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    /// The id itself.
    public var description: String { self.rawValue }

    /// Orders by the raw text.
    public static func < (lhs: FirmID, rhs: FirmID) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension FirmID: Codable {
    /// Decodes a string and validates it (`DecodingError.dataCorrupted` when invalid).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch let error as StorageError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes the raw text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }
}

extension FirmID: SQLiteBindable, SQLiteColumnDecodable {
    /// `TEXT`.
    public var sqliteValue: SQLiteValue { .text(self.rawValue) }

    /// Requires `TEXT` holding a valid id.
    public init(sqliteColumn index: Int, of row: SQLiteRow) throws(SQLiteError) {
        let text = try String(sqliteColumn: index, of: row)
        guard Self.isValid(text) else { throw row.mismatch(at: index, expected: "a firm id") }
        self.rawValue = text
    }
}
