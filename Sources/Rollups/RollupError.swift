/// An error of the rollup layer: a stored or received parts blob that does not decode, or facts
/// that cannot be turned into rollups.
public struct RollupError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Hashable, Sendable {
            case malformedParts
            case invalidPartition
            case invalidFacts
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// A parts blob is not the encoding its type expects (corrupt row, wrong layout version).
        public static let malformedParts = Code(.malformedParts)
        /// A partition key or batch the rollup code cannot compute.
        public static let invalidPartition = Code(.invalidPartition)
        /// Facts that do not decode or do not belong to the batch.
        public static let invalidFacts = Code(.invalidFacts)

        /// The code's name (`malformedParts`).
        public var description: String { self.wrapped.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `malformedParts: …`.
    public var description: String { "\(self.code): \(self.message)" }
}
