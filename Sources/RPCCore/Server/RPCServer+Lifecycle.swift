public import ServerSupport

extension RPCServer {
    /// Serves until SIGTERM or SIGINT arrives, then shuts down gracefully (stop accepting,
    /// GOAWAY, drain for the grace period, cancel the rest) and returns.
    ///
    /// The one call an executable needs:
    ///
    /// ```swift
    /// let server = try RPCServer(transport: TCPServerTransport(port: 7400), services: [service])
    /// try await server.serveUntilTerminated()
    /// ```
    ///
    /// - Parameter signals: the signals to watch (SIGTERM and SIGINT by default).
    public func serveUntilTerminated(signals: TerminationSignals = TerminationSignals()) async throws {
        enum Finished: Sendable {
            case server
            case signal
        }
        try await withThrowingTaskGroup(of: Finished.self) { group in
            group.addTask {
                try await self.serve()
                return .server
            }
            group.addTask {
                for await signal in signals {
                    self.logger.notice("received \(signal), shutting down gracefully")
                    self.beginGracefulShutdown()
                    break
                }
                return .signal
            }
            // A signal lets the server drain (no cancellation, which would skip the grace
            // period); a server that stopped on its own ends the signal watch.
            if try await group.next() == .server {
                group.cancelAll()
            }
            try await group.waitForAll()
        }
    }
}

/// Runs a server for the duration of `body`: starts ``RPCServer/serve()`` in a child task,
/// waits until it listens, runs `body`, then shuts the server down gracefully and waits for it,
/// also when `body` throws.
///
/// ```swift
/// try await withRPCServer(transport: TCPServerTransport(port: 0), services: [echo]) { server in
///     let port = try await server.listeningAddress.port
///     …
/// }
/// ```
public func withRPCServer<Result: Sendable>(
    transport: any RPCServerTransport,
    services: [ServiceDefinition],
    configuration: RPCServer.Configuration = RPCServer.Configuration(),
    codec: any MessageCodec = RPCServer.defaultCodec,
    interceptors: [any ServerInterceptor] = [],
    logger: Logger = Logger(label: "rpc.server"),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (RPCServer) async throws -> Result
) async throws -> Result {
    let server = try RPCServer(
        transport: transport,
        services: services,
        configuration: configuration,
        codec: codec,
        interceptors: interceptors,
        logger: logger
    )
    return try await withThrowingTaskGroup(of: Void.self, returning: Result.self, isolation: isolation) { group in
        group.addTask { try await server.serve() }
        do {
            _ = try await server.listeningAddress
            let result = try await body(server)
            server.beginGracefulShutdown()
            try await group.waitForAll()
            return result
        } catch {
            server.beginGracefulShutdown()
            try? await group.waitForAll()
            throw error
        }
    }
}
