/// A failure that stops a whole import: an unreadable file, a file that is not of the expected
/// format, an invalid parameter.
///
/// Problems confined to one line or one row are never thrown: they are reported as ``RowIssue``s
/// and the line is skipped.
public struct ImportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case unreadableSource
            case missingHeader
            case missingColumn
            case unknownEntityKind
            case invalidParameter
            case cancelled
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// The file cannot be opened or read.
        public static let unreadableSource = Code(.unreadableSource)
        /// The first line is not the header the format requires.
        public static let missingHeader = Code(.missingHeader)
        /// The header lacks a column the format requires.
        public static let missingColumn = Code(.missingColumn)
        /// A CSV file name or argument does not name an entity kind.
        public static let unknownEntityKind = Code(.unknownEntityKind)
        /// A parameter of the call is out of range.
        public static let invalidParameter = Code(.invalidParameter)
        /// The task reading the file was cancelled.
        public static let cancelled = Code(.cancelled)

        public var description: String {
            switch self.wrapped {
            case .unreadableSource: "unreadableSource"
            case .missingHeader: "missingHeader"
            case .missingColumn: "missingColumn"
            case .unknownEntityKind: "unknownEntityKind"
            case .invalidParameter: "invalidParameter"
            case .cancelled: "cancelled"
            }
        }
    }

    /// The stable code.
    public var code: Code
    /// A message for a human, naming the file and what was expected.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String {
        "\(self.code): \(self.message)"
    }
}
