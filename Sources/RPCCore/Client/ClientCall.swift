/// One call on a client connection: responses in, requests out, the final status.
///
/// Every mutable field is guarded by the owning connection's ``FrameChannel`` lock.
final class ClientCall: @unchecked Sendable {  // Safe: its `var`s only under the connection's channel lock.
    // @unchecked Sendable: the `var`s below are only accessed under `connection.channel`'s lock
    // (or before the call is shared, in `init`), which also makes their runtime exclusivity
    // checks redundant (hence `@exclusivity(unchecked)`).

    let connection: ClientConnection
    /// Wake the waiter on every MESSAGE (streaming responses) or only at the end (unary).
    let wakesOnMessage: Bool
    /// The call id, assigned when HEADERS is queued.
    @exclusivity(unchecked) var id: UInt32 = 0

    // MARK: Guarded by the connection lock

    @exclusivity(unchecked) var inbound: [ArraySlice<UInt8>] = []
    /// For single-response calls (`wakesOnMessage == false`): the first response message and
    /// how many arrived, so a unary call never allocates an array.
    @exclusivity(unchecked) var singleMessage: ArraySlice<UInt8>?
    @exclusivity(unchecked) var messageCount = 0
    /// Response bytes received and not yet granted back (enforces the window we announced).
    @exclusivity(unchecked) var unacknowledgedInboundBytes = 0
    /// The call's outcome: trailers on OK, the error otherwise. Set once.
    @exclusivity(unchecked) var outcome: CallOutcome?
    /// The call failed because the server never processed it (GOAWAY below its id, connection
    /// not usable): safe to retry on another connection.
    @exclusivity(unchecked) var isRetriable = false
    @exclusivity(unchecked) var waiter: UnsafeContinuation<Void, Never>?
    @exclusivity(unchecked) var sendWindow: Int = 0
    @exclusivity(unchecked) var windowWaiter: UnsafeContinuation<Void, Never>?
    @exclusivity(unchecked) var deadlineTimer: (any RPCTimer)?
    /// END has been queued.
    @exclusivity(unchecked) var isHalfClosed = false

    init(connection: ClientConnection, wakesOnMessage: Bool) {
        self.connection = connection
        self.wakesOnMessage = wakesOnMessage
    }

    private var channel: FrameChannel<ClientConnection.State> { self.connection.channel }

    // MARK: - Completion (connection lock held)

    /// Records the outcome, wakes waiters and forgets the call; the caller holds the lock.
    ///
    /// Resuming an `UnsafeContinuation` only enqueues its task, so doing it under the lock is safe.
    func completeLocked(_ outcome: CallOutcome, state: inout ClientConnection.State) {
        guard self.outcome == nil else { return }
        self.outcome = outcome
        if state.calls.removeValue(forKey: self.id) != nil { state.releaseSlot() }
        self.deadlineTimer?.cancel()
        self.deadlineTimer = nil
        if let waiter = self.waiter {
            self.waiter = nil
            waiter.resume()
        }
        if let waiter = self.windowWaiter {
            self.windowWaiter = nil
            waiter.resume()
        }
    }

    /// Fails the call locally and tells the server with CANCEL (when the call is still open).
    func cancel(with error: RPCError) {
        self.channel.withLock(flush: .immediate) { state, buffer in
            guard self.outcome == nil else { return }
            if self.id != 0 { FrameEncoder.appendCancel(callID: self.id, into: &buffer) }
            self.completeLocked(.failure(error), state: &state)
        }
    }

    static let cancelledError = RPCError(code: .cancelled, message: "the call was cancelled by the client")

    // MARK: - Waiting for responses

