internal import ServerSupport

/// The server side of one connection: handshake, frame dispatch, call table, limits, timeouts,
/// keepalive and draining (`WIRE.md` §1–3, §7–8).
///
/// Inbound bytes are decoded on the stream's event loop; call state lives under the channel lock
/// shared with the outbound buffer (see ``FrameChannel``).
final class ServerConnection: RPCByteStreamHandler, @unchecked Sendable {  // Safe: loop-only state on its event loop, the rest under the channel lock.
    // @unchecked Sendable: `decoder`, `hasPreface`, `hasReadSinceTick`, `pendingStarts`, `stopsReading`, `tickTimer` and `openedAt` are only touched on the
    // stream's event loop (inbound callbacks and timers run there); everything else shared is
    // either immutable or inside `channel` under its lock.

    struct State {
        enum Phase {
            /// Waiting for the client's preface.
            case awaitingPreface
            /// Preface answered; the client's SETTINGS must come next.
            case awaitingSettings
            /// Serving calls.
            case open
            /// GOAWAY sent for a graceful shutdown or idle close: in-flight calls finish, new ones are refused.
            case draining
            /// GOAWAY sent for an error, or the stream is closing: nothing more is processed.
            case closing
            /// The stream is closed.
            case closed
        }

        var phase: Phase = .awaitingPreface
        var calls: [UInt32: ServerCall] = [:]
        var lastCallID: UInt32 = 0
        var peerSettings = ConnectionSettings()
        var idleSince: UInt64
        var lastReadAt: UInt64
        var pingSentAt: UInt64?
        var isFinished = false
    }

    let id: UInt64
    let runtime: ServerRuntime
    let channel: FrameChannel<State>
    let logger: Logger
    @exclusivity(unchecked) private var decoder: FrameDecoder
    /// The last method name decoded (loop only).
    private let methodCache = MethodNameCache()
    /// Calls opened by the current batch of frames, started at its end (loop only).
    @exclusivity(unchecked) private var pendingStarts: [ServerCall] = []
    /// The client's preface has been consumed (loop only; the phase may move on without it,
    /// e.g. to closing).
    @exclusivity(unchecked) private var hasPreface = false
    /// Bytes arrived since the last housekeeping tick (loop only).
    @exclusivity(unchecked) private var hasReadSinceTick = false
    /// Set (on the loop) once the connection stops processing input.
    @exclusivity(unchecked) private var stopsReading = false
    private var tickTimer: (any RPCTimer)?
    private let openedAt: UInt64

    init(id: UInt64, stream: any RPCByteStream, runtime: ServerRuntime) {
        let now = monotonicNanoseconds()
        self.id = id
        self.runtime = runtime
        self.channel = FrameChannel(stream: stream, state: State(idleSince: now, lastReadAt: now))
        self.decoder = FrameDecoder(maxFrameSize: runtime.configuration.maxFrameSize, expectsPreface: true)
        self.openedAt = now
        var logger = runtime.logger
        logger[metadataKey: "rpc.connection"] = String(id)
        logger[metadataKey: "rpc.peer"] = stream.peerDescription
        self.logger = logger
    }

    var peer: String { self.channel.stream.peerDescription }
    var loop: any RPCEventLoop { self.channel.loop }

    /// Starts reading and the housekeeping timer.
    func start() {
        self.logger.info("connection opened")
        self.channel.stream.start(handler: self)
        self.loop.execute { self.scheduleTick() }
    }

    // MARK: - Inbound

    func streamReceived(_ bytes: [UInt8]) {
        // No lock and no clock per read: the housekeeping tick notices the activity.
        self.hasReadSinceTick = true
        guard !self.stopsReading else { return }
        self.decoder.append(bytes)
        do {
            if !self.hasPreface {
                guard let preface = try self.decoder.nextPreface() else { return }
                self.hasPreface = true
                try preface.checkVersion()
                self.channel.withLock(flush: .immediate) { state, buffer in
                    state.phase = .awaitingSettings
                    buffer.append(contentsOf: ConnectionPreface().bytes)
                    FrameEncoder.appendSettings(self.runtime.configuration.settings, into: &buffer)
                }
            }
            while !self.stopsReading, let frame = try self.decoder.nextFrame() {
                try self.handle(frame)
            }
        } catch {
            self.failConnection(error)
        }
        self.startPendingCalls()
    }

