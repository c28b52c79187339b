internal import Foundation
internal import ServerSupport

/// What every connection of a server shares: the routing table, configuration, codec,
/// interceptors, logger, and the registry of live connections used by shutdown.
final class ServerRuntime: Sendable {
    let methods: [String: RegisteredMethod]
    let configuration: RPCServer.Configuration
    let codec: any MessageCodec
    let interceptors: [any ServerInterceptor]
    let logger: Logger
    /// A random tag distinguishing this server instance's generated request ids.
    let instanceTag: String
    private let registry = LockedValueBox(Registry())
    private let nextConnectionID = LockedValueBox<UInt64>(0)

    private struct Registry {
        var connections: [UInt64: ServerConnection] = [:]
        var isDraining = false
        var emptyWaiters: [UInt64: UnsafeContinuation<Void, Never>] = [:]
        var cancelledWaiters: Set<UInt64> = []
        var nextWaiterID: UInt64 = 0
    }

    init(
        methods: [String: RegisteredMethod],
        configuration: RPCServer.Configuration,
        codec: any MessageCodec,
        interceptors: [any ServerInterceptor],
        logger: Logger
    ) {
        self.methods = methods
        self.configuration = configuration
        self.codec = codec
        self.interceptors = interceptors
        self.logger = logger
        self.instanceTag = String(UInt32.random(in: 46_656..<1_679_616), radix: 36)
    }

    /// A request id for a call that brought none: unique per server instance.
    ///
    /// Base-36 parts joined by `-` (`k3f9-1-2s`) stay within Swift's 15-byte small-string
    /// storage for the first millions of calls: no heap allocation per call.
    func makeRequestID(connection: UInt64, call: UInt32) -> String {
        self.instanceTag + "-" + String(connection, radix: 36) + "-" + String(call, radix: 36)
    }

    // MARK: - Connections

    /// Adopts an accepted stream (refused with GOAWAY when the server is draining).
    func accept(_ stream: any RPCByteStream) {
        let id = self.nextConnectionID.withLock { value -> UInt64 in
            value += 1
            return value
        }
        let connection = ServerConnection(id: id, stream: stream, runtime: self)
        let isDraining = self.registry.withLock { registry -> Bool in
            registry.connections[id] = connection
            return registry.isDraining
        }
        connection.start()
        if isDraining { connection.beginDrain(message: "server shutting down") }
    }

    func connectionFinished(_ connection: ServerConnection) {
        let waiters = self.registry.withLock { registry -> [UnsafeContinuation<Void, Never>] in
            registry.connections[connection.id] = nil
            guard registry.connections.isEmpty else { return [] }
            defer { registry.emptyWaiters = [:] }
            return Array(registry.emptyWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The live connections (tests and shutdown).
    var connections: [ServerConnection] {
        self.registry.withLock { Array($0.connections.values) }
    }

    /// Sends GOAWAY on every connection; new connections are drained as they come.
    func beginDrain() {
        let connections = self.registry.withLock { registry -> [ServerConnection] in
            registry.isDraining = true
            return Array(registry.connections.values)
        }
        for connection in connections { connection.beginDrain(message: "server shutting down") }
    }

    /// Fails every remaining call and closes every connection.
    func forceCloseAll() {
        for connection in self.connections { connection.forceClose() }
    }

    /// Returns once no connection is left, or when the task is cancelled.
    func waitUntilNoConnections() async {
        let waiterID = self.registry.withLock { registry -> UInt64 in
            registry.nextWaiterID += 1
            return registry.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let resumeNow = self.registry.withLock { registry -> Bool in
                    if registry.connections.isEmpty || registry.cancelledWaiters.remove(waiterID) != nil { return true }
                    registry.emptyWaiters[waiterID] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.registry.withLock { registry -> UnsafeContinuation<Void, Never>? in
                if let waiter = registry.emptyWaiters.removeValue(forKey: waiterID) { return waiter }
                registry.cancelledWaiters.insert(waiterID)
                return nil
            }
            waiter?.resume()
        }
    }

    // MARK: - Running a call

    /// Runs interceptors and the handler, then sends the status (unless the call closed first).
    func run(_ call: ServerCall, context: ServerContext) async {
        var finalMessage: [UInt8]?
        var status = RPCStatus.ok
        var trailers = Metadata()
        do {
            for interceptor in self.interceptors {
                try await interceptor.intercept(context)
            }
            finalMessage = try await call.method.run(call, context, self.codec)
            trailers = context.trailers
        } catch {
            let rpcError = self.rpcError(for: error, call: call, context: context)
            status = rpcError.status
            trailers = context.trailers
            trailers.add(contentsOf: rpcError.metadata)
        }
        if context.providedRequestID != nil || status.code != .ok, trailers[MetadataKey.requestID] == nil {
            trailers.add(MetadataKey.requestID, context.requestID)
        }
        call.finish(message: finalMessage, status: status, trailers: trailers)
    }

    private func rpcError(for error: any Error, call: ServerCall, context: ServerContext) -> RPCError {
        if let rpcError = error as? RPCError {
            return rpcError
        }
        if let convertible = error as? any RPCErrorConvertible {
            return convertible.rpcError
        }
        if error is CancellationError {
            let reason = call.connection.channel.withStateLock { _ in call.closeReason }
            return reason ?? RPCError(code: .cancelled, message: "the handler was cancelled")
        }
        if let encoding = error as? ResponseEncodingError {
            context.logger.error("cannot encode the response message", metadata: ["error": "\(encoding.underlying)"])
        } else {
            context.logger.error("handler failed with an unexpected error", metadata: ["error": "\(error)"])
        }
        return RPCError(code: .internalError, message: "internal error (request id \(context.requestID))")
    }
}
