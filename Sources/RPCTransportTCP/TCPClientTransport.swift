internal import CRPCLinux
internal import Glibc
public import RPCCore
internal import ServerSupport

/// Connects to a TCP server (non-blocking connect on an event loop, `TCP_NODELAY`).
public final class TCPClientTransport: RPCClientTransport {
    /// The server's host (IPv4 literal or `localhost`).
    public let host: String
    /// The server's port.
    public let port: Int
    private let group: EventLoopGroup

    /// Creates a transport; each ``connect(deadline:)`` opens a new socket.
    public init(host: String = "127.0.0.1", port: Int, group: EventLoopGroup = .shared) {
        self.host = host
        self.port = port
        self.group = group
    }

    public var target: String { "\(self.host):\(self.port)" }

    public func connect(deadline: ContinuousClock.Instant) async throws -> any RPCByteStream {
        guard let address = sockaddr_in.ipv4(host: self.host, port: self.port) else {
            throw RPCError(code: .invalidArgument, message: "'\(self.target)' is not an IPv4 address and port")
        }
        let fd = try Posix.socket(
            domain: AF_INET,
            type: CInt(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue),
            protocol: 0
        )
        try? Posix.setOption(fd, level: CInt(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
        let loop = self.group.next()
        let connector = Connector(fd: fd, loop: loop, target: self.target)
        do {
            if try Posix.connect(fd, address) {
                return SocketStream(fd: fd, loop: loop, peer: self.target)
            }
        } catch {
            Posix.close(fd)
            throw error
        }
        try await withTaskCancellationHandler {
            try await connector.waitUntilConnected(timeout: deadline - ContinuousClock.now)
        } onCancel: {
            connector.fail(RPCError(code: .cancelled, message: "connecting to \(self.target) was cancelled"))
        }
        return SocketStream(fd: fd, loop: loop, peer: self.target)
    }
}

/// Waits on a loop for a non-blocking connect to complete, fail or time out.
private final class Connector: EventLoopRegistrant, @unchecked Sendable {  // Safe: mutable state in a lock box.
    // @unchecked Sendable: the mutable state is in `state` (a lock box).
    let fd: CInt
    let loop: EventLoop
    let target: String

    private struct State {
        var continuation: CheckedContinuation<Void, any Error>?
        var result: Result<Void, any Error>?
        var registrationID: UInt64?
        var timer: (any RPCTimer)?
    }

    private let state = LockedValueBox(State())

    init(fd: CInt, loop: EventLoop, target: String) {
        self.fd = fd
        self.loop = loop
        self.target = target
    }

    func waitUntilConnected(timeout: Duration) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let early = self.state.withLock { state -> Result<Void, any Error>? in
                if let result = state.result { return result }
                state.continuation = continuation
                return nil
            }
            if let early {
                continuation.resume(with: early)
                return
            }
            self.loop.execute {
                do {
                    let id = try self.loop.register(self.fd, events: EPOLLOUT.rawValue, registrant: self)
                    self.state.withLock { $0.registrationID = id }
                } catch {
                    self.finish(.failure(error))
                    return
                }
                let timer = self.loop.scheduleTimer(after: max(timeout, .zero)) {
                    self.finish(
                        .failure(RPCError(code: .unavailable, message: "connecting to \(self.target) timed out"))
                    )
                }
                self.state.withLock { $0.timer = timer }
            }
        }
    }

    func handleEvents(_ events: UInt32) {
        do {
            let pending = try Posix.pendingError(self.fd)
            if pending == 0 {
                self.finish(.success(()))
            } else {
                self.finish(.failure(Errno(rawValue: pending, function: "connect")))
            }
        } catch {
            self.finish(.failure(error))
        }
    }

    func fail(_ error: RPCError) {
        self.loop.execute { self.finish(.failure(error)) }
    }

    /// On the loop: deregisters, and on failure closes the socket; resumes the waiter once.
    private func finish(_ result: Result<Void, any Error>) {
        let outcome = self.state.withLock {
            state -> (CheckedContinuation<Void, any Error>?, UInt64?, (any RPCTimer)?)? in
            guard state.result == nil else { return nil }
            state.result = result
            defer {
                state.continuation = nil
                state.registrationID = nil
                state.timer = nil
            }
            return (state.continuation, state.registrationID, state.timer)
        }
        guard let (continuation, id, timer) = outcome else { return }
        timer?.cancel()
        if let id { self.loop.deregister(self.fd, id: id) }
        if case .failure = result { Posix.close(self.fd) }
        continuation?.resume(with: result)
    }
}
