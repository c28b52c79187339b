/// An inconsistency found in a firm's file (never caused by a client's input: inputs are
/// rejected per row during validation).
public struct TenantStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of inconsistency.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case inconsistent
        }

        private let wrapped: Wrapped

        /// The file contradicts itself (a row the code just wrote is missing …).
        public static let inconsistent = Code(wrapped: .inconsistent)

        public var description: String {
            switch self.wrapped {
            case .inconsistent: "inconsistent"
            }
        }
    }

    /// The kind of error.
    public var code: Code
    /// A human-readable explanation.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(self.code): \(self.message)" }
}
