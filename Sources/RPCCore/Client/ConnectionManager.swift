internal import ServerSupport

/// Keeps one usable connection to the server, opening it lazily and again after it closed
/// (idle timeout, server restart), with bounded exponential backoff between attempts.
///
/// Callers that find no usable connection share one connection attempt: the first one runs the
/// attempts on its own task (no task is spawned), the others wait for its outcome.
final class ConnectionManager: Sendable {
    private enum Phase {
        case idle
        case connecting
        case ready(ClientConnection)
        case closed
    }

    private enum WaitResult {
        case connected(ClientConnection)
        case failed(RPCError)
        /// The connecting caller was cancelled: try again (one waiter becomes the connector).
        case retry
    }

    private struct State {
        var phase: Phase = .idle
        var waiters: [UInt64: UnsafeContinuation<WaitResult, Never>] = [:]
        var cancelledWaiters: Set<UInt64> = []
        var nextWaiterID: UInt64 = 0
        var all: [ObjectIdentifier: ClientConnection] = [:]
    }

    private let transport: any RPCClientTransport
    private let configuration: RPCClient.Configuration
    private let logger: Logger
    private let state = LockedValueBox(State())

    init(transport: any RPCClientTransport, configuration: RPCClient.Configuration, logger: Logger) {
        self.transport = transport
        self.configuration = configuration
        self.logger = logger
    }

    var target: String { self.transport.target }

    /// A connection ready for new calls.
    ///
    /// - Throws: `UNAVAILABLE` (with the last connection error as cause) once the backoff
    ///   attempts are exhausted or `deadline` passes; `CANCELLED` when the task is cancelled.
    /// The ready connection, without suspending, or `nil` when one must be (re)opened.
    @inline(__always)
    func readyConnection() -> ClientConnection? {
        self.state.withLock { state in
            if case .ready(let connection) = state.phase, connection.isReady { return connection }
            return nil
        }
    }

    func connection(deadline: ContinuousClock.Instant?) async throws -> ClientConnection {
        while true {
            enum Step {
                case use(ClientConnection)
                case connect
                case wait(UInt64)
                case closed
            }
            let step = self.state.withLock { state -> Step in
                switch state.phase {
                case .ready(let connection):
                    if connection.isReady { return .use(connection) }
                    state.phase = .connecting
                    return .connect
                case .idle:
                    state.phase = .connecting
                    return .connect
                case .connecting:
                    state.nextWaiterID += 1
                    return .wait(state.nextWaiterID)
                case .closed:
                    return .closed
                }
            }
            switch step {
            case .use(let connection):
                return connection
            case .closed:
                throw RPCError(code: .unavailable, message: "the client is closed")
            case .connect:
                return try await self.connectWithBackoff(deadline: deadline)
            case .wait(let id):
                switch try await self.waitForConnector(id: id) {
                case .connected(let connection): return connection
                case .failed(let error): throw error
                case .retry: continue
                }
            }
        }
    }

    private func waitForConnector(id: UInt64) async throws -> WaitResult {
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<WaitResult, Never>) in
                let resumeNow = self.state.withLock { state -> Bool in
                    if state.cancelledWaiters.remove(id) != nil { return true }
                    if case .connecting = state.phase {
                        state.waiters[id] = continuation
                        return false
                    }
                    return true
                }
                if resumeNow { continuation.resume(returning: .retry) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> UnsafeContinuation<WaitResult, Never>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                state.cancelledWaiters.insert(id)
                return nil
            }
            waiter?.resume(returning: .retry)
        }
        try Task.checkCancellation()
        return result
    }

    private func finishConnecting(_ result: WaitResult) {
        let waiters = self.state.withLock { state -> [UnsafeContinuation<WaitResult, Never>] in
            if case .connecting = state.phase {
                switch result {
                case .connected(let connection): state.phase = .ready(connection)
                case .failed, .retry: state.phase = .idle
                }
            } else if case .connected(let connection) = result {
                // The client was closed while connecting.
                connection.beginDrain()
            }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: result) }
    }

    private func connectWithBackoff(deadline: ContinuousClock.Instant?) async throws -> ClientConnection {
        let backoff = self.configuration.backoff
        var lastError: RPCError?
        var attempt = 0
        while attempt < max(backoff.maximumAttempts, 1) {
            attempt += 1
            if Task.isCancelled {
                self.finishConnecting(.retry)
                throw RPCError(code: .cancelled, message: "the call was cancelled while connecting")
            }
            var attemptDeadline = ContinuousClock.now + self.configuration.connectTimeout
            if let deadline { attemptDeadline = min(attemptDeadline, deadline) }
            do {
                let connection = try await ClientConnection.connect(
                    transport: self.transport,
                    deadline: attemptDeadline,
                    configuration: self.configuration,
                    logger: self.logger
                ) { [weak self] connection in
                    self?.connectionClosed(connection)
                }
                self.state.withLock { $0.all[ObjectIdentifier(connection)] = connection }
                self.logger.debug(
                    "connected",
                    metadata: ["rpc.target": self.transport.target, "rpc.attempt": "\(attempt)"]
                )
                self.finishConnecting(.connected(connection))
                return connection
            } catch let error as RPCError {
                lastError = error
                if error.code == .unimplemented { break }
            } catch {
                lastError = RPCError(code: .unavailable, message: "\(error)", cause: error)
            }
            guard attempt < backoff.maximumAttempts else { break }
            var delay = backoff.delay(afterAttempt: attempt)
            if backoff.jitter > 0 {
                delay = delay * Double.random(in: (1 - backoff.jitter)...(1 + backoff.jitter))
            }
            if let deadline, ContinuousClock.now + delay >= deadline { break }
            do {
                try await Task.sleep(for: delay)
            } catch {
                self.finishConnecting(.retry)
                throw RPCError(code: .cancelled, message: "the call was cancelled while connecting")
            }
        }
        let cause = lastError
        if let deadline, ContinuousClock.now >= deadline {
            var message = "the deadline passed while connecting to \(self.transport.target)"
            if let cause { message += " (last error: \(cause.message))" }
            let error = RPCError(code: .deadlineExceeded, message: message, cause: cause)
            self.finishConnecting(.failed(error))
            throw error
        }
        var message = "cannot connect to \(self.transport.target) after \(attempt) attempt\(attempt == 1 ? "" : "s")"
        if let cause { message += ": \(cause.message)" }
        let error = RPCError(
            code: cause?.code == .unimplemented ? .unimplemented : .unavailable,
            message: message,
            cause: cause
        )
        self.logger.info("connection failed", metadata: ["rpc.target": self.transport.target, "error": message])
        self.finishConnecting(.failed(error))
        throw error
    }

    private func connectionClosed(_ connection: ClientConnection) {
        self.state.withLock { state in
            state.all[ObjectIdentifier(connection)] = nil
            if case .ready(let current) = state.phase, current === connection {
                state.phase = .idle
            }
        }
    }

    /// Stops taking calls and drains every connection.
    func close() {
        let connections = self.state.withLock { state -> [ClientConnection] in
            state.phase = .closed
            return Array(state.all.values)
        }
        for connection in connections { connection.beginDrain() }
    }
}
