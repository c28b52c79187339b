import RPCCore
import RPCTestSupport
import Testing

@Suite("Flow control and limits over TCP")
struct FlowControlTests {
    @Test("a client that does not read makes the server's writes suspend; buffered bytes stay bounded")
    func slowReaderBoundsServerBuffering() async throws {
        let recorder = ProbeRecorder()
        let window = 64 * 1024
        var clientConfiguration = RPCClient.Configuration()
        clientConfiguration.initialWindowSize = window
        try await withServerAndClient(
            .tcp,
            services: [Probe.service(recorder: recorder)],
            clientConfiguration: clientConfiguration
        ) { server, client in
            let total = 20_000
            let stream = try await client.serverStreaming(
                Probe.count,
                Probe.CountRequest(count: total, payloadSize: 200, tag: "slow-reader")
            )
            // Do not iterate: wait until the handler stops making progress.
            #expect(await eventually { recorder.writtenCount("slow-reader") > 0 })
            var previous = -1
            var isStable = false
            for _ in 0..<100 where !isStable {
                let current = recorder.writtenCount("slow-reader")
                isStable = current == previous
                previous = current
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(isStable, "the handler kept writing although nobody read")
            let written = recorder.writtenCount("slow-reader")
            // Each message is ~230 bytes of JSON + 10 of header: the window admits ~270 of them.
            #expect(written < 1_000, "the handler wrote \(written) messages without the client reading")
            #expect(written < total)
            #expect(server.bufferedOutboundBytes <= window + 1024)
            #expect(server.handlersWaitingForWindow == 1)
            // Reading resumes the handler and the stream completes.
            var count = 0
            for try await number in stream {
                #expect(number.value == count)
                count += 1
            }
            #expect(count == total)
            #expect(recorder.hasCompleted("slow-reader"))
        }
    }

    @Test("a server that ignores the client's window gets its call failed with RESOURCE_EXHAUSTED")
    func clientEnforcesItsWindow() async throws {
        // The in-process transport cannot misbehave; this drives a raw client against the
        // server's own enforcement instead: a client-streaming call that overruns the window.
        var configuration = RPCServer.Configuration()
        configuration.initialWindowSize = 1024
        configuration.maxFrameSize = 16 * 1024
        try await withTCPServer(services: [Probe.service(recorder: ProbeRecorder())], configuration: configuration) {
            server in
            let raw = try await RawConnection(port: try await server.listeningAddress.port)
            try await raw.handshake()
            var frames: [(FramePayload, UInt32)] = [(.headers(RequestHead(method: Probe.sum.fullName)), 1)]
            let message = try encodeMessage(Probe.Number(value: 1, padding: String(repeating: "p", count: 4000)))
            for _ in 0..<8 { frames.append((.message(message[...]), 1)) }
            try await raw.send(frames)
            let frame = try #require(try await raw.nextFrame())
            guard case .status(let status, _) = try frame.decodePayload() else {
                Issue.record("expected STATUS, got \(frame.kind)")
                return
            }
            #expect(status.code == .resourceExhausted)
            #expect(status.message.contains("flow-control window"))
        }
    }

    @Test("client-streaming uploads larger than the window complete (WINDOW_UPDATE as the server reads)")
    func clientStreamingBeyondTheWindow() async throws {
        var configuration = RPCServer.Configuration()
        configuration.initialWindowSize = 4096
        try await withServerAndClient(
            .tcp,
            services: [Probe.service(recorder: ProbeRecorder())],
            serverConfiguration: configuration
        ) { _, client in
            let total = try await client.clientStreaming(Probe.sum) { writer in
                for value in 1...2000 { try await writer.write(Probe.Number(value: value, padding: "abcdefghij")) }
            }
            #expect(total.value == 2000 * 2001 / 2)
        }
    }

    @Test("beyond the server's concurrent-call limit a call gets RESOURCE_EXHAUSTED")
    func maxConcurrentCalls() async throws {
        let recorder = ProbeRecorder()
        var configuration = RPCServer.Configuration()
        configuration.maxConcurrentCallsPerConnection = 2
        try await withTCPServer(services: [Probe.service(recorder: recorder)], configuration: configuration) { server in
            let raw = try await RawConnection(port: try await server.listeningAddress.port)
            try await raw.handshake()
            var frames: [(FramePayload, UInt32)] = []
            for callID: UInt32 in [1, 3, 5] {
                let request = try encodeMessage(Probe.SleepRequest(milliseconds: 2000, tag: "limit-\(callID)"))
                frames += [
                    (.headers(RequestHead(method: Probe.sleep.fullName)), callID), (.message(request[...]), callID),
                    (.end, callID),
                ]
            }
            try await raw.send(frames)
            let frame = try #require(try await raw.nextFrame())
            #expect(frame.callID == 5)
            guard case .status(let status, _) = try frame.decodePayload() else {
                Issue.record("expected STATUS, got \(frame.kind)")
                return
            }
            #expect(status.code == .resourceExhausted)
            #expect(status.message.contains("limit 2"))
            #expect(await eventually { recorder.hasStarted("limit-1") && recorder.hasStarted("limit-3") })
            #expect(!recorder.hasStarted("limit-5"))
        }
    }

    @Test("the typed client queues calls beyond the server's limit instead of failing them")
    func clientRespectsTheLimit() async throws {
        var configuration = RPCServer.Configuration()
        configuration.maxConcurrentCallsPerConnection = 2
        try await withServerAndClient(
            .tcp,
            services: [Probe.service(recorder: ProbeRecorder())],
            serverConfiguration: configuration
        ) { _, client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        _ = try await client.unary(
                            Probe.sleep,
                            Probe.SleepRequest(milliseconds: 30, tag: "queued-\(index)")
                        )
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("a request message above the server's maximum frame size fails locally with RESOURCE_EXHAUSTED")
    func oversizeRequest() async throws {
        var configuration = RPCServer.Configuration()
        configuration.maxFrameSize = 16 * 1024
        try await withServerAndClient(
            .tcp,
            services: [Probe.service(recorder: ProbeRecorder())],
            serverConfiguration: configuration
        ) { server, client in
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(Probe.echo, Probe.EchoRequest(text: String(repeating: "a", count: 20_000)))
            }
            #expect(error?.code == .resourceExhausted)
            // The connection is unharmed.
            let reply = try await client.unary(Probe.echo, Probe.EchoRequest(text: "ok"))
            #expect(reply.text == "ok")
            #expect(server.connectionCount == 1)
        }
    }
}
