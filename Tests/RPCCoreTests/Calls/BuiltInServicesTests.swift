import RPCCore
import RPCTestSupport
import Testing
import Wire

@Suite("Health and reflection services")
struct BuiltInServicesTests {
    @Test("Health/Check reports the server, registered services, and unknown ones")
    func healthCheck() async throws {
        try await withServerAndClient(.inProcess, services: [Probe.service(recorder: ProbeRecorder())]) {
            server,
            client in
            let overall = try await client.unary(HealthService.check, HealthCheckRequest())
            #expect(overall.status == .serving)
            let probe = try await client.unary(HealthService.check, HealthCheckRequest(service: Probe.serviceName))
            #expect(probe.status == .serving)
            let unknown = try await client.unary(HealthService.check, HealthCheckRequest(service: "nope.Nope"))
            #expect(unknown.status == .serviceUnknown)
            server.health.setStatus(.notServing, for: Probe.serviceName)
            let changed = try await client.unary(HealthService.check, HealthCheckRequest(service: Probe.serviceName))
            #expect(changed.status == .notServing)
        }
    }

    @Test("Health/Watch sends the current status, then every change")
    func healthWatch() async throws {
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: ProbeRecorder())]) { server, client in
            let stream = try await client.serverStreaming(
                HealthService.watch,
                HealthCheckRequest(service: Probe.serviceName)
            )
            var iterator = stream.makeAsyncIterator()
            #expect(try await iterator.next()?.status == .serving)
            server.health.setStatus(.notServing, for: Probe.serviceName)
            #expect(try await iterator.next()?.status == .notServing)
            server.health.setStatus(.serving, for: Probe.serviceName)
            #expect(try await iterator.next()?.status == .serving)
            stream.cancel()
        }
    }

    @Test("Reflection/ListServices lists every service with its methods")
    func listServices() async throws {
        try await withServerAndClient(.inProcess, services: [Probe.service(recorder: ProbeRecorder())]) { _, client in
            let listing = try await client.unary(ReflectionService.listServices, ListServicesRequest())
            let names = listing.services.map(\.name)
            #expect(names == [HealthService.name, Probe.serviceName, ReflectionService.name].sorted())
            let probe = listing.services.first { $0.name == Probe.serviceName }
            #expect(probe?.methods == ["Chat", "Count", "Echo", "Fail", "Sleep", "Sum"])
            let reflection = listing.services.first { $0.name == ReflectionService.name }
            #expect(reflection?.methods == ["DescribeMethod", "ListServices"])
        }
    }

    @Test("Reflection/DescribeMethod gives kind and message types; unknown methods are NOT_FOUND")
    func describeMethod() async throws {
        try await withServerAndClient(.inProcess, services: [Probe.service(recorder: ProbeRecorder())]) { _, client in
            let count = try await client.unary(
                ReflectionService.describeMethod,
                DescribeMethodRequest(method: Probe.count.fullName)
            )
            #expect(count.kind == .serverStreaming)
            #expect(count.service == Probe.serviceName)
            #expect(count.method == "Count")
            #expect(count.requestType.hasSuffix("Probe.CountRequest"))
            #expect(count.responseType.hasSuffix("Probe.Number"))
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(ReflectionService.describeMethod, DescribeMethodRequest(method: "x.Y/Z"))
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test("DescribeMethod publishes wire schemas that let a generic client call with JSON")
    func schemasDriveJSONCalls() async throws {
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: ProbeRecorder())]) { _, client in
            let echo = try await client.unary(
                ReflectionService.describeMethod,
                DescribeMethodRequest(method: Probe.echo.fullName)
            )
            let requestSchema = try #require(echo.requestSchema)
            let responseSchema = try #require(echo.responseSchema)
            #expect(requestSchema.name?.hasSuffix("EchoRequest") == true)
            let request = try WireJSON.encode(json: #"{"text":"par schéma"}"#, schema: requestSchema)
            let (response, _) = try await client.rawUnary(method: Probe.echo.fullName, request: request)
            let json = try WireJSON.json(from: Array(response), schema: responseSchema)
            #expect(json.contains(#""text":"par schéma""#))
            // The schema rejects JSON that does not fit, before anything is sent.
            #expect(throws: WireError.self) { _ = try WireJSON.encode(json: #"{"text":1}"#, schema: requestSchema) }
        }
    }

    @Test("an interceptor sees method and metadata, can reject, and can pass values to the handler")
    func interceptor() async throws {
        enum Principal: ServerContextKey { typealias Value = String }
        let method = MethodDescriptor<Probe.Empty, Probe.EchoReply>(
            service: "test.Secure",
            method: "WhoAmI",
            kind: .unary
        )
        var service = ServiceDefinition(name: "test.Secure")
        service.unary(method) { _, context in
            Probe.EchoReply(text: context[Principal.self] ?? "nobody", metadataValue: nil, requestID: context.requestID)
        }
        let interceptor = ClosureServerInterceptor { context in
            guard context.method.service == "test.Secure" else { return }
            guard let credential = context.metadata[MetadataKey.authorization] else {
                throw RPCError(code: .unauthenticated, message: "missing credential")
            }
            guard credential == "Bearer good" else {
                throw RPCError(code: .permissionDenied, message: "credential refused")
            }
            context[Principal.self] = "cabinet-dupont"
        }
        try await withServerAndClient(.inProcess, services: [service], interceptors: [interceptor]) { _, client in
            let missing = await #expect(throws: RPCError.self) { _ = try await client.unary(method, Probe.Empty()) }
            #expect(missing?.code == .unauthenticated)
            let wrong = await #expect(throws: RPCError.self) {
                _ = try await client.unary(method, Probe.Empty(), metadata: [MetadataKey.authorization: "Bearer bad"])
            }
            #expect(wrong?.code == .permissionDenied)
            let reply = try await client.unary(
                method,
                Probe.Empty(),
                metadata: [MetadataKey.authorization: "Bearer good"]
            )
            #expect(reply.text == "cabinet-dupont")
            // Built-in services are not intercepted by this interceptor's rule.
            #expect(try await client.unary(HealthService.check, HealthCheckRequest()).status == .serving)
        }
    }

    @Test("registering a method twice is refused at server creation")
    func duplicateMethod() throws {
        let service = Probe.service(recorder: ProbeRecorder())
        let error = #expect(throws: RuntimeError.self) {
            _ = try RPCServer(transport: InProcessTransportFactory.server(), services: [service, service])
        }
        #expect(error?.code == .duplicateMethod)
    }
}
