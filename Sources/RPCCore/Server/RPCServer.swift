public import ServerSupport

/// Serves ``ServiceDefinition``s over a transport until a graceful shutdown.
///
/// ```swift
/// let server = try RPCServer(
///     transport: TCPServerTransport(host: "127.0.0.1", port: 0),
///     services: [greeter]
/// )
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { try await server.serve() }
///     print("listening on", try await server.listeningAddress)
///     // …
///     server.beginGracefulShutdown()
/// }
/// ```
///
/// The built-in health (`pilotage.health.Health`) and reflection
/// (`pilotage.reflection.Reflection`) services are always registered.
public final class RPCServer: Sendable {
    /// The configuration in effect.
    public let configuration: Configuration
    /// The health status registry served by `pilotage.health.Health`.
    public let health: HealthStatusRegistry

    private let transport: any RPCServerTransport
    private let runtime: ServerRuntime
    private let state = LockedValueBox(State())
    private let logger: Logger

    private struct State {
        enum Phase {
            case idle, starting
            case listening(RPCAddress)
            case failed(any Error)
            case shuttingDown, stopped
        }

        var phase: Phase = .idle
        var isShutdownRequested = false
        var shutdownWaiter: UnsafeContinuation<Void, Never>?
        var addressWaiters: [UInt64: UnsafeContinuation<Result<RPCAddress, any Error>, Never>] = [:]
        var nextWaiterID: UInt64 = 0
    }

    /// Creates a server.
    ///
    /// - Parameters:
    ///   - transport: where to listen (TCP, in-process).
    ///   - services: the application's services.
    ///   - configuration: limits and timeouts.
    ///   - codec: the message encoding; defaults to ``RPCServer/defaultCodec``.
    ///   - interceptors: hooks run before every handler (authentication…).
    ///   - logger: receives connection and call-error records.
    /// - Throws: ``RuntimeError`` `duplicateMethod` or `invalidConfiguration`.
    public init(
        transport: any RPCServerTransport,
        services: [ServiceDefinition],
        configuration: Configuration = Configuration(),
        codec: any MessageCodec = RPCServer.defaultCodec,
        interceptors: [any ServerInterceptor] = [],
        logger: Logger = Logger(label: "rpc.server")
    ) throws {
        try configuration.validate()
        let health = HealthStatusRegistry()
        var methods: [String: RegisteredMethod] = [:]
        for service in services + [HealthService.definition(registry: health)] {
            for method in service.methods {
                guard methods[method.info.fullName] == nil else {
                    throw RuntimeError(
                        code: .duplicateMethod,
                        message: "method '\(method.info.fullName)' is registered twice"
                    )
                }
                methods[method.info.fullName] = method
            }
        }
        let reflection = ReflectionService.definition(methods: Array(methods.values))
        for method in reflection.methods {
            guard methods[method.info.fullName] == nil else {
                throw RuntimeError(
                    code: .duplicateMethod,
                    message: "method '\(method.info.fullName)' is registered twice"
                )
            }
            methods[method.info.fullName] = method
        }
        for name in Set(methods.values.map(\.info.service)) { health.setStatus(.serving, for: name) }
        self.configuration = configuration
        self.health = health
        self.transport = transport
        self.logger = logger
        self.runtime = ServerRuntime(
            methods: methods,
            configuration: configuration,
            codec: codec,
            interceptors: interceptors,
            logger: logger
        )
    }

    /// The codec servers and clients use unless told otherwise: the binary format of `WIRE.md` §6.
    public static var defaultCodec: any MessageCodec { WireMessageCodec() }

