public import ServerSupport

/// Calls methods on one server over a transport, with typed requests and responses.
///
/// The connection opens lazily on the first call and reopens on the next call after it closed
/// (server restart, idle timeout), with bounded backoff: when nothing answers, a call fails
/// with `UNAVAILABLE` carrying the last connection error instead of hanging. Many calls share
/// one connection concurrently.
///
/// ```swift
/// let client = RPCClient(transport: TCPClientTransport(host: "127.0.0.1", port: port))
/// let reply = try await client.unary(Greeter.sayHello, HelloRequest(name: "Ada"),
///                                    metadata: [MetadataKey.tenant: "cabinet-dupont"],
///                                    deadline: .now + .seconds(2))
/// for try await tick in try await client.serverStreaming(Greeter.countdown, .init(from: 3)) { … }
/// client.close()
/// ```
public final class RPCClient: Sendable {
    /// The configuration in effect.
    public let configuration: Configuration
    /// The message encoding.
    public let codec: any MessageCodec
    private let manager: ConnectionManager
    private let logger: Logger

    /// Creates a client; nothing connects until the first call.
    public init(
        transport: any RPCClientTransport,
        configuration: Configuration = Configuration(),
        codec: any MessageCodec = RPCClient.defaultCodec,
        logger: Logger = Logger(label: "rpc.client")
    ) {
        self.configuration = configuration
        self.codec = codec
        self.logger = logger
        self.manager = ConnectionManager(transport: transport, configuration: configuration, logger: logger)
    }

    /// The codec clients use unless told otherwise (the same as servers').
    public static var defaultCodec: any MessageCodec { RPCServer.defaultCodec }

    /// Stops accepting calls; in-flight calls finish, then connections close.
    public func close() {
        self.manager.close()
    }

    // MARK: - Typed calls

