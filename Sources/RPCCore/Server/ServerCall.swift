/// One call on a server connection: request messages in, response messages out, its handler
/// task, its deadline.
///
/// Every mutable field is guarded by the owning connection's ``FrameChannel`` lock, which also
/// guards the outbound buffer: deciding to send a frame and appending it is one atomic step, so
/// a call's STATUS is sent exactly once whoever gets there first (handler, deadline, shutdown).
final class ServerCall: ServerContext, @unchecked Sendable {  // Safe: its `var`s only under the channel lock.
    // @unchecked Sendable: the `var`s below are only accessed under `connection.channel`'s lock,
    // which also makes their runtime exclusivity checks redundant (hence `@exclusivity(unchecked)`).

    let id: UInt32
    let connection: ServerConnection
    let registeredMethod: RegisteredMethod
    let head: RequestHead

    // MARK: Guarded by the connection lock

    /// No frame will be sent for this call any more (STATUS sent, CANCEL received, connection gone).
    @exclusivity(unchecked) var isClosed = false
    /// Why the call closed before its handler finished; what a late `send`/`receive` throws.
    @exclusivity(unchecked) var closeReason: RPCError?
    /// Request messages received and not yet consumed, from `inboundHead`.
    @exclusivity(unchecked) var inbound: [ArraySlice<UInt8>] = []
    @exclusivity(unchecked) var inboundHead = 0
    /// The oldest buffered message when the array holds none: a unary request never allocates
    /// an array.
    @exclusivity(unchecked) var inboundSlot: ArraySlice<UInt8>?
    /// END received.
    @exclusivity(unchecked) var isInboundFinished = false
    /// The handler waiting for a request message.
    @exclusivity(unchecked) var inboundWaiter: UnsafeContinuation<Void, Never>?
    /// Request bytes (10 + payload per MESSAGE) received and not yet granted back.
    @exclusivity(unchecked) var unacknowledgedInboundBytes = 0
    /// Request bytes consumed since the last WINDOW_UPDATE.
    @exclusivity(unchecked) var consumedSinceUpdate = 0
    /// Bytes the handler may still send before waiting for WINDOW_UPDATE (may go negative by one message).
    @exclusivity(unchecked) var sendWindow: Int
    /// The handler waiting for window.
    @exclusivity(unchecked) var windowWaiter: UnsafeContinuation<Void, Never>?
    /// The handler's task, to cancel it.
    @exclusivity(unchecked) var task: Task<Void, Never>?
    /// The deadline timer.
    @exclusivity(unchecked) var deadlineTimer: (any RPCTimer)?

    /// The server-side timeout of the call (HEADERS' timeout field).
    let timeout: Duration?

    /// Creates the call; it is also the handler's ``ServerContext`` (one allocation per call).
    init(id: UInt32, connection: ServerConnection, method: RegisteredMethod, head: RequestHead, sendWindow: Int) {
        self.id = id
        self.connection = connection
        self.registeredMethod = method
        self.head = head
        self.sendWindow = sendWindow
        let timeout = head.timeoutMicroseconds.map { Duration.microseconds(Int64(clamping: $0)) }
        self.timeout = timeout
        let runtime = connection.runtime
        super.init(
            method: method.info,
            metadata: head.metadata,
            deadline: timeout.map { ContinuousClock.now + $0 },
            peer: connection.peer,
            requestID: head.metadata.isEmpty ? nil : head.metadata[MetadataKey.requestID],
            generatedRequestID: GeneratedRequestID(
                runtimeTag: runtime.instanceTag,
                connection: connection.id,
                call: id
            ),
            logger: connection.logger,
            lock: connection.channel
        )
    }

    /// Runs interceptors, the handler and the status, then tells the connection the call ended.
    func run() async {
        await self.connection.runtime.run(self, context: self)
        self.connection.callFinished(self)
    }

    private var channel: FrameChannel<ServerConnection.State> { self.connection.channel }

    // MARK: - Receiving

    private enum ReceiveOutcome {
        case message(ArraySlice<UInt8>)
        case end
        case closed(RPCError)
        case wait
    }

