/// Writes response messages of a server-streaming or bidirectional call.
///
/// `write` suspends while the client's flow-control window for the call is exhausted, so a slow
/// reader never makes the server buffer without bound. It throws when the call is over
/// (cancelled by the client, deadline exceeded, connection lost).
public struct RPCResponseWriter<Response: Encodable & Sendable>: Sendable {
    let call: ServerCall
    let codec: any MessageCodec

    /// Encodes and sends one response message.
    ///
    /// - Throws: ``RPCError`` when the call is over or the message exceeds the client's maximum
    ///   frame size.
    public func write(_ message: Response) async throws {
        let bytes = try ServiceDefinition.encode(message, codec: self.codec)
        try await self.call.send(bytes)
    }

    /// Sends every message of `messages`, in order.
    public func write(contentsOf messages: some Sequence<Response>) async throws {
        for message in messages { try await self.write(message) }
    }
}

/// The request messages of a client-streaming or bidirectional call, ending when the client
/// half-closes.
///
/// Iterating grants the client more flow-control window as messages are consumed. A message
/// that cannot be decoded throws `INVALID_ARGUMENT`.
public struct RPCRequestStream<Request: Decodable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = Request
    public typealias Failure = any Error

    let call: ServerCall
    let codec: any MessageCodec

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(call: self.call, codec: self.codec)
    }

    /// Iterator over the request messages.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let call: ServerCall
        let codec: any MessageCodec

        public mutating func next() async throws -> Request? {
            guard let bytes = try await self.call.receive() else { return nil }
            return try ServiceDefinition.decode(Request.self, from: bytes, codec: self.codec)
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(any Error) -> Request? {
            guard let bytes = try await self.call.receive() else { return nil }
            return try ServiceDefinition.decode(Request.self, from: bytes, codec: self.codec)
        }
    }
}
