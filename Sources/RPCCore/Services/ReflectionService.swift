public import Wire

/// Request of `Reflection/ListServices`.
public struct ListServicesRequest: Codable, Sendable, Hashable {
    /// Creates a request.
    public init() {}
}

/// Response of `Reflection/ListServices`: every service with its method names.
public struct ListServicesResponse: Codable, Sendable, Hashable {
    /// One service.
    public struct Service: Codable, Sendable, Hashable {
        /// Full name (`pilotage.health.Health`).
        public var name: String
        /// Method names (`Check`, `Watch`), sorted.
        public var methods: [String]

        /// Creates a description.
        public init(name: String, methods: [String]) {
            self.name = name
            self.methods = methods
        }
    }

    /// The services, sorted by name.
    public var services: [Service]

    /// Creates a response.
    public init(services: [Service]) {
        self.services = services
    }
}

/// Request of `Reflection/DescribeMethod`.
public struct DescribeMethodRequest: Codable, Sendable, Hashable {
    /// `"Service/Method"`.
    public var method: String

    /// Creates a request.
    public init(method: String) {
        self.method = method
    }
}

/// Response of `Reflection/DescribeMethod`: enough for a generic client (the CLI) to call the
/// method: with the schemas it converts JSON to wire bytes and back (``Wire/WireJSON``).
public struct MethodDescription: Codable, Sendable, Hashable {
    /// The service's full name.
    public var service: String
    /// The method's name.
    public var method: String
    /// The call shape.
    public var kind: RPCKind
    /// The request message's type name.
    public var requestType: String
    /// The response message's type name.
    public var responseType: String
    /// The request message's shape; absent from servers that cannot derive it.
    public var requestSchema: WireSchema?
    /// The response message's shape.
    public var responseSchema: WireSchema?

    /// Creates a description.
    public init(
        service: String,
        method: String,
        kind: RPCKind,
        requestType: String,
        responseType: String,
        requestSchema: WireSchema? = nil,
        responseSchema: WireSchema? = nil
    ) {
        self.service = service
        self.method = method
        self.kind = kind
        self.requestType = requestType
        self.responseType = responseType
        self.requestSchema = requestSchema
        self.responseSchema = responseSchema
    }
}

/// The built-in reflection service `pilotage.reflection.Reflection`.
public enum ReflectionService {
    /// The service name.
    public static let name = "pilotage.reflection.Reflection"
    /// Unary: every service and its methods.
    public static let listServices = MethodDescriptor<ListServicesRequest, ListServicesResponse>(
        service: name,
        method: "ListServices",
        kind: .unary
    )
    /// Unary: one method's kind and message types; `NOT_FOUND` for an unknown method.
    public static let describeMethod = MethodDescriptor<DescribeMethodRequest, MethodDescription>(
        service: name,
        method: "DescribeMethod",
        kind: .unary
    )

    /// Builds the service over the server's full method table (itself included).
    static func definition(methods: [RegisteredMethod]) -> ServiceDefinition {
        var service = ServiceDefinition(name: Self.name)
        // Describe the reflection methods too: build once with a placeholder, then describe all.
        service.unary(Self.listServices) { _, _ in ListServicesResponse(services: []) }
        service.unary(Self.describeMethod) { _, _ in throw RPCError(code: .notFound, message: "") }
        let all = methods + service.methods
        var byService: [String: [String]] = [:]
        var byName: [String: RegisteredMethod] = [:]
        for method in all {
            byService[method.info.service, default: []].append(method.info.method)
            byName[method.info.fullName] = method
        }
        let listing = ListServicesResponse(
            services: byService.keys.sorted().map {
                ListServicesResponse.Service(name: $0, methods: byService[$0, default: []].sorted())
            }
        )
        let descriptions = byName
        var final = ServiceDefinition(name: Self.name)
        final.unary(Self.listServices) { _, _ in listing }
        final.unary(Self.describeMethod) { request, _ in
            guard let method = descriptions[request.method] else {
                throw RPCError(code: .notFound, message: "method '\(request.method)' is not served here")
            }
            return MethodDescription(
                service: method.info.service,
                method: method.info.method,
                kind: method.info.kind,
                requestType: method.schemas.requestType,
                responseType: method.schemas.responseType,
                requestSchema: method.schemas.requestSchema,
                responseSchema: method.schemas.responseSchema
            )
        }
        return final
    }
}
