/// A service: a name and typed handlers for its methods, registered with an ``RPCServer``.
///
/// ```swift
/// var greeter = ServiceDefinition(name: "demo.Greeter")
/// greeter.unary(Greeter.sayHello) { request, context in
///     HelloReply(message: "Bonjour \(request.name)")
/// }
/// greeter.serverStreaming(Greeter.countdown) { request, writer, context in
///     for value in stride(from: request.from, through: 0, by: -1) { try await writer.write(Tick(value: value)) }
/// }
/// ```
public struct ServiceDefinition: Sendable {
    /// The service's full name (`demo.Greeter`).
    public let name: String
    /// The registered methods, in registration order.
    package private(set) var methods: [RegisteredMethod]

    /// Creates an empty service.
    public init(name: String) {
        self.name = name
        self.methods = []
    }

    /// The methods' descriptions.
    public var methodInfos: [MethodInfo] { self.methods.map(\.info) }

    /// Registers a unary handler: one request in, one response out.
    public mutating func unary<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        _ body: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        self.register(method) { call, context, codec in
            let bytes = try await call.receiveSingleRequest()
            let request = try Self.decode(Request.self, from: bytes, codec: codec)
            let response = try await body(request, context)
            return try Self.encode(response, codec: codec)
        }
    }

    /// Registers a server-streaming handler: one request in, any number of responses written
    /// with the writer (each `write` waits while the client's flow-control window is exhausted).
    public mutating func serverStreaming<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        _ body: @escaping @Sendable (Request, RPCResponseWriter<Response>, ServerContext) async throws -> Void
    ) {
        self.register(method) { call, context, codec in
            let bytes = try await call.receiveSingleRequest()
            let request = try Self.decode(Request.self, from: bytes, codec: codec)
            try await body(request, RPCResponseWriter(call: call, codec: codec), context)
            return nil
        }
    }

    /// Registers a client-streaming handler: a stream of requests in, one response out.
    public mutating func clientStreaming<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        _ body: @escaping @Sendable (RPCRequestStream<Request>, ServerContext) async throws -> Response
    ) {
        self.register(method) { call, context, codec in
            let response = try await body(RPCRequestStream(call: call, codec: codec), context)
            return try Self.encode(response, codec: codec)
        }
    }

    /// Registers a bidirectional-streaming handler.
    public mutating func bidirectionalStreaming<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        _ body:
            @escaping @Sendable (RPCRequestStream<Request>, RPCResponseWriter<Response>, ServerContext) async throws
            -> Void
    ) {
        self.register(method) { call, context, codec in
            try await body(
                RPCRequestStream(call: call, codec: codec),
                RPCResponseWriter(call: call, codec: codec),
                context
            )
            return nil
        }
    }

    private mutating func register<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        run: @escaping @Sendable (ServerCall, ServerContext, any MessageCodec) async throws -> [UInt8]?
    ) {
        self.methods.append(
            RegisteredMethod(info: method.info, schemas: MessageSchemas(Request.self, Response.self), run: run)
        )
    }

    static func decode<Message: Decodable>(
        _ type: Message.Type,
        from bytes: ArraySlice<UInt8>,
        codec: any MessageCodec
    ) throws -> Message {
        do {
            return try codec.deserialize(type, from: bytes)
        } catch {
            throw RPCError(code: .invalidArgument, message: "cannot decode the request message: \(error)", cause: error)
        }
    }

    static func encode<Message: Encodable>(_ message: Message, codec: any MessageCodec) throws -> [UInt8] {
        do {
            return try codec.serialize(message)
        } catch {
            throw ResponseEncodingError(underlying: error)
        }
    }
}

/// A response the codec could not encode: a server bug, reported as `INTERNAL` and logged.
struct ResponseEncodingError: Error {
    var underlying: any Error
}

/// A method registered on a server: its description and its type-erased runner.
package struct RegisteredMethod: Sendable {
    /// Names, kind and message type names.
    package let info: MethodInfo
    /// The message shapes, for reflection.
    package let schemas: MessageSchemas
    /// Runs the handler; returns the final response message for unary and client-streaming
    /// methods (sent with the status in one write), `nil` for streaming responses.
    let run: @Sendable (ServerCall, ServerContext, any MessageCodec) async throws -> [UInt8]?
}
