/// A connected, ordered, reliable byte stream between two peers: what a transport hands the
/// runtime for each connection (a TCP socket, an in-memory pipe).
///
/// The runtime owns framing, buffering and flow control; the stream only moves bytes. Inbound
/// bytes and events are delivered to the ``RPCByteStreamHandler`` on ``eventLoop``.
public protocol RPCByteStream: AnyObject, Sendable {
    /// The loop that delivers this stream's events.
    var eventLoop: any RPCEventLoop { get }

    /// A description of the remote peer for logs (`127.0.0.1:53422`).
    var peerDescription: String { get }

    /// Starts delivering inbound bytes and events to `handler`. Called once.
    func start(handler: any RPCByteStreamHandler)

    /// Writes as many bytes as the stream accepts now without blocking and returns that count
    /// (possibly 0). When it returns fewer than `bytes.count`, the stream calls
    /// ``RPCByteStreamHandler/streamBecameWritable()`` once it can accept more.
    ///
    /// - Throws: when the stream is broken or closed.
    func writeSome(_ bytes: UnsafeRawBufferPointer) throws -> Int

    /// Closes the stream; the handler then receives ``RPCByteStreamHandler/streamClosed(error:)``
    /// exactly once. Idempotent, callable from any thread.
    func close()
}

/// Receives a stream's events, always on the stream's event loop.
public protocol RPCByteStreamHandler: AnyObject, Sendable {
    /// Bytes arrived (ownership of the array passes to the handler).
    func streamReceived(_ bytes: [UInt8])
    /// A previous short ``RPCByteStream/writeSome(_:)`` can now make progress.
    func streamBecameWritable()
    /// The stream is closed (by either side, or by an error); no event follows.
    func streamClosed(error: (any Error)?)
}

/// Where a server listens or a client connects, for logs and tests.
public struct RPCAddress: Hashable, Sendable, CustomStringConvertible {
    /// Host name or IP address (`127.0.0.1`), or `in-process` for the in-memory transport.
    public var host: String
    /// TCP port (the bound one when the server asked for port 0); 0 for in-process.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(self.host):\(self.port)" }
}

/// The server side of a transport: binds, then hands each accepted connection to the runtime.
public protocol RPCServerTransport: Sendable {
    /// Binds and starts accepting; `onConnection` is called for each accepted stream.
    ///
    /// - Returns: the bound address (with the real port when port 0 was asked).
    /// - Throws: when binding fails.
    func listen(_ onConnection: @escaping @Sendable (any RPCByteStream) -> Void) async throws -> RPCAddress

    /// Stops accepting new connections; established streams are not affected. Idempotent.
    func stopListening()
}

/// The client side of a transport: opens connections to one server.
public protocol RPCClientTransport: Sendable {
    /// The server this transport connects to, for logs and errors.
    var target: String { get }

    /// Opens a new connection, giving up at `deadline`.
    ///
    /// - Throws: when the connection cannot be established (refused, timed out…).
    func connect(deadline: ContinuousClock.Instant) async throws -> any RPCByteStream
}