    /// Waits for a response message or the outcome; cancelling the task cancels the call
    /// (CANCEL is sent), also when the task was cancelled before waiting.
    private func wait() async {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let isReady = self.channel.withStateLock { _ -> Bool in
                    if self.outcome != nil || (self.wakesOnMessage && !self.inbound.isEmpty) { return true }
                    self.waiter = continuation
                    return false
                }
                if isReady { continuation.resume() }
            }
        } onCancel: {
            self.cancel(with: Self.cancelledError)
        }
    }

    /// Waits for the end of a unary or client-streaming call: exactly one message and OK.
    func unaryResponse() async throws -> (ArraySlice<UInt8>, Metadata) {
        while true {
            let result = self.channel.withStateLock { _ -> UnaryOutcome? in
                guard let outcome = self.outcome else { return nil }
                switch outcome {
                case .failure(let error):
                    return .failure(error)
                case .success(let trailers):
                    guard self.messageCount == 1, let message = self.singleMessage else {
                        return .failure(
                            RPCError(
                                code: .internalError,
                                message:
                                    "the server answered a single-response call with \(self.messageCount) messages"
                            )
                        )
                    }
                    return .success(message, trailers)
                }
            }
            switch result {
            case .success(let message, let trailers)?: return (message, trailers)
            case .failure(let error)?: throw error
            case nil: break
            }
            await self.wait()
        }
    }

    /// Moves every buffered response message into `batch` (empty on entry); returns `false` once
    /// the call ended with OK and nothing is left.
    ///
    /// - Throws: the call's ``RPCError`` once its buffered messages are consumed.
    func nextBatch(_ batch: inout [ArraySlice<UInt8>]) async throws -> Bool {
        while true {
            let result = self.channel.withStateLock { _ -> BoolOutcome? in
                if !self.inbound.isEmpty {
                    swap(&batch, &self.inbound)
                    return .value(true)
                }
                switch self.outcome {
                case nil: return nil
                case .success: return .value(false)
                case .failure(let error): return .failure(error)
                }
            }
            switch result {
            case .value(let value)?: return value
            case .failure(let error)?: throw error
            case nil: break
            }
            await self.wait()
        }
    }

    /// Grants the server `bytes` more window after the application consumed them.
    func grant(_ bytes: Int) {
        guard bytes > 0 else { return }
        self.channel.withLock(flush: .batched) { _, buffer in
            guard self.outcome == nil else { return }
            self.unacknowledgedInboundBytes -= bytes
            FrameEncoder.appendWindowUpdate(increment: UInt32(clamping: bytes), callID: self.id, into: &buffer)
        }
    }

    /// The trailers once the call ended with OK.
    var trailers: Metadata? {
        self.channel.withStateLock { _ in
            if case .success(let trailers) = self.outcome { return trailers }
            return nil
        }
    }

    // MARK: - Sending

    /// Sends one request message, waiting while the flow-control window is exhausted.
    func send(_ bytes: [UInt8]) async throws {
        while true {
            let result = self.channel.withLock(flush: .batched) { state, buffer -> BoolOutcome in
                if case .failure(let error) = self.outcome { return .failure(error) }
                if self.outcome != nil || self.isHalfClosed {
                    return .failure(
                        RPCError(code: .failedPrecondition, message: "the request stream is already closed")
                    )
                }
                if bytes.count > Int(state.peerSettings.maxFrameSize) {
                    return .failure(
                        RPCError(
                            code: .resourceExhausted,
                            message:
                                "request message of \(bytes.count) bytes exceeds the server's maximum frame size of \(state.peerSettings.maxFrameSize)"
                        )
                    )
                }
                guard self.sendWindow > 0 else { return .value(false) }
                self.sendWindow -= bytes.count + Frame.headerSize
                FrameEncoder.appendMessage(bytes, callID: self.id, into: &buffer)
                return .value(true)
            }
            switch result {
            case .value(true): return
            case .value(false): break
            case .failure(let error): throw error
            }
            await self.waitForWindow()
        }
    }

    private func waitForWindow() async {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let isReady = self.channel.withStateLock { _ -> Bool in
                    if self.sendWindow > 0 || self.outcome != nil { return true }
                    self.windowWaiter = continuation
                    return false
                }
                if isReady { continuation.resume() }
            }
        } onCancel: {
            self.cancel(with: Self.cancelledError)
        }
    }

    /// Half-closes: the client sends no more requests.
    func end() {
        self.channel.withLock(flush: .immediate) { _, buffer in
            guard self.outcome == nil, !self.isHalfClosed else { return }
            self.isHalfClosed = true
            FrameEncoder.appendEnd(callID: self.id, into: &buffer)
        }
    }
}

/// How a client call ended: trailers on OK, the error otherwise.
///
/// A concrete enum rather than `Result`: no generic metadata to instantiate on the hot path.
enum CallOutcome: Sendable {
    case success(Metadata)
    case failure(RPCError)
}

/// A single response with its trailers, or the failure.
enum UnaryOutcome {
    case success(ArraySlice<UInt8>, Metadata)
    case failure(RPCError)
}

/// A flag, or the failure.
enum BoolOutcome {
    case value(Bool)
    case failure(RPCError)
}
