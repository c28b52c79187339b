/// An error of the rollup store: a commit that does not match its batch, or rollups that cannot
/// answer a request.
public struct RollupStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Hashable, Sendable {
            case invalidCommit
            case invalidRequest
            case settingsChanged
            case tooStale
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// A commit's rows do not belong to its partitions (wrong key, day outside the month …).
        public static let invalidCommit = Code(.invalidCommit)
        /// A read request outside what rollups hold (a date after today …).
        public static let invalidRequest = Code(.invalidRequest)
        /// The selected rollups were computed under other settings than the firm's current ones
        /// (a settings change is being rebuilt).
        public static let settingsChanged = Code(.settingsChanged)
        /// The rollups lag more than the caller's `max_staleness`.
        public static let tooStale = Code(.tooStale)

        /// The code's name.
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

    /// `invalidCommit: …`.
    public var description: String { "\(self.code): \(self.message)" }
}