    /// Calls a unary method and returns its response.
    ///
    /// - Throws: ``RPCError`` with the server's status (and trailers as `metadata`), or
    ///   `UNAVAILABLE`/`DEADLINE_EXCEEDED`/`CANCELLED` from the client side.
    public func unary<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        _ request: Request,
        metadata: Metadata = [:],
        deadline: ContinuousClock.Instant? = nil
    ) async throws -> Response {
        try await self.unaryResponse(method, request, metadata: metadata, deadline: deadline).message
    }

    /// Calls a unary method and returns its response with the trailers.
    public func unaryResponse<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        _ request: Request,
        metadata: Metadata = [:],
        deadline: ContinuousClock.Instant? = nil
    ) async throws -> RPCResponse<Response> {
        let bytes = try self.encodeRequest(request)
        let (payload, trailers) = try await self.rawUnary(
            method: method.fullName,
            request: bytes,
            metadata: metadata,
            deadline: deadline
        )
        return RPCResponse(message: try self.decodeResponse(Response.self, from: payload[...]), trailers: trailers)
    }

    /// Calls a server-streaming method; iterate the returned sequence for the responses.
    ///
    /// Dropping the sequence before its end cancels the call (CANCEL is sent); cancelling the
    /// iterating task does too.
    public func serverStreaming<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        _ request: Request,
        metadata: Metadata = [:],
        deadline: ContinuousClock.Instant? = nil
    ) async throws -> RPCResponseStream<Response> {
        let bytes = try self.encodeRequest(request)
        let call = try await self.start(
            method: method.fullName,
            messages: [bytes],
            end: true,
            metadata: metadata,
            deadline: deadline,
            streaming: true
        )
        return RPCResponseStream(call: call, codec: self.codec)
    }

    /// Calls a client-streaming method: `requests` writes the request messages, then the
    /// response is returned.
    public func clientStreaming<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        metadata: Metadata = [:],
        deadline: ContinuousClock.Instant? = nil,
        requests: (RPCRequestWriter<Request>) async throws -> Void
    ) async throws -> Response {
        let call = try await self.start(
            method: method.fullName,
            messages: [],
            end: false,
            metadata: metadata,
            deadline: deadline,
            streaming: false
        )
        let writer = RPCRequestWriter<Request>(call: call, codec: self.codec)
        do {
            try await withTaskCancellationHandler {
                try await requests(writer)
            } onCancel: {
                call.cancel(with: ClientCall.cancelledError)
            }
        } catch {
            // The server may have ended the call first (its status explains the failure).
            if let outcome = call.connection.channel.withStateLock({ _ in call.outcome }),
                case .failure(let status) = outcome
            {
                throw status
            }
            call.cancel(with: ClientCall.cancelledError)
            throw error
        }
        call.end()
        let (payload, _) = try await withTaskCancellationHandler {
            try await call.unaryResponse()
        } onCancel: {
            call.cancel(with: ClientCall.cancelledError)
        }
        return try self.decodeResponse(Response.self, from: payload)
    }

    /// Calls a bidirectional-streaming method: `requests` runs concurrently with `responses`.
    public func bidirectionalStreaming<Request, Response, Result: Sendable>(
        _ method: MethodDescriptor<Request, Response>,
        metadata: Metadata = [:],
        deadline: ContinuousClock.Instant? = nil,
        requests: @escaping @Sendable (RPCRequestWriter<Request>) async throws -> Void,
        responses: (RPCResponseStream<Response>) async throws -> Result
    ) async throws -> Result {
        let call = try await self.start(
            method: method.fullName,
            messages: [],
            end: false,
            metadata: metadata,
            deadline: deadline,
            streaming: true
        )
        let writer = RPCRequestWriter<Request>(call: call, codec: self.codec)
        let stream = RPCResponseStream<Response>(call: call, codec: self.codec)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await requests(writer)
                    call.end()
                } catch {
                    call.cancel(
                        with: RPCError(code: .cancelled, message: "the request producer failed: \(error)", cause: error)
                    )
                    throw error
                }
            }
            let result = try await responses(stream)
            try await group.waitForAll()
            return result
        }
    }

    // MARK: - Raw calls (bytes in, bytes out)

    /// Calls a unary method by name with an already encoded request; for generic tools (the CLI).
    public func rawUnary(
        method: String,
        request: [UInt8],
        metadata: Metadata = [:],
        deadline: ContinuousClock.Instant? = nil
    ) async throws -> (response: ArraySlice<UInt8>, trailers: Metadata) {
        var attempts = 0
        while true {
            attempts += 1
            let call = try await self.start(
                method: method,
                messages: [request],
                end: true,
                metadata: metadata,
                deadline: deadline,
                streaming: false
            )
            do {
                return try await withTaskCancellationHandler {
                    try await call.unaryResponse()
                } onCancel: {
                    call.cancel(with: ClientCall.cancelledError)
                }
            } catch let error as RPCError {
                // GOAWAY said the server never processed this call: retry on a new connection.
                let isRetriable = call.connection.channel.withStateLock { _ in call.isRetriable }
                if isRetriable && attempts < 3 && !Task.isCancelled { continue }
                throw error
            }
        }
    }

    /// Calls a server-streaming method by name with an already encoded request; the stream
    /// yields raw response bytes.
    public func rawServerStreaming(
        method: String,
        request: [UInt8],
        metadata: Metadata = [:],
        deadline: ContinuousClock.Instant? = nil
    ) async throws -> RPCRawResponseStream {
        let call = try await self.start(
            method: method,
            messages: [request],
            end: true,
            metadata: metadata,
            deadline: deadline,
            streaming: true
        )
        return RPCRawResponseStream(call: call)
    }

    // MARK: - Internals

    private func encodeRequest<Request: Encodable>(_ request: Request) throws -> [UInt8] {
        do {
            return try self.codec.serialize(request)
        } catch {
            throw RPCError(code: .invalidArgument, message: "cannot encode the request message: \(error)", cause: error)
        }
    }

    func decodeResponse<Response: Decodable>(_ type: Response.Type, from bytes: ArraySlice<UInt8>) throws -> Response {
        do {
            return try self.codec.deserialize(type, from: bytes)
        } catch {
            throw RPCError(code: .internalError, message: "cannot decode the response message: \(error)", cause: error)
        }
    }

    /// Starts a call on a usable connection, retrying once on a new connection when the
    /// server provably did not process it.
    private func start(
        method: String,
        messages: [[UInt8]],
        end: Bool,
        metadata: Metadata,
        deadline: ContinuousClock.Instant?,
        streaming: Bool
    ) async throws -> ClientCall {
        let deadline = deadline ?? self.configuration.defaultTimeout.map { ContinuousClock.now + $0 }
        try Task.checkCancellation()
        var attempts = 0
        while true {
            attempts += 1
            let connection: ClientConnection
            if let ready = self.manager.readyConnection() {
                connection = ready
            } else {
                connection = try await self.manager.connection(deadline: deadline)
            }
            var timeout: UInt64?
            if let deadline {
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else {
                    throw RPCError(code: .deadlineExceeded, message: "the deadline passed before the call started")
                }
                timeout = remaining.clampedMicroseconds
            }
            let call = ClientCall(connection: connection, wakesOnMessage: streaming)
            let head = RequestHead(method: method, timeoutMicroseconds: timeout, metadata: metadata)
            do {
                switch try connection.startCall(call, head: head, messages: messages, end: end, deadline: deadline) {
                case .started:
                    return call
                case .full:
                    attempts -= 1
                    await connection.waitForCallSlot()
                    try Task.checkCancellation()
                    continue
                }
            } catch {
                if call.isRetriable && attempts < 3 { continue }
                throw error
            }
        }
    }
}

/// A unary response with its trailers.
public struct RPCResponse<Message: Sendable>: Sendable {
    /// The response message.
    public var message: Message
    /// The trailers sent with the OK status.
    public var trailers: Metadata
}

/// Writes request messages of a client-streaming or bidirectional call.
public struct RPCRequestWriter<Request: Encodable & Sendable>: Sendable {
    let call: ClientCall
    let codec: any MessageCodec

    /// Encodes and sends one request, waiting while the server's flow-control window is exhausted.
    ///
    /// - Throws: ``RPCError`` when the call is over (the server's status) or the message is too large.
    public func write(_ message: Request) async throws {
        let bytes: [UInt8]
        do {
            bytes = try self.codec.serialize(message)
        } catch {
            throw RPCError(code: .invalidArgument, message: "cannot encode the request message: \(error)", cause: error)
        }
        try await self.call.send(bytes)
    }
}