    /// The next request message, or `nil` after END.
    ///
    /// - Throws: ``RPCError`` when the call is over, `CancellationError` when the task is cancelled.
    func receive() async throws -> ArraySlice<UInt8>? {
        while true {
            let outcome = self.channel.withLock(flush: .batched) { state, buffer -> ReceiveOutcome in
                if let reason = self.closeReason, self.isClosed { return .closed(reason) }
                if let message = self.takeInboundLocked() {
                    self.consumedSinceUpdate += message.count + Frame.headerSize
                    if self.consumedSinceUpdate >= self.connection.runtime.configuration.initialWindowSize / 2 {
                        let increment = self.consumedSinceUpdate
                        self.unacknowledgedInboundBytes -= increment
                        self.consumedSinceUpdate = 0
                        if !self.isInboundFinished && !self.isClosed {
                            FrameEncoder.appendWindowUpdate(
                                increment: UInt32(increment),
                                callID: self.id,
                                into: &buffer
                            )
                        }
                    }
                    return .message(message)
                }
                if self.isInboundFinished { return .end }
                if self.isClosed { return .closed(self.closeReason ?? Self.cancelledError) }
                return .wait
            }
            switch outcome {
            case .message(let message): return message
            case .end: return nil
            case .closed(let error): throw error
            case .wait:
                try Task.checkCancellation()
                await self.waitForInbound()
            }
        }
    }

    /// The single request of a unary or server-streaming call: exactly one MESSAGE then END.
    ///
    /// - Throws: `INVALID_ARGUMENT` when the client sent no message or more than one.
    func receiveSingleRequest() async throws -> ArraySlice<UInt8> {
        // Fast path: HEADERS, MESSAGE and END usually arrive together, before the handler runs.
        let ready = self.channel.withStateLock { _ -> ArraySlice<UInt8>? in
            guard !self.isClosed, self.isInboundFinished, self.bufferedInboundCountLocked == 1 else { return nil }
            return self.takeInboundLocked()
        }
        if let ready { return ready }
        guard let message = try await self.receive() else {
            throw RPCError(code: .invalidArgument, message: "the call ended without a request message")
        }
        guard try await self.receive() == nil else {
            throw RPCError(
                code: .invalidArgument,
                message: "\(self.registeredMethod.info.kind) call expects exactly one request message"
            )
        }
        return message
    }

    private func waitForInbound() async {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let isReady = self.channel.withStateLock { _ in
                    if self.bufferedInboundCountLocked > 0 || self.isInboundFinished || self.isClosed {
                        return true
                    }
                    self.inboundWaiter = continuation
                    return false
                }
                if isReady { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.channel.withStateLock { _ in
                defer { self.inboundWaiter = nil }
                return self.inboundWaiter
            }
            waiter?.resume()
        }
    }

    // MARK: - Inbound buffer (connection lock held)

    /// Buffers a received request message.
    func appendInboundLocked(_ message: ArraySlice<UInt8>) {
        if self.inboundSlot == nil && self.inboundHead == self.inbound.count {
            self.inboundSlot = message
        } else {
            self.inbound.append(message)
        }
    }

    /// The oldest buffered message, if any.
    func takeInboundLocked() -> ArraySlice<UInt8>? {
        if let message = self.inboundSlot {
            self.inboundSlot = nil
            return message
        }
        guard self.inboundHead < self.inbound.count else { return nil }
        let message = self.inbound[self.inboundHead]
        self.inboundHead += 1
        if self.inboundHead == self.inbound.count {
            self.inbound.removeAll(keepingCapacity: true)
            self.inboundHead = 0
        }
        return message
    }

    /// How many request messages are buffered.
    var bufferedInboundCountLocked: Int {
        (self.inboundSlot == nil ? 0 : 1) + self.inbound.count - self.inboundHead
    }

    // MARK: - Sending

    private enum SendOutcome {
        case sent
        case wait
        case failed(RPCError)
    }

    /// Sends one response message, waiting while the flow-control window is exhausted.
    @inline(__always)
    func send(_ bytes: [UInt8]) async throws {
        // Synchronous fast path: no async frame when the window is open.
        if try self.trySend(bytes) { return }
        try await self.sendWaitingForWindow(bytes)
    }

    /// Queues the message if the window allows; `false` when the caller must wait.
    func trySend(_ bytes: [UInt8]) throws -> Bool {
        let outcome = self.channel.withLock(flush: .batched) { state, buffer -> SendOutcome in
            if self.isClosed { return .failed(self.closeReason ?? Self.cancelledError) }
            if bytes.count > Int(state.peerSettings.maxFrameSize) {
                return .failed(
                    RPCError(
                        code: .resourceExhausted,
                        message:
                            "response message of \(bytes.count) bytes exceeds the client's maximum frame size of \(state.peerSettings.maxFrameSize)"
                    )
                )
            }
            guard self.sendWindow > 0 else { return .wait }
            self.sendWindow -= bytes.count + Frame.headerSize
            FrameEncoder.appendMessage(bytes, callID: self.id, into: &buffer)
            return .sent
        }
        switch outcome {
        case .sent: return true
        case .wait: return false
        case .failed(let error): throw error
        }
    }

