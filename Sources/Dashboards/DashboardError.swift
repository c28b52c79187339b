/// A request a dashboard cannot answer as asked: a typed code the gateway maps to its RPC status
/// and a message naming what was wrong.
public struct DashboardError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: String, Hashable, Sendable {
        /// The request names an unknown column, view or KPI, or a malformed cursor (`INVALID_ARGUMENT`).
        case invalidArgument
        /// The data moved under a cursor or a pinned export (`FAILED_PRECONDITION`).
        case failedPrecondition
        /// The request asks for more than the limits allow (`RESOURCE_EXHAUSTED`).
        case resourceExhausted
    }

    /// What kind of failure.
    public var code: Code
    /// What was wrong, for the caller.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(self.code.rawValue): \(self.message)" }
}
