/// The shape of a call: how many messages each side sends.
public struct RPCKind: Hashable, Sendable, CustomStringConvertible {
    private enum Wrapped: UInt8, Hashable, Sendable {
        case unary = 0
        case serverStreaming = 1
        case clientStreaming = 2
        case bidirectionalStreaming = 3
    }

    private let wrapped: Wrapped

    private init(_ wrapped: Wrapped) {
        self.wrapped = wrapped
    }

    /// One request, one response.
    public static let unary = RPCKind(.unary)
    /// One request, a stream of responses.
    public static let serverStreaming = RPCKind(.serverStreaming)
    /// A stream of requests, one response.
    public static let clientStreaming = RPCKind(.clientStreaming)
    /// A stream each way.
    public static let bidirectionalStreaming = RPCKind(.bidirectionalStreaming)

    /// Every kind.
    public static let allCases: [RPCKind] = [.unary, .serverStreaming, .clientStreaming, .bidirectionalStreaming]

    /// Whether the client may send several messages.
    public var isRequestStreaming: Bool { self.wrapped == .clientStreaming || self.wrapped == .bidirectionalStreaming }
    /// Whether the server may send several messages.
    public var isResponseStreaming: Bool { self.wrapped == .serverStreaming || self.wrapped == .bidirectionalStreaming }

    /// `unary`, `serverStreaming`, `clientStreaming` or `bidirectionalStreaming`.
    public var name: String {
        switch self.wrapped {
        case .unary: "unary"
        case .serverStreaming: "serverStreaming"
        case .clientStreaming: "clientStreaming"
        case .bidirectionalStreaming: "bidirectionalStreaming"
        }
    }

    /// Parses ``name``.
    public init?(name: String) {
        guard let kind = RPCKind.allCases.first(where: { $0.name == name }) else { return nil }
        self = kind
    }

    public var description: String { self.name }
}

/// A method: its full name `"Service/Method"`, its kind and its message types.
///
/// Declared once in the contract target and shared by server, client and CLI:
///
/// ```swift
/// enum Greeter {
///     static let sayHello = MethodDescriptor<HelloRequest, HelloReply>(
///         service: "demo.Greeter", method: "SayHello", kind: .unary)
/// }
/// ```
public struct MethodDescriptor<Request: Codable & Sendable, Response: Codable & Sendable>: Hashable, Sendable {
    /// The service's full name (`pilotage.health.Health`).
    public let service: String
    /// The method's name within the service (`Check`).
    public let method: String
    /// The call shape.
    public let kind: RPCKind
    /// `"Service/Method"`, as sent in HEADERS (computed once: it is sent with every call).
    public let fullName: String

    /// Creates a descriptor.
    public init(service: String, method: String, kind: RPCKind) {
        self.service = service
        self.method = method
        self.kind = kind
        self.fullName = "\(service)/\(method)"
    }

    /// The type-erased description used by the router and reflection.
    public var info: MethodInfo {
        MethodInfo(
            service: self.service,
            method: self.method,
            kind: self.kind,
            requestType: String(reflecting: Request.self),
            responseType: String(reflecting: Response.self)
        )
    }
}

/// A type-erased method description: names, kind and message type names.
public struct MethodInfo: Hashable, Sendable, Codable {
    /// The service's full name.
    public var service: String
    /// The method's name within the service.
    public var method: String
    /// The call shape.
    public var kind: RPCKind
    /// The request message's Swift type name.
    public var requestType: String
    /// The response message's Swift type name.
    public var responseType: String

    /// Creates an info.
    public init(service: String, method: String, kind: RPCKind, requestType: String, responseType: String) {
        self.service = service
        self.method = method
        self.kind = kind
        self.requestType = requestType
        self.responseType = responseType
    }

    /// `"Service/Method"`.
    public var fullName: String { "\(self.service)/\(self.method)" }
}

extension RPCKind: Codable {
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let kind = RPCKind(name: name) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "unknown RPC kind '\(name)'")
            )
        }
        self = kind
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.name)
    }
}