    private func sendWaitingForWindow(_ bytes: [UInt8]) async throws {
        while true {
            let outcome = self.channel.withLock(flush: .batched) { state, buffer -> SendOutcome in
                if self.isClosed { return .failed(self.closeReason ?? Self.cancelledError) }
                if bytes.count > Int(state.peerSettings.maxFrameSize) {
                    return .failed(
                        RPCError(
                            code: .resourceExhausted,
                            message:
                                "response message of \(bytes.count) bytes exceeds the client's maximum frame size of \(state.peerSettings.maxFrameSize)"
                        )
                    )
                }
                guard self.sendWindow > 0 else { return .wait }
                self.sendWindow -= bytes.count + Frame.headerSize
                FrameEncoder.appendMessage(bytes, callID: self.id, into: &buffer)
                return .sent
            }
            switch outcome {
            case .sent: return
            case .failed(let error): throw error
            case .wait:
                try Task.checkCancellation()
                await self.waitForWindow()
            }
        }
    }

    private func waitForWindow() async {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let isReady = self.channel.withStateLock { _ in
                    if self.sendWindow > 0 || self.isClosed { return true }
                    self.windowWaiter = continuation
                    return false
                }
                if isReady { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.channel.withStateLock { _ in
                defer { self.windowWaiter = nil }
                return self.windowWaiter
            }
            waiter?.resume()
        }
    }

    /// Whether the handler is currently suspended waiting for flow-control window (tests).
    package var isWaitingForWindow: Bool {
        self.channel.withStateLock { _ in self.windowWaiter != nil }
    }

    // MARK: - Finishing

    /// Sends the final message (if any) and the status in one write, unless the call is already
    /// closed. Returns whether this call sent the status.
    @discardableResult
    func finish(message: [UInt8]?, status: RPCStatus, trailers: Metadata) -> Bool {
        var trailers = trailers
        let sent = self.channel.withLock(flush: .immediate) { state, buffer -> Bool in
            guard !self.isClosed else { return false }
            if let message {
                if message.count > Int(state.peerSettings.maxFrameSize) {
                    let error = RPCStatus(
                        code: .resourceExhausted,
                        message:
                            "response message of \(message.count) bytes exceeds the client's maximum frame size of \(state.peerSettings.maxFrameSize)"
                    )
                    trailers = Metadata()
                    FrameEncoder.appendStatus(error, trailers: trailers, callID: self.id, into: &buffer)
                    self.closeLocked(reason: nil)
                    return true
                }
                FrameEncoder.appendMessage(message, callID: self.id, into: &buffer)
            }
            FrameEncoder.appendStatus(status, trailers: trailers, callID: self.id, into: &buffer)
            self.closeLocked(reason: nil)
            return true
        }
        return sent
    }

    /// Closes the call early (deadline, CANCEL, connection loss, forced shutdown): optionally
    /// sends `status`, wakes the handler and cancels its task.
    func abort(reason: RPCError, sendStatus: Bool) {
        let task = self.channel.withLock(flush: .immediate) { _, buffer -> Task<Void, Never>? in
            guard !self.isClosed else { return nil }
            if sendStatus {
                FrameEncoder.appendStatus(reason.status, trailers: reason.metadata, callID: self.id, into: &buffer)
            }
            self.closeLocked(reason: reason)
            return self.task
        }
        task?.cancel()
    }

    /// Marks the call closed and wakes its waiters; the caller holds the lock.
    ///
    /// Waiters are resumed while the lock is held: resuming an `UnsafeContinuation` only enqueues
    /// the task, it never runs it inline, so no re-entrance can happen.
    func closeLocked(reason: RPCError?) {
        self.isClosed = true
        self.closeReason = reason ?? Self.cancelledError
        self.inbound.removeAll()
        self.inboundHead = 0
        self.inboundSlot = nil
        self.deadlineTimer?.cancel()
        self.deadlineTimer = nil
        if let waiter = self.inboundWaiter {
            self.inboundWaiter = nil
            waiter.resume()
        }
        if let waiter = self.windowWaiter {
            self.windowWaiter = nil
            waiter.resume()
        }
    }

    static let cancelledError = RPCError(code: .cancelled, message: "the call was cancelled")
}
