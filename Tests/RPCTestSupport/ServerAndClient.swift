public import RPCCore
internal import RPCInProcessTransport
internal import RPCTransportTCP
public import ServerSupport

/// The transport a test runs over.
public enum TestTransport: String, Sendable, CaseIterable, CustomStringConvertible {
    /// In-memory pair.
    case inProcess
    /// Real TCP on 127.0.0.1, port 0.
    case tcp

    public var description: String { self.rawValue }
}

/// Starts a server with `services` on `transport`, connects a client, runs `body`, then closes
/// the client and shuts the server down (always, also when `body` throws).
public func withServerAndClient<Result: Sendable>(
    _ transport: TestTransport,
    services: [ServiceDefinition],
    serverConfiguration: RPCServer.Configuration = RPCServer.Configuration(),
    clientConfiguration: RPCClient.Configuration = RPCClient.Configuration(),
    interceptors: [any ServerInterceptor] = [],
    logger: Logger = .silent(),
    _ body: @Sendable (RPCServer, RPCClient) async throws -> Result
) async throws -> Result {
    let serverTransport: any RPCServerTransport
    let makeClientTransport: @Sendable (RPCAddress) -> any RPCClientTransport
    switch transport {
    case .inProcess:
        let pair = InProcessTransport()
        serverTransport = pair.server
        makeClientTransport = { _ in pair.client }
    case .tcp:
        serverTransport = TCPServerTransport(host: "127.0.0.1", port: 0)
        makeClientTransport = { address in TCPClientTransport(host: address.host, port: address.port) }
    }
    let server = try RPCServer(
        transport: serverTransport,
        services: services,
        configuration: serverConfiguration,
        interceptors: interceptors,
        logger: logger
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.serve() }
        let address = try await server.listeningAddress
        let client = RPCClient(
            transport: makeClientTransport(address),
            configuration: clientConfiguration,
            logger: logger
        )
        do {
            let result = try await body(server, client)
            client.close()
            server.beginGracefulShutdown()
            try await group.waitForAll()
            return result
        } catch {
            client.close()
            server.beginGracefulShutdown()
            try? await group.waitForAll()
            throw error
        }
    }
}

/// Polls `condition` every few milliseconds until it holds or `timeout` passes; returns whether it held.
public func eventually(
    timeout: Duration = .seconds(5),
    _ condition: @Sendable () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return try await condition()
}

/// Runs a TCP server on 127.0.0.1:`port` (0 = any) for the duration of `body`, then shuts it
/// down gracefully and waits for `serve()` to return.
public func withTCPServer<Result: Sendable>(
    port: Int = 0,
    services: [ServiceDefinition],
    configuration: RPCServer.Configuration = RPCServer.Configuration(),
    interceptors: [any ServerInterceptor] = [],
    logger: Logger = .silent(),
    _ body: @Sendable (RPCServer) async throws -> Result
) async throws -> Result {
    let server = try RPCServer(
        transport: TCPServerTransport(host: "127.0.0.1", port: port),
        services: services,
        configuration: configuration,
        interceptors: interceptors,
        logger: logger
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
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

/// A TCP client transport to 127.0.0.1:`port`.
public func tcpClientTransport(port: Int) -> any RPCClientTransport {
    TCPClientTransport(host: "127.0.0.1", port: port)
}

/// A TCP server transport on 127.0.0.1:`port`.
public func tcpServerTransport(port: Int) -> any RPCServerTransport {
    TCPServerTransport(host: "127.0.0.1", port: port)
}

/// Builds in-process transports for tests that construct servers directly.
public enum InProcessTransportFactory {
    /// The server side of a fresh in-process pair.
    public static func server() -> any RPCServerTransport {
        InProcessTransport().server
    }
}

/// `value` encoded with the default message codec (for raw-frame tests).
public func encodeMessage<Message: Encodable>(_ value: Message) throws -> [UInt8] {
    try RPCServer.defaultCodec.serialize(value)
}
