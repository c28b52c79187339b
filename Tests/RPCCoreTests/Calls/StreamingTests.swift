import RPCCore
import RPCTestSupport
import Testing

@Suite("Streaming calls")
struct StreamingTests {
    @Test("server streaming delivers every message in order, then the trailers", arguments: TestTransport.allCases)
    func serverStreaming(transport: TestTransport) async throws {
        try await withServerAndClient(transport, services: [Probe.service(recorder: ProbeRecorder())]) { _, client in
            let stream = try await client.serverStreaming(Probe.count, Probe.CountRequest(count: 5000, payloadSize: 10))
            var expected = 0
            for try await number in stream {
                #expect(number.value == expected)
                expected += 1
            }
            #expect(expected == 5000)
            #expect(stream.trailers != nil)
        }
    }

    @Test("an empty server stream ends immediately with OK", arguments: TestTransport.allCases)
    func emptyStream(transport: TestTransport) async throws {
        try await withServerAndClient(transport, services: [Probe.service(recorder: ProbeRecorder())]) { _, client in
            var count = 0
            for try await _ in try await client.serverStreaming(Probe.count, Probe.CountRequest(count: 0)) {
                count += 1
            }
            #expect(count == 0)
        }
    }

    @Test("client streaming sums every request", arguments: TestTransport.allCases)
    func clientStreaming(transport: TestTransport) async throws {
        try await withServerAndClient(transport, services: [Probe.service(recorder: ProbeRecorder())]) { _, client in
            let total = try await client.clientStreaming(Probe.sum) { writer in
                for value in 1...100 { try await writer.write(Probe.Number(value: value)) }
            }
            #expect(total.value == 5050)
            let empty = try await client.clientStreaming(Probe.sum) { _ in }
            #expect(empty.value == 0)
        }
    }

    @Test("bidirectional streaming answers each request as it comes", arguments: TestTransport.allCases)
    func bidirectional(transport: TestTransport) async throws {
        try await withServerAndClient(transport, services: [Probe.service(recorder: ProbeRecorder())]) { _, client in
            let doubled = try await client.bidirectionalStreaming(Probe.chat) { writer in
                for value in 1...50 { try await writer.write(Probe.Number(value: value)) }
            } responses: { responses in
                var values: [Int] = []
                for try await number in responses { values.append(number.value) }
                return values
            }
            #expect(doubled == (1...50).map { $0 * 2 })
        }
    }

    @Test("a failing stream throws the server's status after the messages sent before it")
    func streamError() async throws {
        let transport = TestTransport.inProcess
        var service = ServiceDefinition(name: "test.Failing")
        let method = MethodDescriptor<Probe.Empty, Probe.Number>(
            service: "test.Failing",
            method: "Stream",
            kind: .serverStreaming
        )
        service.serverStreaming(method) { _, writer, _ in
            try await writer.write(Probe.Number(value: 1))
            try await writer.write(Probe.Number(value: 2))
            throw RPCError(code: .aborted, message: "conflict")
        }
        try await withServerAndClient(transport, services: [service]) { _, client in
            var received: [Int] = []
            let error = await #expect(throws: RPCError.self) {
                for try await number in try await client.serverStreaming(method, Probe.Empty()) {
                    received.append(number.value)
                }
            }
            #expect(received == [1, 2])
            #expect(error?.code == .aborted)
            #expect(error?.message == "conflict")
        }
    }

    @Test("a unary call sent many messages is rejected with INVALID_ARGUMENT")
    func unaryWithTwoMessages() async throws {
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: ProbeRecorder())]) { server, _ in
            let raw = try await RawConnection(port: try await server.listeningAddress.port)
            try await raw.handshake()
            let message = try encodeMessage(Probe.EchoRequest(text: "a"))[...]
            try await raw.send([
                (.headers(RequestHead(method: Probe.echo.fullName)), 1), (.message(message), 1), (.message(message), 1),
                (.end, 1),
            ])
            let frame = try #require(try await raw.nextFrame())
            guard case .status(let status, _) = try frame.decodePayload() else {
                Issue.record("expected STATUS, got \(frame.kind)")
                return
            }
            #expect(status.code == .invalidArgument)
        }
    }
}
