/// An error that ends a call with a non-OK status: what clients catch and what handlers throw
/// when they want a specific status.
///
/// `cause` is local only (never serialized): on the client it holds the transport error behind
/// an `UNAVAILABLE`, on the server the error a handler wrapped.
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The status code; never `OK`.
    public var code: Code
    /// A human-readable message sent to the peer.
    public var message: String
    /// Metadata sent as trailers with the status (server → client).
    public var metadata: Metadata
    /// The local error behind this one, if any. Not sent on the wire and not part of equality.
    public var cause: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, metadata: Metadata = [:], cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.metadata = metadata
        self.cause = cause
    }

    /// Creates an error from a non-OK status; returns `nil` for `OK`.
    public init?(status: RPCStatus, metadata: Metadata = [:]) {
        guard let code = Code(status.code) else { return nil }
        self.init(code: code, message: status.message, metadata: metadata)
    }

    /// The status this error is sent as.
    public var status: RPCStatus { RPCStatus(code: self.code.statusCode, message: self.message) }

    public static func == (lhs: RPCError, rhs: RPCError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.metadata == rhs.metadata
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.code)
        hasher.combine(self.message)
        hasher.combine(self.metadata)
    }

    public var description: String {
        var text = "\(self.code): \(self.message)"
        if let cause = self.cause { text += " (cause: \(cause))" }
        return text
    }

    /// A non-OK status code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The status code sent on the wire.
        public let statusCode: RPCStatus.Code

        /// Wraps a status code; `nil` for `OK`.
        public init?(_ statusCode: RPCStatus.Code) {
            guard statusCode != .ok else { return nil }
            self.statusCode = statusCode
        }

        private init(unchecked statusCode: RPCStatus.Code) {
            self.statusCode = statusCode
        }

        /// See ``RPCStatus/Code-swift.struct/cancelled``.
        public static let cancelled = Code(unchecked: .cancelled)
        /// See ``RPCStatus/Code-swift.struct/invalidArgument``.
        public static let invalidArgument = Code(unchecked: .invalidArgument)
        /// See ``RPCStatus/Code-swift.struct/deadlineExceeded``.
        public static let deadlineExceeded = Code(unchecked: .deadlineExceeded)
        /// See ``RPCStatus/Code-swift.struct/notFound``.
        public static let notFound = Code(unchecked: .notFound)
        /// See ``RPCStatus/Code-swift.struct/alreadyExists``.
        public static let alreadyExists = Code(unchecked: .alreadyExists)
        /// See ``RPCStatus/Code-swift.struct/permissionDenied``.
        public static let permissionDenied = Code(unchecked: .permissionDenied)
        /// See ``RPCStatus/Code-swift.struct/resourceExhausted``.
        public static let resourceExhausted = Code(unchecked: .resourceExhausted)
        /// See ``RPCStatus/Code-swift.struct/failedPrecondition``.
        public static let failedPrecondition = Code(unchecked: .failedPrecondition)
        /// See ``RPCStatus/Code-swift.struct/aborted``.
        public static let aborted = Code(unchecked: .aborted)
        /// See ``RPCStatus/Code-swift.struct/unimplemented``.
        public static let unimplemented = Code(unchecked: .unimplemented)
        /// See ``RPCStatus/Code-swift.struct/internalError``.
        public static let internalError = Code(unchecked: .internalError)
        /// See ``RPCStatus/Code-swift.struct/unavailable``.
        public static let unavailable = Code(unchecked: .unavailable)
        /// See ``RPCStatus/Code-swift.struct/unauthenticated``.
        public static let unauthenticated = Code(unchecked: .unauthenticated)

        /// Every non-OK code of the closed set.
        public static let allCases: [Code] = RPCStatus.Code.allCases.compactMap(Code.init)

        public var description: String { self.statusCode.name }
    }
}

/// An error type that chooses the status it is sent as.
///
/// Storage and domain errors conform so a handler can simply `throw` them; any other error
/// reaching the server becomes `INTERNAL` with a generic message and is logged server-side.
public protocol RPCErrorConvertible: Error {
    /// The status code to send.
    var rpcErrorCode: RPCError.Code { get }
    /// The message to send; it reaches the client, so it must not leak internals.
    var rpcErrorMessage: String { get }
    /// Trailers to send with the status; empty by default.
    var rpcErrorMetadata: Metadata { get }
}

extension RPCErrorConvertible {
    /// No trailers by default.
    public var rpcErrorMetadata: Metadata { [:] }

    /// The ``RPCError`` this error is sent as, with `self` as its cause.
    public var rpcError: RPCError {
        RPCError(code: self.rpcErrorCode, message: self.rpcErrorMessage, metadata: self.rpcErrorMetadata, cause: self)
    }
}