    /// Starts the handlers of the calls opened by the frames just decoded. Deferred to the end of
    /// the batch so a unary call's MESSAGE and END (usually in the same read) are already
    /// buffered: the handler then runs to completion at once, without suspending.
    private func startPendingCalls() {
        guard !self.pendingStarts.isEmpty else { return }
        // By index, without copying the array: its storage is reused for the next batch.
        var index = 0
        while index < self.pendingStarts.count {
            self.startCall(self.pendingStarts[index])
            index += 1
        }
        self.pendingStarts.removeAll(keepingCapacity: true)
    }

    func streamBecameWritable() {
        self.channel.streamBecameWritable()
    }

    func streamClosed(error: (any Error)?) {
        self.stopsReading = true
        self.channel.markBroken()
        self.tickTimer?.cancel()
        self.tickTimer = nil
        let calls = self.channel.withStateLock { state -> [ServerCall] in
            state.phase = .closed
            return Array(state.calls.values)
        }
        if let error {
            self.logger.info("connection closed", metadata: ["error": "\(error)"])
        } else {
            self.logger.info("connection closed")
        }
        let reason = RPCError(code: .cancelled, message: "the connection was closed")
        for call in calls { call.abort(reason: reason, sendStatus: false) }
        self.checkFinished()
    }

    /// Turns a decoding or protocol error into GOAWAY + close (`WIRE.md` §8).
    private func failConnection(_ error: any Error) {
        let frameError = error as? FrameError
        let code = frameError?.statusCode ?? .internalError
        let message = frameError?.message ?? "internal error"
        self.logger.info("protocol error, closing connection", metadata: ["error": "\(error)"])
        self.goAwayAndClose(
            code: code,
            message: message,
            sendPreface: frameError?.code == .badPreface || frameError?.code == .unsupportedVersion
        )
    }

    /// Sends GOAWAY and closes once it is written (or after a second if the peer does not read).
    func goAwayAndClose(code: RPCStatus.Code, message: String, sendPreface: Bool = false) {
        if self.loop.inEventLoop { self.stopsReading = true }
        let calls = self.channel.withLock(flush: .immediate) { state, buffer -> [ServerCall] in
            guard state.phase != .closing, state.phase != .closed else { return [] }
            if sendPreface || state.phase == .awaitingPreface {
                buffer.append(contentsOf: ConnectionPreface().bytes)
            }
            FrameEncoder.appendGoAway(GoAway(lastCallID: state.lastCallID, code: code, message: message), into: &buffer)
            state.phase = .closing
            return Array(state.calls.values)
        }
        let reason = RPCError(code: .unavailable, message: "the connection was closed: \(message)")
        for call in calls { call.abort(reason: reason, sendStatus: false) }
        self.channel.closeAfterFlush()
        _ = self.loop.scheduleTimer(after: .seconds(1)) { self.channel.stream.close() }
    }

    private func protocolViolation(_ message: String) -> FrameError {
        FrameError(code: .protocolViolation, message: message)
    }

    private func handle(_ frame: Frame) throws {
        let payload = try frame.decodePayload(methodCache: self.methodCache)
        switch payload {
        case .settings(let settings):
            let isExpected = self.channel.withStateLock { state -> Bool in
                guard state.phase == .awaitingSettings else { return false }
                state.peerSettings = settings
                state.phase = .open
                return true
            }
            guard isExpected else {
                throw self.protocolViolation("SETTINGS is only allowed once, right after the preface")
            }
        case .headers(let head):
            try self.openCall(id: frame.callID, head: head, headersSize: frame.payload.count)
        case .message(let bytes):
            try self.receiveMessage(callID: frame.callID, bytes: bytes)
        case .end:
            try self.receiveEnd(callID: frame.callID)
        case .cancel:
            if let call = try self.existingCall(frame.callID, kind: frame.kind) {
                call.abort(
                    reason: RPCError(code: .cancelled, message: "the client cancelled the call"),
                    sendStatus: false
                )
            }
        case .windowUpdate(let increment):
            try self.receiveWindowUpdate(callID: frame.callID, increment: increment)
        case .ping(let data):
            self.channel.withLock(flush: .immediate) { _, buffer in FrameEncoder.appendPong(data, into: &buffer) }
        case .pong:
            break
        case .goAway:
            // The client will start no new calls: finish the running ones, then close.
            self.beginDrain(message: "client sent GOAWAY", sendGoAway: false)
        case .status:
            throw self.protocolViolation("STATUS is only sent by servers")
        }
    }

