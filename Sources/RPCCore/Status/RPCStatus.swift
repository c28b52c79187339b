/// The outcome of a call as carried by a STATUS frame: a code from a closed set and a message.
///
/// Codes use gRPC's numbering so a gRPC user reads them without a table. The set is closed:
/// there is no `UNKNOWN`; a handler error that is not an ``RPCError`` or ``RPCErrorConvertible``
/// becomes ``Code-swift.struct/internalError`` with a generic message, and a client receiving a
/// number outside the set treats it as ``Code-swift.struct/internalError``.
public struct RPCStatus: Hashable, Sendable, CustomStringConvertible {
    /// The status code.
    public var code: Code
    /// A human-readable message; empty for `OK`.
    public var message: String

    /// Creates a status.
    public init(code: Code, message: String = "") {
        self.code = code
        self.message = message
    }

    /// The successful status.
    public static let ok = RPCStatus(code: .ok)

    public var description: String {
        self.message.isEmpty ? "\(self.code)" : "\(self.code): \(self.message)"
    }

    /// A status code: a struct over a private enum so the wire value is stable and new codes
    /// are additive.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: UInt8, CaseIterable {
            case ok = 0
            case cancelled = 1
            case invalidArgument = 3
            case deadlineExceeded = 4
            case notFound = 5
            case alreadyExists = 6
            case permissionDenied = 7
            case resourceExhausted = 8
            case failedPrecondition = 9
            case aborted = 10
            case unimplemented = 12
            case internalError = 13
            case unavailable = 14
            case unauthenticated = 16
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// Creates a code from its wire number, or `nil` when the number is not in the closed set.
        public init?(rawValue: UInt8) {
            guard let wrapped = Wrapped(rawValue: rawValue) else { return nil }
            self.wrapped = wrapped
        }

        /// Creates a code from a received wire number: numbers outside the set become `INTERNAL`.
        public init(receivedRawValue rawValue: UInt8) {
            self.wrapped = Wrapped(rawValue: rawValue) ?? .internalError
        }

        /// The wire number (gRPC numbering).
        public var rawValue: UInt8 { self.wrapped.rawValue }

        /// 0: the call succeeded.
        public static let ok = Code(.ok)
        /// 1: the call was cancelled, typically by the caller.
        public static let cancelled = Code(.cancelled)
        /// 3: the request is invalid regardless of the system's state (bad message, bad argument).
        public static let invalidArgument = Code(.invalidArgument)
        /// 4: the deadline expired before the call completed.
        public static let deadlineExceeded = Code(.deadlineExceeded)
        /// 5: a requested entity (tenant, client, document…) does not exist.
        public static let notFound = Code(.notFound)
        /// 6: the entity a client tried to create already exists.
        public static let alreadyExists = Code(.alreadyExists)
        /// 7: the caller is authenticated but not allowed to do this.
        public static let permissionDenied = Code(.permissionDenied)
        /// 8: a limit was hit (concurrent calls, message size, quota).
        public static let resourceExhausted = Code(.resourceExhausted)
        /// 9: the system is not in a state required for the operation.
        public static let failedPrecondition = Code(.failedPrecondition)
        /// 10: the operation was aborted, typically by a concurrency conflict; retry at a higher level.
        public static let aborted = Code(.aborted)
        /// 12: the method (or protocol version, or feature) is not implemented by the server.
        public static let unimplemented = Code(.unimplemented)
        /// 13: an internal error; the message is generic and details are logged server-side.
        public static let internalError = Code(.internalError)
        /// 14: the service is unavailable (connection failed, server shutting down); retry later.
        public static let unavailable = Code(.unavailable)
        /// 16: the call has no valid credential.
        public static let unauthenticated = Code(.unauthenticated)

        /// Every code of the closed set, in numeric order.
        public static let allCases: [Code] = Wrapped.allCases.map(Code.init)

        /// The upper-snake-case name used in the specification and on the command line (`NOT_FOUND`).
        public var name: String {
            switch self.wrapped {
            case .ok: "OK"
            case .cancelled: "CANCELLED"
            case .invalidArgument: "INVALID_ARGUMENT"
            case .deadlineExceeded: "DEADLINE_EXCEEDED"
            case .notFound: "NOT_FOUND"
            case .alreadyExists: "ALREADY_EXISTS"
            case .permissionDenied: "PERMISSION_DENIED"
            case .resourceExhausted: "RESOURCE_EXHAUSTED"
            case .failedPrecondition: "FAILED_PRECONDITION"
            case .aborted: "ABORTED"
            case .unimplemented: "UNIMPLEMENTED"
            case .internalError: "INTERNAL"
            case .unavailable: "UNAVAILABLE"
            case .unauthenticated: "UNAUTHENTICATED"
            }
        }

        /// Parses a code from its name (`NOT_FOUND`), as written in the specification.
        public init?(name: String) {
            guard let code = Code.allCases.first(where: { $0.name == name }) else { return nil }
            self = code
        }

        public var description: String { self.name }
    }
}
