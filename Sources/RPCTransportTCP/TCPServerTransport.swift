internal import CRPCLinux
internal import Foundation
internal import Glibc
public import RPCCore
internal import ServerSupport

/// Listens on a TCP address (127.0.0.1 by default); accepted connections are spread over the
/// event loops of a group.
public final class TCPServerTransport: RPCServerTransport {
    /// The configured host (an IPv4 literal or `localhost`).
    public let host: String
    /// The configured port (0 = any free port; read the bound one from `RPCServer.listeningAddress`).
    public let port: Int
    private let group: EventLoopGroup
    private let backlog: CInt
    private let listener = LockedValueBox<Listener?>(nil)

    /// Creates a transport; nothing is bound until the server calls ``listen(_:)``.
    ///
    /// - Parameters:
    ///   - host: IPv4 address to bind; `127.0.0.1` by default (`0.0.0.0` to accept remote peers).
    ///   - port: TCP port; 0 picks a free one.
    ///   - group: the event loops serving the connections; the shared group by default.
    public init(host: String = "127.0.0.1", port: Int, group: EventLoopGroup = .shared, backlog: Int = 1024) {
        self.host = host
        self.port = port
        self.group = group
        self.backlog = CInt(clamping: backlog)
    }

    public func listen(_ onConnection: @escaping @Sendable (any RPCByteStream) -> Void) async throws -> RPCAddress {
        guard let address = sockaddr_in.ipv4(host: self.host, port: self.port) else {
            throw RuntimeError(
                code: .invalidConfiguration,
                message: "'\(self.host):\(self.port)' is not an IPv4 address and port"
            )
        }
        let fd = try Posix.socket(
            domain: AF_INET,
            type: CInt(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue),
            protocol: 0
        )
        do {
            try Posix.setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
            try Posix.bind(fd, address)
            try Posix.listen(fd, backlog: self.backlog)
        } catch {
            Posix.close(fd)
            throw error
        }
        let bound = try Posix.localAddress(fd)
        let loop = self.group.next()
        let listener = Listener(fd: fd, loop: loop, group: self.group, onConnection: onConnection)
        self.listener.withLock { $0 = listener }
        try await listener.start()
        return RPCAddress(host: bound.host, port: bound.port)
    }

    public func stopListening() {
        let listener = self.listener.withLock { listener -> Listener? in
            defer { listener = nil }
            return listener
        }
        listener?.stop()
    }
}

/// The listening socket, registered on one loop.
private final class Listener: EventLoopRegistrant, @unchecked Sendable {  // Safe: `isStopped` under `lock`, `registrationID` loop-only.
    // @unchecked Sendable: `isStopped` is guarded by `lock` (which also serialises `accept4`
    // with the close, so a recycled descriptor number is never used); `registrationID` is only
    // touched on `loop`.
    let fd: CInt
    let loop: EventLoop
    let group: EventLoopGroup
    let onConnection: @Sendable (any RPCByteStream) -> Void
    private let lock = NSLock()
    private var isStopped = false
    private var registrationID: UInt64?

    init(
        fd: CInt,
        loop: EventLoop,
        group: EventLoopGroup,
        onConnection: @escaping @Sendable (any RPCByteStream) -> Void
    ) {
        self.fd = fd
        self.loop = loop
        self.group = group
        self.onConnection = onConnection
    }

    func start() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            self.loop.execute {
                do {
                    self.registrationID = try self.loop.register(self.fd, events: EPOLLIN.rawValue, registrant: self)
                    continuation.resume()
                } catch {
                    self.stop()
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    func handleEvents(_ events: UInt32) {
        for _ in 0..<64 {
            let accepted: (CInt, sockaddr_in)?? = self.lock.withLock {
                guard !self.isStopped else { return nil }
                // EMFILE and friends: leave the connection queued and retry on the next event.
                return .some(try? Posix.accept(self.fd))
            }
            guard let accepted, let (client, address) = accepted else { return }
            try? Posix.setOption(client, level: CInt(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
            let stream = SocketStream(fd: client, loop: self.group.next(), peer: address.text)
            self.onConnection(stream)
        }
    }

    /// Closes the listening socket now (so the port is free when this returns); the epoll
    /// bookkeeping is dropped on the loop.
    func stop() {
        let wasRunning = self.lock.withLock { () -> Bool in
            guard !self.isStopped else { return false }
            self.isStopped = true
            // Closing also removes the descriptor from the epoll set.
            Posix.close(self.fd)
            return true
        }
        guard wasRunning else { return }
        self.loop.execute {
            // Not `deregister`: the descriptor number may already belong to another socket.
            if let id = self.registrationID { self.loop.forget(id) }
        }
    }
}