    /// Checks the phase before call frames.
    private func requireOpen(_ state: State, kind: Frame.Kind) throws {
        switch state.phase {
        case .awaitingPreface, .awaitingSettings:
            throw self.protocolViolation("\(kind.name) before the client's SETTINGS")
        default:
            break
        }
    }

    /// The open call a frame refers to, `nil` for a finished or refused call (frames may cross a
    /// STATUS in flight), or a protocol violation for an id that was never opened.
    private func existingCall(_ callID: UInt32, kind: Frame.Kind) throws -> ServerCall? {
        try self.channel.withStateLock { state in
            try self.requireOpen(state, kind: kind)
            if let call = state.calls[callID] { return call }
            if callID > state.lastCallID {
                throw self.protocolViolation("\(kind.name) for call \(callID), which was never opened")
            }
            return nil
        }
    }

    // MARK: - Calls

    private func openCall(id callID: UInt32, head: RequestHead, headersSize: Int) throws {
        let configuration = self.runtime.configuration
        enum Decision {
            case start(ServerCall)
            case refuse(RPCStatus)
        }
        let decision = try self.channel.withStateLock { state -> Decision in
            try self.requireOpen(state, kind: .headers)
            guard callID > state.lastCallID else {
                throw self.protocolViolation("call id \(callID) is not above the previous call id \(state.lastCallID)")
            }
            state.lastCallID = callID
            if state.phase == .draining {
                return .refuse(
                    RPCStatus(code: .unavailable, message: "the server is shutting down; retry on a new connection")
                )
            }
            guard state.phase == .open else {
                return .refuse(RPCStatus(code: .unavailable, message: "the connection is closing"))
            }
            if headersSize > configuration.maxHeadersSize {
                return .refuse(
                    RPCStatus(
                        code: .resourceExhausted,
                        message:
                            "call metadata of \(headersSize) bytes exceeds the limit of \(configuration.maxHeadersSize)"
                    )
                )
            }
            if state.calls.count >= configuration.maxConcurrentCallsPerConnection {
                return .refuse(
                    RPCStatus(
                        code: .resourceExhausted,
                        message:
                            "too many concurrent calls on this connection (limit \(configuration.maxConcurrentCallsPerConnection))"
                    )
                )
            }
            guard let method = self.runtime.methods[head.method] else {
                return .refuse(
                    RPCStatus(
                        code: .unimplemented,
                        message: "method '\(head.method)' is not implemented by this server"
                    )
                )
            }
            if head.metadata.elements.contains(where: { $0.key.hasPrefix(MetadataKey.reservedPrefix) }) {
                return .refuse(
                    RPCStatus(
                        code: .invalidArgument,
                        message: "metadata keys starting with '\(MetadataKey.reservedPrefix)' are reserved"
                    )
                )
            }
            let call = ServerCall(
                id: callID,
                connection: self,
                method: method,
                head: head,
                sendWindow: Int(state.peerSettings.initialWindowSize)
            )
            state.calls[callID] = call
            return .start(call)
        }
        switch decision {
        case .refuse(let status):
            self.channel.withLock(flush: .immediate) { _, buffer in
                FrameEncoder.appendStatus(status, trailers: [:], callID: callID, into: &buffer)
            }
            if status.code != .unimplemented && status.code != .unavailable {
                self.logger.info("call refused", metadata: ["rpc.method": head.method, "rpc.status": "\(status)"])
            }
        case .start(let call):
            self.pendingStarts.append(call)
        }
    }

    private func startCall(_ call: ServerCall) {
        if let duration = call.timeout {
            let timer = self.loop.scheduleTimer(after: duration) {
                call.abort(
                    reason: RPCError(code: .deadlineExceeded, message: "the deadline of \(duration) was exceeded"),
                    sendStatus: true
                )
            }
            self.channel.withStateLock { _ in
                if call.isClosed { timer.cancel() } else { call.deadlineTimer = timer }
            }
        }
        let task: Task<Void, Never>
        switch self.runtime.configuration.handlerExecution {
        case .eventLoop:
            // Runs synchronously on this (loop) thread until its first suspension: no job
            // round trip through the loop's queue for handlers that do not suspend. The closure
            // captures only `call`, so it needs no context allocation.
            task = Task.immediate(executorPreference: self.loop.taskExecutor) { await call.run() }
        case .globalExecutor:
            task = Task(executorPreference: globalConcurrentExecutor) { await call.run() }
        }
        let isClosed = self.channel.withStateLock { _ -> Bool in
            if !call.isClosed { call.task = task }
            return call.isClosed
        }
        if isClosed { task.cancel() }
    }

