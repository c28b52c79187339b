import RPCCore
import RPCTestSupport
import Testing

@Suite("Unary calls over TCP")
struct UnaryTests {
    @Test("unary echo over 127.0.0.1 returns response, metadata and trailers")
    func unaryEcho() async throws {
        let recorder = ProbeRecorder()
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: recorder)]) { server, client in
            let address = try await server.listeningAddress
            #expect(address.host == "127.0.0.1")
            #expect(address.port > 0)
            let response = try await client.unaryResponse(
                Probe.echo,
                Probe.EchoRequest(text: "bonjour", metadataKey: MetadataKey.user),
                metadata: [MetadataKey.user: "marie"]
            )
            #expect(response.message.text == "bonjour")
            #expect(response.message.metadataValue == "marie")
            #expect(response.trailers["x-echo-length"] == "7")
            // No request id was sent: the server generated one but does not echo it on OK.
            #expect(!response.message.requestID.isEmpty)
            #expect(response.trailers[MetadataKey.requestID] == nil)
        }
    }

    @Test("many concurrent calls are multiplexed on one connection")
    func multiplexing() async throws {
        let recorder = ProbeRecorder()
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: recorder)]) { server, client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let reply = try await client.unary(Probe.echo, Probe.EchoRequest(text: "m\(index)"))
                        #expect(reply.text == "m\(index)")
                    }
                }
                try await group.waitForAll()
            }
            #expect(server.connectionCount == 1)
        }
    }
}
