/// A hook that sees every call before its handler: authentication, authorization, auditing.
///
/// Interceptors run in order on the handler's task. Throwing an ``RPCError`` (or an
/// ``RPCErrorConvertible``) rejects the call with that status before the handler runs; an
/// interceptor may attach values (the authenticated principal) to the context for the handler.
///
/// ```swift
/// struct RequireCredential: ServerInterceptor {
///     func intercept(_ context: ServerContext) async throws {
///         guard context.metadata[MetadataKey.authorization] != nil else {
///             throw RPCError(code: .unauthenticated, message: "missing credential")
///         }
///     }
/// }
/// ```
public protocol ServerInterceptor: Sendable {
    /// Inspects the call; throws to reject it.
    func intercept(_ context: ServerContext) async throws
}

/// An interceptor from a closure.
public struct ClosureServerInterceptor: ServerInterceptor {
    private let body: @Sendable (ServerContext) async throws -> Void

    /// Wraps `body`.
    public init(_ body: @escaping @Sendable (ServerContext) async throws -> Void) {
        self.body = body
    }

    public func intercept(_ context: ServerContext) async throws {
        try await self.body(context)
    }
}
