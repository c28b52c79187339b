import RPCCore
import RPCTestSupport
import Testing

@Suite("Calls over the in-process transport")
struct InProcessCallTests {
    @Test("unary echo returns the response, metadata and trailers")
    func unaryEcho() async throws {
        let recorder = ProbeRecorder()
        try await withServerAndClient(.inProcess, services: [Probe.service(recorder: recorder)]) { _, client in
            let response = try await client.unaryResponse(
                Probe.echo,
                Probe.EchoRequest(text: "bonjour", metadataKey: MetadataKey.tenant),
                metadata: [MetadataKey.tenant: "cabinet-dupont", MetadataKey.requestID: "req-1"]
            )
            #expect(response.message.text == "bonjour")
            #expect(response.message.metadataValue == "cabinet-dupont")
            #expect(response.message.requestID == "req-1")
            #expect(response.trailers["x-echo-length"] == "7")
            #expect(response.trailers[MetadataKey.requestID] == "req-1")
        }
    }
}
