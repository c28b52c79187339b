/// An error of the KPI domain: bad settings, bad arguments, a request the caller may not make.
///
/// Bad input never crashes: it throws a `KPIError` with a code and a human message.
public struct KPIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case invalidSettings
            case invalidArgument
            case permissionDenied
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// A firm setting is out of range (boundaries not increasing, fiscal start impossible …).
        public static let invalidSettings = Code(.invalidSettings)
        /// An argument is out of range (period end before start, empty range …).
        public static let invalidArgument = Code(.invalidArgument)
        /// The acting user may not ask this (a non-validator filtering prospects by region …).
        public static let permissionDenied = Code(.permissionDenied)

        public var description: String {
            switch self.wrapped {
            case .invalidSettings: "invalidSettings"
            case .invalidArgument: "invalidArgument"
            case .permissionDenied: "permissionDenied"
            }
        }
    }

    /// The error code.
    public var code: Code
    /// A message for humans, naming the offending value.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String {
        "KPIError(\(self.code)): \(self.message)"
    }
}
