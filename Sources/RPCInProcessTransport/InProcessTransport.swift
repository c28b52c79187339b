public import RPCCore
internal import ServerSupport

/// A connected in-memory transport pair: a server side and a client side that exchange bytes
/// through the same frame and call code paths as TCP, without sockets.
///
/// ```swift
/// let transport = InProcessTransport()
/// let server = try RPCServer(transport: transport.server, services: [echo])
/// let client = RPCClient(transport: transport.client)
/// ```
public final class InProcessTransport: Sendable {
    /// The side to give an ``RPCServer``.
    public let server: Server
    /// The side to give an ``RPCClient``.
    public let client: Client

    /// Creates a pair; `streamCapacity` is how many bytes may be in flight per direction before
    /// `writeSome` pushes back (like a socket buffer).
    public init(streamCapacity: Int = 256 * 1024) {
        let server = Server(capacity: streamCapacity)
        self.server = server
        self.client = Client(server: server)
    }

    /// The server side: "listens" until ``stopListening()``.
    public final class Server: RPCServerTransport {
        let capacity: Int
        let loop = DispatchEventLoop(label: "rpc.inprocess.server")
        private let acceptor = LockedValueBox<(@Sendable (any RPCByteStream) -> Void)?>(nil)

        init(capacity: Int) {
            self.capacity = capacity
        }

        public func listen(_ onConnection: @escaping @Sendable (any RPCByteStream) -> Void) async throws -> RPCAddress {
            self.acceptor.withLock { $0 = onConnection }
            return RPCAddress(host: "in-process", port: 0)
        }

        public func stopListening() {
            self.acceptor.withLock { $0 = nil }
        }

        func accept(_ stream: any RPCByteStream) -> Bool {
            guard let acceptor = self.acceptor.withLock({ $0 }) else { return false }
            acceptor(stream)
            return true
        }
    }

    /// The client side: each `connect` creates a new stream pair.
    public final class Client: RPCClientTransport {
        let server: Server
        let loop = DispatchEventLoop(label: "rpc.inprocess.client")

        init(server: Server) {
            self.server = server
        }

        public var target: String { "in-process" }

        public func connect(deadline: ContinuousClock.Instant) async throws -> any RPCByteStream {
            let clientEnd = InProcessStream(
                loop: self.loop,
                capacity: self.server.capacity,
                peerDescription: "in-process-server"
            )
            let serverEnd = InProcessStream(
                loop: self.server.loop,
                capacity: self.server.capacity,
                peerDescription: "in-process-client"
            )
            clientEnd.connect(to: serverEnd)
            guard self.server.accept(serverEnd) else {
                throw InProcessTransportError(message: "connection refused: the in-process server is not listening")
            }
            return clientEnd
        }
    }
}

/// The in-process server is not listening.
public struct InProcessTransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed.
    public var message: String

    public var description: String { self.message }
}

/// One end of an in-memory byte pipe.
final class InProcessStream: RPCByteStream, @unchecked Sendable {  // Safe: state in a lock box, `peer` set before sharing.
    // @unchecked Sendable: mutable state lives in `state` (a lock box); `peer` is set once before
    // the stream is shared. It is weak so the pair does not keep itself alive: once the other
    // end's owner lets go, writes fail like on a closed socket.

    let eventLoop: any RPCEventLoop
    let peerDescription: String
    private let capacity: Int
    private weak var peer: InProcessStream?
    private let state = LockedValueBox(State())

    private struct State {
        var handler: (any RPCByteStreamHandler)?
        /// Deliveries that arrived before `start`.
        var early: [[UInt8]] = []
        var isClosed = false
        var isCloseDelivered = false
        /// Bytes this end wrote that the peer has not consumed yet.
        var inFlight = 0
        var isWriterBlocked = false
    }

    init(loop: any RPCEventLoop, capacity: Int, peerDescription: String) {
        self.eventLoop = loop
        self.capacity = capacity
        self.peerDescription = peerDescription
    }

    func connect(to other: InProcessStream) {
        self.peer = other
        other.peer = self
    }

    func start(handler: any RPCByteStreamHandler) {
        self.eventLoop.execute {
            let (early, closed) = self.state.withLock { state -> ([[UInt8]], Bool) in
                state.handler = handler
                defer { state.early = [] }
                return (state.early, state.isClosed)
            }
            for bytes in early { self.deliver(bytes) }
            if closed { self.deliverClose() }
        }
    }

    func writeSome(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        guard let peer = self.peer else { throw InProcessTransportError(message: "not connected") }
        let accepted = try self.state.withLock { state -> Int in
            if state.isClosed { throw InProcessTransportError(message: "the stream is closed") }
            let room = max(self.capacity - state.inFlight, 0)
            let count = min(room, bytes.count)
            state.inFlight += count
            if count < bytes.count { state.isWriterBlocked = true }
            return count
        }
        guard accepted > 0 else { return 0 }
        let chunk = Array(bytes.prefix(accepted))
        peer.eventLoop.execute {
            peer.receive(chunk)
            self.consumed(chunk.count)
        }
        return accepted
    }

    private func consumed(_ count: Int) {
        let wake = self.state.withLock { state -> Bool in
            state.inFlight -= count
            guard state.isWriterBlocked, state.inFlight < self.capacity else { return false }
            state.isWriterBlocked = false
            return true
        }
        if wake {
            self.eventLoop.execute {
                let handler = self.state.withLock { $0.handler }
                handler?.streamBecameWritable()
            }
        }
    }

    /// On this end's loop: bytes from the peer.
    private func receive(_ bytes: [UInt8]) {
        let isStarted = self.state.withLock { state -> Bool in
            guard !state.isClosed else { return true }
            if state.handler == nil {
                state.early.append(bytes)
                return false
            }
            return true
        }
        if isStarted { self.deliver(bytes) }
    }

    private func deliver(_ bytes: [UInt8]) {
        let handler = self.state.withLock { state -> (any RPCByteStreamHandler)? in
            state.isClosed ? nil : state.handler
        }
        handler?.streamReceived(bytes)
    }

    func close() {
        self.closeLocally()
        if let peer = self.peer {
            // The peer sees the close after the bytes already sent to it (same loop, FIFO).
            peer.eventLoop.execute { peer.closeLocally() }
        }
    }

    private func closeLocally() {
        let wasOpen = self.state.withLock { state -> Bool in
            defer { state.isClosed = true }
            return !state.isClosed
        }
        if wasOpen {
            self.eventLoop.execute { self.deliverClose() }
        }
    }

    private func deliverClose() {
        let handler = self.state.withLock { state -> (any RPCByteStreamHandler)? in
            guard state.isClosed, !state.isCloseDelivered, let handler = state.handler else { return nil }
            state.isCloseDelivered = true
            return handler
        }
        handler?.streamClosed(error: nil)
    }
}
