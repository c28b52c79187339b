import RPCCore
import RPCTestSupport
import ServerSupport
import Testing

@Suite("Connection lifecycle over TCP")
struct ConnectionLifecycleTests {
    @Test("the server closes an idle connection with GOAWAY and the next call reconnects transparently")
    func idleReconnect() async throws {
        var configuration = RPCServer.Configuration()
        configuration.idleTimeout = .milliseconds(150)
        try await withServerAndClient(
            .tcp,
            services: [Probe.service(recorder: ProbeRecorder())],
            serverConfiguration: configuration
        ) { server, client in
            _ = try await client.unary(Probe.echo, Probe.EchoRequest(text: "one"))
            #expect(await eventually { server.connectionCount == 0 })
            let reply = try await client.unary(Probe.echo, Probe.EchoRequest(text: "two"))
            #expect(reply.text == "two")
            #expect(server.connectionCount == 1)
        }
    }

    @Test("the idle close is a GOAWAY with code OK, then the connection closes")
    func idleGoAwayOnTheWire() async throws {
        var configuration = RPCServer.Configuration()
        configuration.idleTimeout = .milliseconds(100)
        try await withTCPServer(services: [], configuration: configuration) { server in
            let raw = try await RawConnection(port: try await server.listeningAddress.port)
            try await raw.handshake()
            let frames = try await raw.framesUntilClosed(timeout: .seconds(5))
            let goAways = try frames.compactMap { frame -> GoAway? in
                if case .goAway(let goAway) = try frame.decodePayload() { return goAway }
                return nil
            }
            #expect(goAways.count == 1)
            #expect(goAways.first?.code == .ok)
            #expect(goAways.first?.message == "idle timeout")
        }
    }

    @Test("after the server restarts on the same port, the client reconnects on its next call")
    func serverRestart() async throws {
        let port = try unusedLocalPort()
        let client = RPCClient(transport: tcpClientTransport(port: port), logger: .silent())
        defer { client.close() }
        let services = [Probe.service(recorder: ProbeRecorder())]
        try await withTCPServer(port: port, services: services) { _ in
            let reply = try await client.unary(Probe.echo, Probe.EchoRequest(text: "before"))
            #expect(reply.text == "before")
        }
        try await withTCPServer(port: port, services: services) { _ in
            let reply = try await client.unary(Probe.echo, Probe.EchoRequest(text: "after"))
            #expect(reply.text == "after")
        }
    }