    private func receiveMessage(callID: UInt32, bytes: ArraySlice<UInt8>) throws {
        let configuration = self.runtime.configuration
        enum Outcome {
            case none
            case overflow(ServerCall)
        }
        let outcome = try self.channel.withStateLock { state -> Outcome in
            try self.requireOpen(state, kind: .message)
            guard let call = state.calls[callID] else {
                if callID > state.lastCallID {
                    throw self.protocolViolation("MESSAGE for call \(callID), which was never opened")
                }
                return .none
            }
            guard !call.isClosed else { return .none }
            guard !call.isInboundFinished else { throw self.protocolViolation("MESSAGE after END on call \(callID)") }
            call.unacknowledgedInboundBytes += bytes.count + Frame.headerSize
            if call.unacknowledgedInboundBytes > configuration.initialWindowSize + configuration.maxFrameSize
                + Frame.headerSize
            {
                return .overflow(call)
            }
            call.appendInboundLocked(bytes)
            if let waiter = call.inboundWaiter {
                call.inboundWaiter = nil
                waiter.resume()
            }
            return .none
        }
        if case .overflow(let call) = outcome {
            call.abort(
                reason: RPCError(
                    code: .resourceExhausted,
                    message: "the client exceeded the call's flow-control window"
                ),
                sendStatus: true
            )
        }
    }

    private func receiveEnd(callID: UInt32) throws {
        try self.channel.withStateLock { state in
            try self.requireOpen(state, kind: .end)
            guard let call = state.calls[callID] else {
                if callID > state.lastCallID {
                    throw self.protocolViolation("END for call \(callID), which was never opened")
                }
                return
            }
            guard !call.isClosed else { return }
            guard !call.isInboundFinished else { throw self.protocolViolation("second END on call \(callID)") }
            call.isInboundFinished = true
            if let waiter = call.inboundWaiter {
                call.inboundWaiter = nil
                waiter.resume()
            }
        }
    }

    private func receiveWindowUpdate(callID: UInt32, increment: UInt32) throws {
        try self.channel.withStateLock { state in
            try self.requireOpen(state, kind: .windowUpdate)
            guard let call = state.calls[callID] else {
                if callID > state.lastCallID {
                    throw self.protocolViolation("WINDOW_UPDATE for call \(callID), which was never opened")
                }
                return
            }
            let (window, overflow) = call.sendWindow.addingReportingOverflow(Int(increment))
            guard !overflow, window <= Int(ConnectionSettings.maximumSize) * 2 else {
                throw self.protocolViolation("WINDOW_UPDATE overflows the window of call \(callID)")
            }
            call.sendWindow = window
            if window > 0, let waiter = call.windowWaiter {
                call.windowWaiter = nil
                waiter.resume()
            }
        }
    }

    /// The handler task of `call` ended: forget the call; close the connection when draining and empty.
    func callFinished(_ call: ServerCall) {
        let (shouldClose, isFinished) = self.channel.withStateLock { state -> (Bool, Bool) in
            if !call.isClosed { call.closeLocked(reason: nil) }
            call.task = nil
            state.calls[call.id] = nil
            guard state.calls.isEmpty else { return (false, false) }
            state.idleSince = monotonicNanoseconds()
            if state.phase == .closed, !state.isFinished {
                state.isFinished = true
                return (false, true)
            }
            return (state.phase == .draining, false)
        }
        if shouldClose { self.channel.closeAfterFlush() }
        if isFinished { self.runtime.connectionFinished(self) }
    }

    /// Reports the connection to the runtime once its stream is closed and no handler runs.
    private func checkFinished() {
        let isFinished = self.channel.withStateLock { state -> Bool in
            guard state.phase == .closed, state.calls.isEmpty, !state.isFinished else { return false }
            state.isFinished = true
            return true
        }
        if isFinished { self.runtime.connectionFinished(self) }
    }

    // MARK: - Draining and shutdown

