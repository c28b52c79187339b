/// An error of the wire coder: malformed bytes, a limit exceeded, a value of the wrong shape.
///
/// Every failure of ``WireDecoder``, ``WireEncoder``, ``WireReader``, ``WireJSON`` and the JSON
/// parser surfaces as a `WireError`. Errors thrown by a type's own `init(from:)` as
/// `DecodingError` are converted, keeping their kind: `keyNotFound` → ``Code/keyNotFound``,
/// `valueNotFound` → ``Code/valueNotFound``, `typeMismatch` → ``Code/typeMismatch``,
/// `dataCorrupted` → ``Code/dataCorrupted`` (or the code of a `WireError` found as its underlying
/// error). ``codingPath`` is the dotted path of the value at fault (`rows.3.due_date`).
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a closed, stable set of codes (`WIRE.md` §8).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: UInt8, Hashable, Sendable {
            case truncated = 1
            case invalidTag
            case invalidUTF8
            case invalidVarint
            case limitExceeded
            case depthExceeded
            case duplicateKey
            case keyNotFound
            case valueNotFound
            case typeMismatch
            case valueOutOfRange
            case dataCorrupted
            case trailingBytes
            case invalidValue
            case invalidJSON
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// The input ends in the middle of a value.
        public static let truncated = Code(.truncated)
        /// A byte where a tag is expected is not a tag of protocol version 1.
        public static let invalidTag = Code(.invalidTag)
        /// A string or key is not valid UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// A varint is longer than 10 bytes, over-long (not minimal) or overflows 64 bits.
        public static let invalidVarint = Code(.invalidVarint)
        /// A length, count or total size is above the configured ``WireLimits``.
        public static let limitExceeded = Code(.limitExceeded)
        /// Values are nested deeper than ``WireLimits/maxDepth``.
        public static let depthExceeded = Code(.depthExceeded)
        /// A struct carries the same field key twice, or a map the same key twice.
        public static let duplicateKey = Code(.duplicateKey)
        /// A required struct field is absent.
        public static let keyNotFound = Code(.keyNotFound)
        /// A null where a non-optional value is required.
        public static let valueNotFound = Code(.valueNotFound)
        /// A value of another kind than the one expected (a string where an int is expected …).
        public static let typeMismatch = Code(.typeMismatch)
        /// An integer that does not fit the decoded Swift type, a day count outside 0001–9999 …
        public static let valueOutOfRange = Code(.valueOutOfRange)
        /// A well-formed value that its type rejects (unknown enum case, impossible date text …).
        public static let dataCorrupted = Code(.dataCorrupted)
        /// Bytes remain after the top-level value.
        public static let trailingBytes = Code(.trailingBytes)
        /// A value the wire cannot carry was given to the encoder (a non-finite instant …).
        public static let invalidValue = Code(.invalidValue)
        /// JSON text that is not RFC 8259 JSON.
        public static let invalidJSON = Code(.invalidJSON)

        /// Every code, for tables and tests.
        public static let allCodes: [Code] = [
            .truncated, .invalidTag, .invalidUTF8, .invalidVarint, .limitExceeded, .depthExceeded,
            .duplicateKey, .keyNotFound, .valueNotFound, .typeMismatch, .valueOutOfRange, .dataCorrupted,
            .trailingBytes, .invalidValue, .invalidJSON,
        ]

        /// The code's name in lower camel case, as written in `WIRE.md`.
        public var description: String {
            switch self.wrapped {
            case .truncated: "truncated"
            case .invalidTag: "invalidTag"
            case .invalidUTF8: "invalidUTF8"
            case .invalidVarint: "invalidVarint"
            case .limitExceeded: "limitExceeded"
            case .depthExceeded: "depthExceeded"
            case .duplicateKey: "duplicateKey"
            case .keyNotFound: "keyNotFound"
            case .valueNotFound: "valueNotFound"
            case .typeMismatch: "typeMismatch"
            case .valueOutOfRange: "valueOutOfRange"
            case .dataCorrupted: "dataCorrupted"
            case .trailingBytes: "trailingBytes"
            case .invalidValue: "invalidValue"
            case .invalidJSON: "invalidJSON"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation, meant for logs and error replies.
    public var message: String
    /// Dotted path of the value at fault (`rows.3.due_date`); empty for the top-level value.
    public var codingPath: String

    /// Creates an error.
    public init(code: Code, message: String, codingPath: String = "") {
        self.code = code
        self.message = message
        self.codingPath = codingPath
    }

    /// `code at path: message`, or `code: message` at the top level.
    public var description: String {
        if self.codingPath.isEmpty {
            return "\(self.code): \(self.message)"
        }
        return "\(self.code) at \(self.codingPath): \(self.message)"
    }

    /// A required field is absent: for hand-written ``WireFastDecodable`` conformances.
    public static func keyNotFound(_ key: String) -> WireError {
        WireError(code: .keyNotFound, message: "required field \"\(key)\" is absent", codingPath: key)
    }

    /// A string is not one of the values of an enumeration: for hand-written
    /// ``WireFastDecodable`` conformances.
    public static func unknownCase(_ value: String, of type: String) -> WireError {
        WireError(code: .dataCorrupted, message: "unknown \(type) value \"\(value.prefix(40))\"")
    }

    /// The same error with `component` prepended to its coding path.
    @usableFromInline
    package func prefixingPath(_ component: String) -> WireError {
        var copy = self
        copy.codingPath = self.codingPath.isEmpty ? component : component + "." + self.codingPath
        return copy
    }
}

// MARK: - Constructors used on cold paths

extension WireError {
    @usableFromInline
    static func truncated(needed: Int, at position: Int) -> WireError {
        WireError(code: .truncated, message: "input ends at byte \(position), \(needed) more byte(s) needed")
    }

    @usableFromInline
    static func invalidTag(_ byte: UInt8, at position: Int) -> WireError {
        WireError(code: .invalidTag, message: "byte 0x\(String(byte, radix: 16)) at \(position) is not a value tag")
    }

    @usableFromInline
    static func unexpectedTag(_ tag: WireTag, expected: String, at position: Int) -> WireError {
        WireError(code: .typeMismatch, message: "expected \(expected), found \(tag.name) at byte \(position)")
    }

    @usableFromInline
    static func invalidVarint(at position: Int, _ reason: String) -> WireError {
        WireError(code: .invalidVarint, message: "varint at byte \(position): \(reason)")
    }

    @usableFromInline
    static func outOfRange(_ value: String, type: String) -> WireError {
        WireError(code: .valueOutOfRange, message: "\(value) does not fit in \(type)")
    }
}