    /// Listens and serves until ``beginGracefulShutdown()`` (or cancellation of the calling
    /// task), then stops accepting, sends GOAWAY, lets in-flight calls finish for
    /// ``Configuration-swift.struct/shutdownGracePeriod``, cancels the rest and closes.
    ///
    /// - Throws: ``RuntimeError`` when the server already ran or the transport cannot listen.
    public func serve() async throws {
        try self.state.withLock { state in
            guard case .idle = state.phase else {
                throw RuntimeError(code: .serverIsAlreadyRunning, message: "serve() can only be called once")
            }
            state.phase = .starting
        }
        let address: RPCAddress
        do {
            address = try await self.transport.listen { [runtime] stream in runtime.accept(stream) }
        } catch {
            let failure = RuntimeError(code: .transportError, message: "cannot listen: \(error)", cause: error)
            self.publish(.failure(failure), phase: .failed(failure))
            throw failure
        }
        self.publish(.success(address), phase: .listening(address))
        self.logger.info("listening", metadata: ["rpc.address": address.description])

        await withTaskCancellationHandler {
            await self.waitForShutdownRequest()
        } onCancel: {
            self.beginGracefulShutdown()
        }

        self.state.withLock { $0.phase = .shuttingDown }
        self.logger.info("shutting down", metadata: ["rpc.grace": "\(self.configuration.shutdownGracePeriod)"])
        self.health.setAllNotServing()
        self.transport.stopListening()
        self.runtime.beginDrain()
        let runtime = self.runtime
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await runtime.waitUntilNoConnections() }
            group.addTask { try? await Task.sleep(for: self.configuration.shutdownGracePeriod) }
            await group.next()
            group.cancelAll()
        }
        if !self.runtime.connections.isEmpty {
            self.logger.info(
                "grace period over, cancelling remaining calls",
                metadata: ["rpc.connections": "\(self.runtime.connections.count)"]
            )
            self.runtime.forceCloseAll()
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await runtime.waitUntilNoConnections() }
                group.addTask { try? await Task.sleep(for: .seconds(2)) }
                await group.next()
                group.cancelAll()
            }
        }
        self.state.withLock { $0.phase = .stopped }
        self.logger.info("stopped")
    }

    /// Asks a running ``serve()`` to shut down gracefully; returns immediately. Idempotent.
    public func beginGracefulShutdown() {
        let waiter = self.state.withLock { state -> UnsafeContinuation<Void, Never>? in
            state.isShutdownRequested = true
            defer { state.shutdownWaiter = nil }
            return state.shutdownWaiter
        }
        waiter?.resume()
    }

    /// The address the server listens on (with the real port when port 0 was asked); waits
    /// until ``serve()`` has bound.
    ///
    /// - Throws: the binding error, or ``RuntimeError`` when the server stopped.
    public var listeningAddress: RPCAddress {
        get async throws {
            let waiterID = self.state.withLock { state -> UInt64 in
                state.nextWaiterID += 1
                return state.nextWaiterID
            }
            let result = await withUnsafeContinuation {
                (continuation: UnsafeContinuation<Result<RPCAddress, any Error>, Never>) in
                let immediate = self.state.withLock { state -> Result<RPCAddress, any Error>? in
                    switch state.phase {
                    case .idle, .starting:
                        state.addressWaiters[waiterID] = continuation
                        return nil
                    case .listening(let address):
                        return .success(address)
                    case .failed(let error):
                        return .failure(error)
                    case .shuttingDown, .stopped:
                        return .failure(RuntimeError(code: .serverIsStopped, message: "the server is stopped"))
                    }
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
            return try result.get()
        }
    }

    /// Live connection count (tests, metrics).
    public var connectionCount: Int { self.runtime.connections.count }

    /// Bytes the server has queued on all connections and the transport has not accepted yet
    /// (tests: proves a slow reader cannot make the server buffer without bound).
    public var bufferedOutboundBytes: Int {
        self.runtime.connections.reduce(0) { $0 + $1.unwrittenByteCount }
    }

    /// How many handlers are suspended in a response `write`, waiting for flow-control window
    /// (tests: proves a slow reader suspends the writer).
    package var handlersWaitingForWindow: Int {
        self.runtime.connections.reduce(0) { total, connection in
            total
                + connection.channel.withStateLock { state in state.calls.values.filter { $0.windowWaiter != nil }.count
                }
        }
    }

    private func publish(_ result: Result<RPCAddress, any Error>, phase: State.Phase) {
        let waiters = self.state.withLock { state -> [UnsafeContinuation<Result<RPCAddress, any Error>, Never>] in
            state.phase = phase
            defer { state.addressWaiters = [:] }
            return Array(state.addressWaiters.values)
        }
        for waiter in waiters { waiter.resume(returning: result) }
    }

    private func waitForShutdownRequest() async {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let isRequested = self.state.withLock { state -> Bool in
                if state.isShutdownRequested { return true }
                state.shutdownWaiter = continuation
                return false
            }
            if isRequested { continuation.resume() }
        }
    }
}