    /// Graceful close: GOAWAY with the last accepted call id, finish in-flight calls, then close.
    func beginDrain(message: String, sendGoAway: Bool = true) {
        let isHandshaking = self.channel.withStateLock { state in
            state.phase == .awaitingPreface || state.phase == .awaitingSettings
        }
        if isHandshaking {
            // No call can exist yet: say goodbye and close.
            self.goAwayAndClose(code: .ok, message: message)
            return
        }
        let isEmpty = self.channel.withLock(flush: .immediate) { state, buffer -> Bool? in
            switch state.phase {
            case .open:
                if sendGoAway {
                    if state.phase == .awaitingPreface { buffer.append(contentsOf: ConnectionPreface().bytes) }
                    FrameEncoder.appendGoAway(
                        GoAway(lastCallID: state.lastCallID, code: .ok, message: message),
                        into: &buffer
                    )
                }
                state.phase = .draining
                return state.calls.isEmpty
            default:
                return nil
            }
        }
        if isEmpty == true { self.channel.closeAfterFlush() }
    }

    /// Forced close at the end of the grace period: fails the remaining calls with `UNAVAILABLE`
    /// and closes.
    func forceClose() {
        let calls = self.channel.withStateLock { state in Array(state.calls.values) }
        let reason = RPCError(code: .unavailable, message: "the server shut down before the call completed")
        for call in calls { call.abort(reason: reason, sendStatus: true) }
        self.channel.withStateLock { state in
            if state.phase != .closed { state.phase = .closing }
        }
        self.channel.closeAfterFlush()
        _ = self.loop.scheduleTimer(after: .milliseconds(500)) { self.channel.stream.close() }
    }

    // MARK: - Housekeeping

    private func scheduleTick() {
        self.tickTimer = self.loop.scheduleTimer(after: self.runtime.configuration.tickInterval) { self.tick() }
    }

    /// Periodic check of the handshake, read, idle and keepalive timeouts.
    private func tick() {
        let configuration = self.runtime.configuration
        let now = monotonicNanoseconds()
        enum Action {
            case none
            case drop(String)
            case goAway(RPCStatus.Code, String)
            case ping
        }
        let hasPartialFrame = self.decoder.hasPartialFrame
        let hasRead = self.hasReadSinceTick
        self.hasReadSinceTick = false
        let action = self.channel.withStateLock { state -> Action in
            if hasRead {
                state.lastReadAt = now
                state.pingSentAt = nil
            }
            let readTimeout = configuration.readTimeout.clampedNanoseconds
            switch state.phase {
            case .closed, .closing:
                return .none
            case .awaitingPreface, .awaitingSettings:
                if now - self.openedAt > readTimeout {
                    return .goAway(.internalError, "handshake not completed within \(configuration.readTimeout)")
                }
            default:
                break
            }
            if hasPartialFrame, now - state.lastReadAt > readTimeout {
                return .goAway(.internalError, "read timeout: incomplete frame for \(configuration.readTimeout)")
            }
            if let pingSentAt = state.pingSentAt, now - pingSentAt > configuration.keepaliveTimeout.clampedNanoseconds {
                return .drop("keepalive timeout: no answer to PING within \(configuration.keepaliveTimeout)")
            }
            if state.phase == .open, let idle = configuration.idleTimeout, state.calls.isEmpty,
                now - state.idleSince > idle.clampedNanoseconds
            {
                return .goAway(.ok, "idle timeout")
            }
            if let interval = configuration.keepaliveInterval, state.pingSentAt == nil,
                state.phase == .open || state.phase == .draining,
                now - state.lastReadAt > interval.clampedNanoseconds
            {
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
        case .drop(let reason):
            self.logger.info("dropping connection", metadata: ["reason": reason])
            self.goAwayAndClose(code: .unavailable, message: reason)
        case .goAway(let code, let reason):
            if code == .ok {
                self.logger.debug("closing idle connection")
                self.beginDrain(message: reason)
            } else {
                self.logger.info("dropping connection", metadata: ["reason": reason])
                self.goAwayAndClose(code: code, message: reason)
            }
        }
        let isOver = self.channel.withStateLock { $0.phase == .closed }
        if !isOver { self.scheduleTick() }
    }

    /// Bytes appended for this connection and not yet accepted by the stream (tests, limits).
    var unwrittenByteCount: Int { self.channel.unwrittenByteCount }
}
