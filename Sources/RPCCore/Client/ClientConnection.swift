internal import ServerSupport

/// The client side of one connection: handshake, call ids, frame dispatch, GOAWAY, keepalive.
final class ClientConnection: RPCByteStreamHandler, @unchecked Sendable {  // Safe: loop-only state on its event loop, the rest under the channel lock.
    // @unchecked Sendable: `decoder`, `hasPreface`, `hasReadSinceTick`, `isStreamClosed`, `messageRun` and `tickTimer` are only touched on the stream's event loop;
    // everything else shared is immutable or inside `channel` under its lock.

    struct State {
        enum Phase {
            case handshaking
            case ready
            /// GOAWAY received (or the client is closing): no new calls; in-flight calls finish.
            case draining
            case closed
        }

        var phase: Phase = .handshaking
        var calls: [UInt32: ClientCall] = [:]
        var nextCallID: UInt32 = 1
        var peerSettings = ConnectionSettings()
        var lastReadAt: UInt64
        var pingSentAt: UInt64?
        var handshakeWaiter: UnsafeContinuation<Result<Void, RPCError>, Never>?
        var closeError: RPCError?
        /// Callers waiting for a call slot (the server's MAX_CONCURRENT_CALLS is reached), FIFO.
        var slotWaiters: [(id: UInt64, continuation: UnsafeContinuation<Void, Never>)] = []
        var cancelledSlotWaiters: Set<UInt64> = []
        var nextSlotWaiterID: UInt64 = 0

        /// Wakes the first caller waiting for a call slot (lock held).
        mutating func releaseSlot() {
            guard !self.slotWaiters.isEmpty else { return }
            self.slotWaiters.removeFirst().continuation.resume()
        }

        /// Wakes every caller waiting for a slot (the connection stops taking calls; lock held).
        mutating func releaseAllSlots() {
            let waiters = self.slotWaiters
            self.slotWaiters = []
            for waiter in waiters { waiter.continuation.resume() }
        }
    }

    /// The outcome of trying to start a call.
    enum StartResult {
        case started
        /// The server's concurrent-call limit is reached: wait for a slot, then retry.
        case full
    }

    let channel: FrameChannel<State>
    let configuration: RPCClient.Configuration
    let logger: Logger
    let target: String
    @exclusivity(unchecked) private var decoder: FrameDecoder
    private var tickTimer: (any RPCTimer)?
    @exclusivity(unchecked) private var hasPreface = false
    /// Bytes arrived since the last keepalive tick (loop only).
    @exclusivity(unchecked) private var hasReadSinceTick = false
    /// The stream reported its close (loop only).
    @exclusivity(unchecked) private var isStreamClosed = false
    /// Consecutive MESSAGE frames of one call being collected (loop only; storage reused).
    @exclusivity(unchecked) private var messageRun: [ArraySlice<UInt8>] = []
    private let onClose: @Sendable (ClientConnection) -> Void

    private init(
        stream: any RPCByteStream,
        target: String,
        configuration: RPCClient.Configuration,
        logger: Logger,
        onClose: @escaping @Sendable (ClientConnection) -> Void
    ) {
        let now = monotonicNanoseconds()
        self.channel = FrameChannel(stream: stream, state: State(lastReadAt: now))
        self.configuration = configuration
        self.target = target
        self.decoder = FrameDecoder(maxFrameSize: configuration.settings.maxFrameSize.toInt, expectsPreface: true)
        self.logger = logger
        self.onClose = onClose
    }