    @Test("with nothing listening, bounded backoff surfaces UNAVAILABLE with the last connection error")
    func backoffSurfacesUnavailable() async throws {
        var configuration = RPCClient.Configuration()
        configuration.backoff = RPCClient.Backoff(
            initialDelay: .milliseconds(20),
            maximumDelay: .milliseconds(80),
            maximumAttempts: 4
        )
        let client = RPCClient(
            transport: tcpClientTransport(port: try unusedLocalPort()),
            configuration: configuration,
            logger: .silent()
        )
        defer { client.close() }
        let start = ContinuousClock.now
        let error = await #expect(throws: RPCError.self) {
            _ = try await client.unary(Probe.echo, Probe.EchoRequest(text: "x"))
        }
        let elapsed = ContinuousClock.now - start
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("after 4 attempts") == true)
        #expect(error?.message.contains("refused") == true)
        #expect(error?.cause != nil)
        // 20 + 40 + 80 ms of backoff (±20 %) plus four refused connects: bounded, not a hang
        // (the upper bound is generous for a loaded machine running the whole suite).
        #expect(elapsed >= .milliseconds(100))
        #expect(elapsed < .seconds(10))
    }

    @Test("graceful shutdown: in-flight calls finish, new calls are refused, then connections close")
    func gracefulDrain() async throws {
        let recorder = ProbeRecorder()
        let server = try RPCServer(
            transport: TCPServerTransportFactory.loopback(),
            services: [Probe.service(recorder: recorder)],
            logger: .silent()
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            let port = try await server.listeningAddress.port
            let client = RPCClient(transport: tcpClientTransport(port: port), logger: .silent())
            defer { client.close() }
            let inFlight = Task {
                try await client.unary(Probe.sleep, Probe.SleepRequest(milliseconds: 400, tag: "in-flight"))
            }
            #expect(await eventually { recorder.hasStarted("in-flight") })
            server.beginGracefulShutdown()
            // A new connection is refused (the listener is closed) or told to go away.
            var refused = RPCClient.Configuration()
            refused.backoff = RPCClient.Backoff(
                initialDelay: .milliseconds(10),
                maximumDelay: .milliseconds(10),
                maximumAttempts: 2
            )
            let late = RPCClient(transport: tcpClientTransport(port: port), configuration: refused, logger: .silent())
            defer { late.close() }
            try await Task.sleep(for: .milliseconds(50))
            let error = await #expect(throws: RPCError.self) {
                _ = try await late.unary(Probe.echo, Probe.EchoRequest(text: "late"))
            }
            #expect(error?.code == .unavailable)
            // The in-flight call completes normally.
            _ = try await inFlight.value
            #expect(recorder.hasCompleted("in-flight"))
            try await group.waitForAll()
            #expect(server.connectionCount == 0)
        }
    }

    @Test("past the grace period, remaining calls are cancelled and fail with UNAVAILABLE")
    func gracePeriodCancels() async throws {
        let recorder = ProbeRecorder()
        var configuration = RPCServer.Configuration()
        configuration.shutdownGracePeriod = .milliseconds(100)
        let server = try RPCServer(
            transport: TCPServerTransportFactory.loopback(),
            services: [Probe.service(recorder: recorder)],
            configuration: configuration,
            logger: .silent()
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            let client = RPCClient(
                transport: tcpClientTransport(port: try await server.listeningAddress.port),
                logger: .silent()
            )
            defer { client.close() }
            let stuck = Task {
                try await client.unary(Probe.sleep, Probe.SleepRequest(milliseconds: 30_000, tag: "stuck"))
            }
            #expect(await eventually { recorder.hasStarted("stuck") })
            let start = ContinuousClock.now
            server.beginGracefulShutdown()
            let error = await #expect(throws: RPCError.self) { try await stuck.value }
            #expect(error?.code == .unavailable)
            try await group.waitForAll()
            #expect(ContinuousClock.now - start < .seconds(5))
            #expect(await eventually { recorder.wasCancelled("stuck") })
        }
    }

    @Test("a peer that never answers PING is dropped (keepalive)")
    func keepaliveDropsDeadPeer() async throws {
        var configuration = RPCServer.Configuration()
        configuration.keepaliveInterval = .milliseconds(100)
        configuration.keepaliveTimeout = .milliseconds(100)
        try await withTCPServer(services: [], configuration: configuration) { server in
            let raw = try await RawConnection(port: try await server.listeningAddress.port)
            try await raw.handshake()
            // Read (and ignore) everything: the PING is never answered.
            let frames = try await raw.framesUntilClosed(timeout: .seconds(5))
            #expect(frames.contains { $0.kind == .ping })
            #expect(await eventually { server.connectionCount == 0 })
        }
    }

    @Test("a peer answering PING stays connected past the keepalive timeout")
    func keepaliveKeepsLivePeer() async throws {
        var serverConfiguration = RPCServer.Configuration()
        serverConfiguration.keepaliveInterval = .milliseconds(50)
        // Generous: tests share two loop threads on a loaded machine; 1 s of PONG latency
        // would be needed to drop a live peer, while ~10 PING rounds happen below.
        serverConfiguration.keepaliveTimeout = .seconds(1)
        try await withServerAndClient(
            .tcp,
            services: [Probe.service(recorder: ProbeRecorder())],
            serverConfiguration: serverConfiguration
        ) { server, client in
            _ = try await client.unary(Probe.echo, Probe.EchoRequest(text: "a"))
            try await Task.sleep(for: .milliseconds(600))
            #expect(server.connectionCount == 1)
            _ = try await client.unary(Probe.echo, Probe.EchoRequest(text: "b"))
            #expect(server.connectionCount == 1)
        }
    }

    @Test("a peer that sends half a frame and stalls is dropped after the read timeout")
    func readTimeout() async throws {
        var configuration = RPCServer.Configuration()
        // Also bounds the handshake: long enough for a loaded machine to complete it.
        configuration.readTimeout = .milliseconds(800)
        try await withTCPServer(services: [], configuration: configuration) { server in
            let raw = try await RawConnection(port: try await server.listeningAddress.port)
            try await raw.handshake()
            var bytes: [UInt8] = []
            Frame.encode(.headers(RequestHead(method: "pilotage.health.Health/Check")), callID: 1, into: &bytes)
            let start = ContinuousClock.now
            try await raw.send(Array(bytes.prefix(bytes.count / 2)))
            let frames = try await raw.framesUntilClosed(timeout: .seconds(5))
            #expect(ContinuousClock.now - start >= .milliseconds(700))
            let goAway = try frames.last.map { try $0.decodePayload() }
            guard case .goAway(let payload) = goAway else {
                Issue.record("expected a GOAWAY before the close, got \(String(describing: goAway))")
                return
            }
            #expect(payload.message.contains("read timeout"))
        }
    }

    @Test("a client speaking another protocol version gets the server preface, GOAWAY UNIMPLEMENTED, then close")
    func versionMismatch() async throws {
        try await withTCPServer(services: []) { server in
            let raw = try await RawConnection(port: try await server.listeningAddress.port)
            try await raw.send(ConnectionPreface(version: 2).bytes)
            let frames = try await raw.framesUntilClosed(timeout: .seconds(5))
            #expect(frames.count == 1)
            guard case .goAway(let goAway) = try frames.first?.decodePayload() else {
                Issue.record("expected GOAWAY")
                return
            }
            #expect(goAway.code == .unimplemented)
            #expect(goAway.message.contains("version 2"))
        }
    }
}

/// Builds loopback server transports for tests that drive the server directly.
enum TCPServerTransportFactory {
    static func loopback() -> any RPCServerTransport {
        tcpServerTransport(port: 0)
    }
}
