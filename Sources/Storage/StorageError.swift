/// An error of the storage layer that is not SQLite's own (those are ``SQLiteError``): bad
/// firm ids, schema versions the code does not know, closed databases, catalog rules, leases.
///
/// The service layer maps codes to RPC statuses (`invalidFirmID` → INVALID_ARGUMENT,
/// `firmNotFound` → NOT_FOUND, `leaseLost` → ABORTED …); `Storage` does not know about RPC.
public struct StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a closed but extensible set.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Hashable, Sendable {
            case invalidFirmID
            case invalidArgument
            case invalidMigrations
            case schemaTooNew
            case migrationMismatch
            case closed
            case firmNotFound
            case firmAlreadyExists
            case credentialNotFound
            case leaseLost
            case staleFence
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// A firm id that is not `[A-Za-z0-9_-]{1,64}`.
        public static let invalidFirmID = Code(.invalidFirmID)
        /// An argument outside what the API accepts (empty name, no firm for a back-office key …).
        public static let invalidArgument = Code(.invalidArgument)
        /// A migration list that is not numbered 1, 2, 3 … with unique, non-empty names.
        public static let invalidMigrations = Code(.invalidMigrations)
        /// The file's schema is newer than this code knows: it was written by a newer release.
        public static let schemaTooNew = Code(.schemaTooNew)
        /// The file records a migration under a version whose name differs from the code's list.
        public static let migrationMismatch = Code(.migrationMismatch)
        /// The database or pool was closed.
        public static let closed = Code(.closed)
        /// No such firm in the catalog.
        public static let firmNotFound = Code(.firmNotFound)
        /// A firm with this id already exists.
        public static let firmAlreadyExists = Code(.firmAlreadyExists)
        /// No such credential.
        public static let credentialNotFound = Code(.credentialNotFound)
        /// The worker lease expired, was released, or was taken over (its fencing token is stale).
        public static let leaseLost = Code(.leaseLost)
        /// A commit carried a fencing token older than one already committed for the partition.
        public static let staleFence = Code(.staleFence)

        /// The code's name (`leaseLost`).
        public var description: String { self.wrapped.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation naming the offending value.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `leaseLost: …`.
    public var description: String { "\(self.code): \(self.message)" }
}
