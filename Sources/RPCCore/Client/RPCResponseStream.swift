/// Cancels the call when the last copy of a response stream (or its iterator) goes away before
/// the call ended.
final class ResponseStreamOwner: Sendable {
    let call: ClientCall

    init(call: ClientCall) {
        self.call = call
    }

    deinit {
        self.call.cancel(with: RPCError(code: .cancelled, message: "the response stream was abandoned"))
    }
}

/// The responses of a server-streaming or bidirectional call.
///
/// Iteration ends normally when the server finishes with OK (then ``trailers`` is set) and
/// throws ``RPCError`` when it finishes with another status. Consuming messages grants the
/// server more flow-control window; a reader that stops consuming stops the server's writes.
public struct RPCResponseStream<Response: Decodable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = Response
    public typealias Failure = any Error

    let owner: ResponseStreamOwner
    let codec: any MessageCodec

    init(call: ClientCall, codec: any MessageCodec) {
        self.owner = ResponseStreamOwner(call: call)
        self.codec = codec
    }

    /// The trailers, once the stream ended with OK; `nil` before.
    public var trailers: Metadata? { self.owner.call.trailers }

    /// Cancels the call (CANCEL is sent); iteration then throws `CANCELLED`.
    public func cancel() {
        self.owner.call.cancel(with: ClientCall.cancelledError)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(raw: RPCRawResponseStream.AsyncIterator(owner: self.owner), codec: self.codec)
    }

    /// Iterator over the responses.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var raw: RPCRawResponseStream.AsyncIterator
        let codec: any MessageCodec

        public mutating func next() async throws -> Response? {
            guard let bytes = try await self.nextBytes() else { return nil }
            do {
                return try self.codec.deserialize(Response.self, from: bytes)
            } catch {
                let failure = RPCError(
                    code: .internalError,
                    message: "cannot decode a response message: \(error)",
                    cause: error
                )
                self.raw.owner.call.cancel(with: failure)
                throw failure
            }
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(any Error) -> Response? {
            try await self.next()
        }

        /// Buffered bytes synchronously; suspends only when the batch is used up.
        @inline(__always)
        private mutating func nextBytes() async throws -> ArraySlice<UInt8>? {
            if let bytes = self.raw.nextBuffered() { return bytes }
            return try await self.raw.next()
        }
    }
}

/// The raw response messages (codec bytes) of a streaming call, for generic tools.
public struct RPCRawResponseStream: AsyncSequence, Sendable {
    public typealias Element = ArraySlice<UInt8>
    public typealias Failure = any Error

    let owner: ResponseStreamOwner

    init(call: ClientCall) {
        self.owner = ResponseStreamOwner(call: call)
    }

    /// The trailers, once the stream ended with OK; `nil` before.
    public var trailers: Metadata? { self.owner.call.trailers }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(owner: self.owner)
    }

    /// Iterator over raw response messages; takes buffered messages in batches (one lock per
    /// batch) and grants window every half window consumed.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let owner: ResponseStreamOwner
        private var batch: [ArraySlice<UInt8>] = []
        private var index = 0
        private var consumed = 0
        private var isFinished = false
        private let grantThreshold: Int

        init(owner: ResponseStreamOwner) {
            self.owner = owner
            self.grantThreshold = Swift.max(owner.call.connection.configuration.initialWindowSize / 2, 1)
        }

        /// The next buffered message without suspending, or `nil` when the batch is used up.
        @inline(__always)
        mutating func nextBuffered() -> ArraySlice<UInt8>? {
            guard self.index < self.batch.count else { return nil }
            let message = self.batch[self.index]
            self.batch[self.index] = []
            self.index += 1
            self.consumed += message.count + Frame.headerSize
            if self.consumed >= self.grantThreshold {
                self.owner.call.grant(self.consumed)
                self.consumed = 0
            }
            return message
        }

        public mutating func next() async throws -> ArraySlice<UInt8>? {
            if let message = self.nextBuffered() { return message }
            if self.index == self.batch.count {
                guard !self.isFinished else { return nil }
                self.batch.removeAll(keepingCapacity: true)
                self.index = 0
                let hasMore: Bool
                do {
                    let call = self.owner.call
                    hasMore = try await withTaskCancellationHandler {
                        try await call.nextBatch(&self.batch)
                    } onCancel: {
                        call.cancel(with: ClientCall.cancelledError)
                    }
                } catch {
                    self.isFinished = true
                    throw error
                }
                guard hasMore else {
                    self.isFinished = true
                    return nil
                }
            }
            let message = self.batch[self.index]
            self.batch[self.index] = []
            self.index += 1
            self.consumed += message.count + Frame.headerSize
            if self.consumed >= self.grantThreshold {
                self.owner.call.grant(self.consumed)
                self.consumed = 0
            }
            return message
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(any Error) -> ArraySlice<UInt8>?
        {
            try await self.next()
        }
    }
}
