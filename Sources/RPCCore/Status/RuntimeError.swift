/// An error of the RPC runtime itself rather than of a call: misconfiguration, a server started
/// twice, a transport that failed to bind.
public struct RuntimeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// The lower-level error, if any; not part of equality.
    public var cause: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public static func == (lhs: RuntimeError, rhs: RuntimeError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.code)
        hasher.combine(self.message)
    }

    public var description: String {
        var text = "\(self.code): \(self.message)"
        if let cause = self.cause { text += " (cause: \(cause))" }
        return text
    }

    /// The kind of runtime error.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case serverIsAlreadyRunning
            case serverIsStopped
            case clientIsStopped
            case transportError
            case invalidConfiguration
            case duplicateMethod
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// `serve()` was called on a server that is already serving.
        public static let serverIsAlreadyRunning = Code(.serverIsAlreadyRunning)
        /// The server was shut down and cannot serve again.
        public static let serverIsStopped = Code(.serverIsStopped)
        /// The client was closed.
        public static let clientIsStopped = Code(.clientIsStopped)
        /// The transport failed (bind, listen, accept).
        public static let transportError = Code(.transportError)
        /// A configuration value is out of range.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// Two handlers were registered for the same method.
        public static let duplicateMethod = Code(.duplicateMethod)

        public var description: String {
            switch self.wrapped {
            case .serverIsAlreadyRunning: "serverIsAlreadyRunning"
            case .serverIsStopped: "serverIsStopped"
            case .clientIsStopped: "clientIsStopped"
            case .transportError: "transportError"
            case .invalidConfiguration: "invalidConfiguration"
            case .duplicateMethod: "duplicateMethod"
            }
        }
    }
}
