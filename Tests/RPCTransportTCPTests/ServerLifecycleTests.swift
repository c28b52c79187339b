import Glibc
import RPCCore
import RPCTestSupport
import ServerSupport
import Testing

@Suite("Server lifecycle helpers")
struct ServerLifecycleTests {
    @Test("serveUntilTerminated drains and returns on SIGTERM")
    func sigtermStopsTheServer() async throws {
        let recorder = ProbeRecorder()
        let server = try RPCServer(
            transport: tcpServerTransport(port: 0),
            services: [Probe.service(recorder: recorder)],
            logger: .silent()
        )
        // Installed before the signal is raised: SIGTERM is then delivered to the sequence
        // instead of terminating the test process.
        let signals = TerminationSignals()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serveUntilTerminated(signals: signals) }
            let port = try await server.listeningAddress.port
            let client = RPCClient(transport: tcpClientTransport(port: port), logger: .silent())
            defer { client.close() }
            let inFlight = Task {
                try await client.unary(Probe.sleep, Probe.SleepRequest(milliseconds: 300, tag: "during-sigterm"))
            }
            #expect(await eventually { recorder.hasStarted("during-sigterm") })
            kill(getpid(), SIGTERM)
            // The in-flight call still completes: the server drains before returning.
            _ = try await inFlight.value
            try await group.waitForAll()
        }
        #expect(recorder.hasCompleted("during-sigterm"))
        #expect(server.connectionCount == 0)
        let error = await #expect(throws: RuntimeError.self) { try await server.serve() }
        #expect(error?.code == .serverIsAlreadyRunning)
    }

    @Test("withRPCServer serves during its body and shuts down after")
    func scopedServer() async throws {
        let port = try await withRPCServer(
            transport: tcpServerTransport(port: 0),
            services: [Probe.service(recorder: ProbeRecorder())],
            logger: .silent()
        ) { server in
            let port = try await server.listeningAddress.port
            let client = RPCClient(transport: tcpClientTransport(port: port), logger: .silent())
            defer { client.close() }
            let reply = try await client.unary(Probe.echo, Probe.EchoRequest(text: "scoped"))
            #expect(reply.text == "scoped")
            return port
        }
        // After the scope, nothing listens on the port any more.
        var configuration = RPCClient.Configuration()
        configuration.backoff = RPCClient.Backoff(
            initialDelay: .milliseconds(5),
            maximumDelay: .milliseconds(5),
            maximumAttempts: 1
        )
        let client = RPCClient(
            transport: tcpClientTransport(port: port),
            configuration: configuration,
            logger: .silent()
        )
        defer { client.close() }
        let error = await #expect(throws: RPCError.self) {
            _ = try await client.unary(Probe.echo, Probe.EchoRequest(text: "late"))
        }
        #expect(error?.code == .unavailable)
    }
}