    /// Opens a connection and completes the handshake before `deadline`.
    ///
    /// - Throws: ``RPCError`` `UNAVAILABLE` (or `UNIMPLEMENTED` for a version mismatch).
    static func connect(
        transport: any RPCClientTransport,
        deadline: ContinuousClock.Instant,
        configuration: RPCClient.Configuration,
        logger: Logger,
        onClose: @escaping @Sendable (ClientConnection) -> Void
    ) async throws -> ClientConnection {
        let stream: any RPCByteStream
        do {
            stream = try await transport.connect(deadline: deadline)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .unavailable, message: "cannot connect to \(transport.target): \(error)", cause: error)
        }
        let connection = ClientConnection(
            stream: stream,
            target: transport.target,
            configuration: configuration,
            logger: logger,
            onClose: onClose
        )
        let timeout = deadline - ContinuousClock.now
        let result = await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<Void, RPCError>, Never>) in
            connection.channel.withStateLock { $0.handshakeWaiter = continuation }
            connection.start(handshakeTimeout: timeout)
        }
        try result.get()
        return connection
    }

    private func start(handshakeTimeout: Duration) {
        self.channel.stream.start(handler: self)
        self.channel.withLock(flush: .immediate) { _, buffer in
            buffer.append(contentsOf: ConnectionPreface().bytes)
            FrameEncoder.appendSettings(self.configuration.settings, into: &buffer)
        }
        let loop = self.channel.loop
        loop.execute {
            self.scheduleTick()
            _ = loop.scheduleTimer(after: max(handshakeTimeout, .zero)) {
                let isHandshaking = self.channel.withStateLock { $0.phase == .handshaking }
                if isHandshaking {
                    self.fail(RPCError(code: .unavailable, message: "handshake with \(self.target) timed out"))
                }
            }
        }
    }

    /// Whether new calls may start here.
    var isReady: Bool {
        self.channel.withStateLock { $0.phase == .ready }
    }

    // MARK: - Starting calls

    /// Queues HEADERS (and the given messages, and END when `end`) for a new call in one write.
    ///
    /// - Throws: a retriable ``RPCError`` `UNAVAILABLE` when the connection no longer takes calls.
    func startCall(
        _ call: ClientCall,
        head: RequestHead,
        messages: [[UInt8]],
        end: Bool,
        deadline: ContinuousClock.Instant?
    ) throws(RPCError) -> StartResult {
        var isFull = false
        let result = self.channel.withLock(flush: .immediate) { state, buffer -> RPCError? in
            guard state.phase == .ready else {
                return state.closeError
                    ?? RPCError(code: .unavailable, message: "the connection to \(self.target) is closing")
            }
            if state.calls.count >= Int(state.peerSettings.maxConcurrentCalls) {
                isFull = true
                return nil
            }
            for message in messages where message.count > Int(state.peerSettings.maxFrameSize) {
                return RPCError(
                    code: .resourceExhausted,
                    message:
                        "request message of \(message.count) bytes exceeds the server's maximum frame size of \(state.peerSettings.maxFrameSize)"
                )
            }
            guard state.nextCallID < UInt32.max - 1 else {
                state.phase = .draining
                return RPCError(code: .unavailable, message: "call ids exhausted on this connection")
            }
            let id = state.nextCallID
            state.nextCallID += 1
            call.id = id
            call.sendWindow = Int(state.peerSettings.initialWindowSize)
            state.calls[id] = call
            FrameEncoder.appendHeaders(head, callID: id, into: &buffer)
            for message in messages {
                call.sendWindow -= message.count + Frame.headerSize
                FrameEncoder.appendMessage(message, callID: id, into: &buffer)
            }
            if end {
                call.isHalfClosed = true
                FrameEncoder.appendEnd(callID: id, into: &buffer)
            }
            return nil
        }
        if let error = result {
            if error.code == .unavailable { call.isRetriable = true }
            throw error
        }
        if isFull { return .full }
        if let deadline {
            let timer = self.channel.loop.scheduleTimer(after: deadline - ContinuousClock.now) {
                call.cancel(with: RPCError(code: .deadlineExceeded, message: "the deadline was exceeded"))
            }
            self.channel.withStateLock { _ in
                if call.outcome == nil { call.deadlineTimer = timer } else { timer.cancel() }
            }
        }
        return .started
    }

    /// Waits until a call slot frees up (or the connection stops taking calls).
    func waitForCallSlot() async {
        let id = self.channel.withStateLock { state -> UInt64 in
            state.nextSlotWaiterID += 1
            return state.nextSlotWaiterID
        }
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let resumeNow = self.channel.withStateLock { state -> Bool in
                    if state.cancelledSlotWaiters.remove(id) != nil { return true }
                    if state.phase != .ready || state.calls.count < Int(state.peerSettings.maxConcurrentCalls) {
                        return true
                    }
                    state.slotWaiters.append((id, continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.channel.withStateLock { state -> UnsafeContinuation<Void, Never>? in
                if let index = state.slotWaiters.firstIndex(where: { $0.id == id }) {
                    return state.slotWaiters.remove(at: index).continuation
                }
                state.cancelledSlotWaiters.insert(id)
                return nil
            }
            waiter?.resume()
        }
    }

    // MARK: - Inbound

    func streamReceived(_ bytes: [UInt8]) {
        // No lock and no clock per read: the keepalive tick notices the activity.
        self.hasReadSinceTick = true
        guard !self.isStreamClosed else { return }
        self.decoder.append(bytes)
        do {
            if !self.hasPreface {
                guard let preface = try self.decoder.nextPreface() else { return }
                try preface.checkVersion()
                self.hasPreface = true
            }
            // Consecutive MESSAGE frames of one call (a response stream) are delivered together:
            // one lock and one call lookup per run instead of per message.
            var runCallID: UInt32 = 0
            while let frame = try self.decoder.nextFrame() {
                if frame.kind == .message, frame.flags.rawValue == 0, frame.callID != 0 {
                    if frame.callID != runCallID, !self.messageRun.isEmpty {
                        try self.deliverRun(callID: runCallID)
                    }
                    runCallID = frame.callID
                    self.messageRun.append(frame.payload)
                    continue
                }
                if !self.messageRun.isEmpty { try self.deliverRun(callID: runCallID) }
                try self.handle(frame)
            }
            if !self.messageRun.isEmpty { try self.deliverRun(callID: runCallID) }
        } catch let error as FrameError {
            self.logger.info("protocol error from server, closing connection", metadata: ["error": "\(error)"])
            self.channel.withLock(flush: .immediate) { _, buffer in
                FrameEncoder.appendGoAway(
                    GoAway(lastCallID: 0, code: error.statusCode, message: error.message),
                    into: &buffer
                )
            }
            let code: RPCError.Code = error.code == .unsupportedVersion ? .unimplemented : .unavailable
            self.fail(
                RPCError(code: code, message: "protocol error from \(self.target): \(error.message)", cause: error)
            )
        } catch {
            self.fail(RPCError(code: .internalError, message: "\(error)", cause: error))
        }
    }

    private func handle(_ frame: Frame) throws {
        let payload = try frame.decodePayload()
        switch payload {
        case .settings(let settings):
            let waiter = try self.channel.withStateLock { state -> UnsafeContinuation<Result<Void, RPCError>, Never>? in
                guard state.phase == .handshaking else {
                    throw FrameError(
                        code: .protocolViolation,
                        message: "SETTINGS is only allowed once, right after the preface"
                    )
                }
                state.peerSettings = settings
                state.phase = .ready
                defer { state.handshakeWaiter = nil }
                return state.handshakeWaiter
            }
            waiter?.resume(returning: .success(()))
        case .message(let bytes):
            try self.deliver([bytes], callID: frame.callID)
        case .status(let status, let trailers):
            try self.channel.withStateLock { state in
                try self.requireReady(state, frame.kind)
                guard let call = state.calls[frame.callID] else { return }
                if let error = RPCError(status: status, metadata: trailers) {
                    call.completeLocked(.failure(error), state: &state)
                } else {
                    call.completeLocked(.success(trailers), state: &state)
                }
            }
            self.closeIfDrainedAndIdle()
        case .windowUpdate(let increment):
            try self.channel.withStateLock { state in
                try self.requireReady(state, frame.kind)
                guard let call = state.calls[frame.callID] else { return }
                call.sendWindow += Int(increment)
                if call.sendWindow > 0, let waiter = call.windowWaiter {
                    call.windowWaiter = nil
                    waiter.resume()
                }
            }
        case .ping(let data):
            self.channel.withLock(flush: .immediate) { _, buffer in FrameEncoder.appendPong(data, into: &buffer) }
        case .pong:
            break
        case .goAway(let goAway):
            self.receiveGoAway(goAway)
        case .headers, .end, .cancel:
            throw FrameError(code: .protocolViolation, message: "\(frame.kind.name) is only sent by clients")
        }
    }

    /// Delivers `messageRun` and empties it, keeping its storage.
    private func deliverRun(callID: UInt32) throws {
        defer { self.messageRun.removeAll(keepingCapacity: true) }
        try self.deliver(self.messageRun, callID: callID)
    }

    /// Hands response messages to their call (one lock for the whole run).
    private func deliver(_ messages: [ArraySlice<UInt8>], callID: UInt32) throws {
        let limit = self.configuration.initialWindowSize + self.configuration.maxFrameSize + Frame.headerSize
        let overflow = try self.channel.withStateLock { state -> ClientCall? in
            try self.requireReady(state, .message)
            guard let call = state.calls[callID] else { return nil }
            for message in messages {
                call.unacknowledgedInboundBytes += message.count + Frame.headerSize
                if call.unacknowledgedInboundBytes > limit { return call }
                if call.wakesOnMessage {
                    call.inbound.append(message)
                } else {
                    call.messageCount += 1
                    if call.singleMessage == nil { call.singleMessage = message }
                }
            }
            if call.wakesOnMessage, let waiter = call.waiter {
                call.waiter = nil
                waiter.resume()
            }
            return nil
        }
        overflow?.cancel(
            with: RPCError(code: .resourceExhausted, message: "the server exceeded the call's flow-control window")
        )
    }

    private func requireReady(_ state: State, _ kind: Frame.Kind) throws {
        if state.phase == .handshaking {
            throw FrameError(code: .protocolViolation, message: "\(kind.name) before the server's SETTINGS")
        }
    }

    private func receiveGoAway(_ goAway: GoAway) {
        self.logger.debug("server sent GOAWAY", metadata: ["rpc.code": goAway.code.name, "reason": goAway.message])
        let error = RPCError(
            code: goAway.code == .unimplemented ? .unimplemented : .unavailable,
            message: "the server closed the connection: \(goAway.message)"
        )
        self.channel.withStateLock { state in
            if state.phase == .handshaking, let waiter = state.handshakeWaiter {
                state.handshakeWaiter = nil
                waiter.resume(returning: .failure(error))
            }
            if state.phase != .closed { state.phase = .draining }
            state.closeError = error
            state.releaseAllSlots()
            // Calls above lastCallID were never processed: fail them as retriable.
            for call in state.calls.values where call.id > goAway.lastCallID {
                call.isRetriable = true
                call.completeLocked(.failure(error), state: &state)
            }
        }
        self.closeIfDrainedAndIdle()
    }

    /// Closes a draining connection once its last call ended.
    private func closeIfDrainedAndIdle() {
        let shouldClose = self.channel.withStateLock { $0.phase == .draining && $0.calls.isEmpty }
        if shouldClose { self.channel.closeAfterFlush() }
    }

    func streamBecameWritable() {
        self.channel.streamBecameWritable()
    }

    func streamClosed(error: (any Error)?) {
        self.isStreamClosed = true
        self.channel.markBroken()
        self.tickTimer?.cancel()
        self.tickTimer = nil
        let failure = RPCError(
            code: .unavailable,
            message: "the connection to \(self.target) was closed" + (error.map { ": \($0)" } ?? ""),
            cause: error
        )
        self.channel.withStateLock { state in
            let closeError = state.closeError ?? failure
            state.phase = .closed
            state.closeError = closeError
            state.releaseAllSlots()
            if let waiter = state.handshakeWaiter {
                state.handshakeWaiter = nil
                waiter.resume(returning: .failure(closeError))
            }
            for call in state.calls.values {
                call.completeLocked(.failure(failure), state: &state)
            }
        }
        self.logger.debug("connection closed", metadata: ["rpc.target": self.target])
        self.onClose(self)
    }

    /// Fails every call with `error` and closes the stream.
    func fail(_ error: RPCError) {
        self.channel.withStateLock { state in
            if state.closeError == nil { state.closeError = error }
            if state.phase != .closed { state.phase = .draining }
            state.releaseAllSlots()
            if let waiter = state.handshakeWaiter {
                state.handshakeWaiter = nil
                waiter.resume(returning: .failure(error))
            }
            for call in state.calls.values {
                call.completeLocked(.failure(error), state: &state)
            }
        }
        self.channel.closeAfterFlush()
        _ = self.channel.loop.scheduleTimer(after: .milliseconds(500)) { self.channel.stream.close() }
    }

    /// Graceful close: no new calls; the stream closes when the last call ends.
    func beginDrain() {
        self.channel.withStateLock { state in
            if state.phase == .ready || state.phase == .handshaking { state.phase = .draining }
            state.releaseAllSlots()
            if state.closeError == nil {
                state.closeError = RPCError(code: .unavailable, message: "the client is closed")
            }
        }
        self.closeIfDrainedAndIdle()
    }

    // MARK: - Keepalive

    private func scheduleTick() {
        self.tickTimer = self.channel.loop.scheduleTimer(after: self.configuration.tickInterval) { self.tick() }
    }

    private func tick() {
        let now = monotonicNanoseconds()
        enum Action {
            case none, ping, drop
        }
        let hasRead = self.hasReadSinceTick
        self.hasReadSinceTick = false
        let action = self.channel.withStateLock { state -> Action in
            if hasRead {
                state.lastReadAt = now
                state.pingSentAt = nil
            }
            guard state.phase == .ready || state.phase == .draining else { return .none }
            guard let interval = self.configuration.keepaliveInterval else { return .none }
            if let sentAt = state.pingSentAt {
                return now - sentAt > self.configuration.keepaliveTimeout.clampedNanoseconds ? .drop : .none
            }
            if now - state.lastReadAt > interval.clampedNanoseconds {
                state.pingSentAt = now
                return .ping
            }
            return .none
        }
        switch action {
        case .none:
            break
        case .ping:
            self.channel.withLock(flush: .immediate) { _, buffer in FrameEncoder.appendPing(now, into: &buffer) }
        case .drop:
            self.logger.info(
                "server did not answer keepalive PING, dropping connection",
                metadata: ["rpc.target": self.target]
            )
            self.fail(RPCError(code: .unavailable, message: "keepalive timeout: \(self.target) did not answer PING"))
        }
        let isClosed = self.channel.withStateLock { $0.phase == .closed }
        if !isClosed { self.scheduleTick() }
    }
}

extension UInt32 {
    var toInt: Int { Int(self) }
}
