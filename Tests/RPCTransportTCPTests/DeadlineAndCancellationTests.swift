import RPCCore
import RPCTestSupport
import Testing

@Suite("Deadlines and cancellation over TCP")
struct DeadlineAndCancellationTests {
    @Test("a call past its deadline fails with DEADLINE_EXCEEDED and the handler's task is cancelled")
    func deadlineExceeded() async throws {
        let recorder = ProbeRecorder()
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: recorder)]) { _, client in
            // Connect first, so the deadline covers the call only.
            _ = try await client.unary(Probe.echo, Probe.EchoRequest(text: "warm-up"))
            let start = ContinuousClock.now
            // 8 s: long enough for the request to reach the handler even when CI starves this
            // test's tasks for seconds (a call whose deadline passes before it reaches the handler
            // fails without starting it, which is not what this test exercises); the handler would sleep 120 s.
            let call = Task {
                try await client.unary(
                    Probe.sleep,
                    Probe.SleepRequest(milliseconds: 120_000, tag: "slow"),
                    deadline: .now + .seconds(8)
                )
            }
            #expect(await eventually { recorder.hasStarted("slow") })
            let error = await #expect(throws: RPCError.self) { try await call.value }
            #expect(error?.code == .deadlineExceeded)
            // Far below the 120 s the handler would sleep.
            #expect(ContinuousClock.now - start < .seconds(60))
            #expect(await eventually { recorder.wasCancelled("slow") })
            #expect(!recorder.hasCompleted("slow"))
        }
    }

    @Test("the server enforces the timeout carried in HEADERS, without any client-side timer")
    func serverEnforcesDeadline() async throws {
        let recorder = ProbeRecorder()
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: recorder)]) { server, _ in
            let raw = try await RawConnection(port: try await server.listeningAddress.port)
            try await raw.handshake()
            let request = try encodeMessage(Probe.SleepRequest(milliseconds: 10_000, tag: "raw-slow"))
            try await raw.send([
                (.headers(RequestHead(method: Probe.sleep.fullName, timeoutMicroseconds: 150_000)), 1),
                (.message(request[...]), 1),
                (.end, 1),
            ])
            let frame = try #require(try await raw.nextFrame(timeout: .seconds(30)))
            guard case .status(let status, _) = try frame.decodePayload() else {
                Issue.record("expected STATUS, got \(frame.kind)")
                return
            }
            #expect(frame.callID == 1)
            #expect(status.code == .deadlineExceeded)
            #expect(await eventually { recorder.wasCancelled("raw-slow") })
        }
    }

    @Test("cancelling the client task sends CANCEL and cancels the handler's task")
    func clientCancellation() async throws {
        let recorder = ProbeRecorder()
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: recorder)]) { _, client in
            let call = Task {
                try await client.unary(Probe.sleep, Probe.SleepRequest(milliseconds: 10_000, tag: "cancel-me"))
            }
            #expect(await eventually { recorder.hasStarted("cancel-me") })
            call.cancel()
            let error = await #expect(throws: RPCError.self) { try await call.value }
            #expect(error?.code == .cancelled)
            #expect(await eventually { recorder.wasCancelled("cancel-me") })
        }
    }

    @Test("abandoning a response stream cancels the server's streaming handler")
    func abandonedStream() async throws {
        let recorder = ProbeRecorder()
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: recorder)]) { _, client in
            do {
                let stream = try await client.serverStreaming(
                    Probe.count,
                    Probe.CountRequest(count: 1_000_000, payloadSize: 100, tag: "abandoned")
                )
                var iterator = stream.makeAsyncIterator()
                _ = try await iterator.next()
            }
            #expect(await eventually { recorder.wasCancelled("abandoned") })
            #expect(!recorder.hasCompleted("abandoned"))
        }
    }

    @Test("when the client connection drops, the server cancels the connection's calls")
    func connectionDropCancelsCalls() async throws {
        let recorder = ProbeRecorder()
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: recorder)]) { server, _ in
            do {
                let raw = try await RawConnection(port: try await server.listeningAddress.port)
                try await raw.handshake()
                let request = try encodeMessage(Probe.SleepRequest(milliseconds: 10_000, tag: "dropped"))
                try await raw.send([
                    (.headers(RequestHead(method: Probe.sleep.fullName)), 1), (.message(request[...]), 1), (.end, 1),
                ])
                #expect(await eventually { recorder.hasStarted("dropped") })
            }
            // `raw` is gone: its socket is closed.
            #expect(await eventually { recorder.wasCancelled("dropped") })
            #expect(await eventually { server.connectionCount == 0 })
        }
    }
}
