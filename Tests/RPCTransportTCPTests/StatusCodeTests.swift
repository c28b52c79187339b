import RPCCore
import RPCTestSupport
import ServerSupport
import Testing

@Suite("Status codes over TCP")
struct StatusCodeTests {
    @Test(
        "a handler throwing each status code reaches the client with its message and trailers",
        arguments: RPCError.Code.allCases
    )
    func everyCode(code: RPCError.Code) async throws {
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: ProbeRecorder())]) { _, client in
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(
                    Probe.fail,
                    Probe.FailRequest(code: code.statusCode.name, message: "failed with \(code)")
                )
            }
            #expect(error?.code == code)
            #expect(error?.message == "failed with \(code)")
            #expect(error?.metadata["x-failed"] == "yes")
            #expect(error?.metadata[MetadataKey.requestID] != nil)
        }
    }

    @Test("an unexpected handler error becomes INTERNAL with a generic message; details stay in the server log")
    func unexpectedErrorIsNotLeaked() async throws {
        let records = LockedValueBox<[LogRecord]>([])
        let logger = Logger(label: "test", level: .info, sink: .collecting(into: records))
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: ProbeRecorder())], logger: logger) {
            _,
            client in
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(Probe.fail, Probe.FailRequest(code: "UNEXPECTED", message: ""))
            }
            #expect(error?.code == .internalError)
            #expect(error?.message.contains("secret") == false)
            #expect(error?.message.hasPrefix("internal error") == true)
        }
        let logged = records.withLock { $0 }.contains {
            $0.level == .error && ($0.metadata["error"] ?? "").contains("secret internal detail")
        }
        #expect(logged)
    }

    @Test("an RPCErrorConvertible error chooses its code")
    func convertibleError() async throws {
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: ProbeRecorder())]) { _, client in
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(Probe.fail, Probe.FailRequest(code: "CONVERTIBLE", message: ""))
            }
            #expect(error?.code == .notFound)
            #expect(error?.message == "probe entity not found")
        }
    }

    @Test("an unknown method is UNIMPLEMENTED")
    func unknownMethod() async throws {
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: ProbeRecorder())]) { _, client in
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(Probe.missing, Probe.Empty())
            }
            #expect(error?.code == .unimplemented)
            #expect(error?.message.contains("pilotage.test.Probe/Missing") == true)
        }
    }

    @Test("a request the server cannot decode is INVALID_ARGUMENT with the coder's message")
    func undecodableRequest() async throws {
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: ProbeRecorder())]) { _, client in
            let error = await #expect(throws: RPCError.self) {
                // A struct without the required `text` field.
                _ = try await client.rawUnary(
                    method: Probe.echo.fullName,
                    request: try encodeMessage(Probe.Number(value: 1))
                )
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains("text") == true)
            let garbage = await #expect(throws: RPCError.self) {
                _ = try await client.rawUnary(method: Probe.echo.fullName, request: [0xFF, 0x00])
            }
            #expect(garbage?.code == .invalidArgument)
            #expect(garbage?.message.contains("invalidTag") == true)
        }
    }
}
