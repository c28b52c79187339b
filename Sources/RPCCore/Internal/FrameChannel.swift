internal import Foundation

/// How soon bytes appended to a ``FrameChannel`` should reach the stream.
enum FlushMode {
    /// Latency matters (a unary request or response, a status): write from this thread now,
    /// or at the end of the loop iteration when running on the loop (coalescing that iteration's
    /// writes into one syscall).
    case immediate
    /// Throughput matters (stream messages): leave the bytes for a flush the loop runs at the end
    /// of its iteration, so many messages share one syscall.
    case batched
}

/// The shared core of a connection: one lock guarding the connection's state (calls, phase…)
/// *and* its outbound byte buffer, plus the write path to the stream.
///
/// Writes coalesce: any thread appends frames under the lock; one thread at a time (the
/// "flusher") moves the buffer to the stream outside the lock, looping while others append.
/// A short write parks the remaining bytes until the stream reports it is writable again, so no
/// thread ever blocks on the socket.
final class FrameChannel<State>: @unchecked Sendable {  // Safe: `state` and `outbound` only under `lock`.
    // @unchecked Sendable: `state` and `outbound` are only touched while `lock` is held; `stream`
    // and `loop` are Sendable and immutable.

    /// The byte stream.
    let stream: any RPCByteStream
    /// The stream's event loop.
    let loop: any RPCEventLoop

    private let lock = NSLock()
    // Exclusivity is guaranteed by `lock`; unchecked saves a runtime check per access.
    @exclusivity(unchecked) private var state: State
    @exclusivity(unchecked) private var outbound = Outbound()

    private struct Outbound {
        /// Bytes appended and not yet taken by a flusher.
        var buffer: [UInt8] = []
        /// An empty array with capacity, recycled to avoid an allocation per flush.
        var spare: [UInt8] = []
        /// Bytes taken by the flusher that the stream has not accepted yet, from `pendingOffset`.
        var pending: [UInt8] = []
        var pendingOffset = 0
        /// A thread owns the write side (or the write side waits for writability).
        var isFlushing = false
        /// An end-of-iteration flush is scheduled on the loop.
        var isFlushScheduled = false
        /// Close the stream once everything is written.
        var isClosingAfterFlush = false
        /// The stream failed or closed; appends are dropped.
        var isBroken = false
        /// A writability notification arrived while the flusher was between a short write and
        /// parking its bytes: the flusher must retry instead of parking.
        var wasSignaledWritable = false

        var unwrittenByteCount: Int { self.buffer.count + self.pending.count - self.pendingOffset }
    }

    /// Queued bytes above which a batched append is written at once instead of at the end of
    /// the loop iteration.
    static var highWaterMark: Int { 64 * 1024 }

    init(stream: any RPCByteStream, state: State) {
        self.stream = stream
        self.loop = stream.eventLoop
        self.state = state
    }

    /// Runs `body` under the lock with the state and the outbound buffer, then flushes per `flush`.
    ///
    /// `body` appends frames to the buffer it is given; it must not block or call back into the channel.
    @inline(__always)
    func withLock<Result>(
        flush: FlushMode? = nil,
        _ body: (inout State, inout [UInt8]) throws -> Result
    ) rethrows -> Result {
        self.lock.lock()
        let result: Result
        do {
            result = try body(&self.state, &self.outbound.buffer)
        } catch {
            self.lock.unlock()
            throw error
        }
        guard let flush, !self.outbound.buffer.isEmpty else {
            self.lock.unlock()
            return result
        }
        let action = self.flushActionLocked(flush)
        self.lock.unlock()
        self.perform(action)
        return result
    }

    /// Reads or mutates the state only.
    @inline(__always)
    func withStateLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        self.lock.lock()
        defer { self.lock.unlock() }
        return try body(&self.state)
    }

    /// Runs `body` under the channel's lock (for per-call state owned by other objects).
    @inline(__always)
    func withCallStateLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        self.lock.lock()
        defer { self.lock.unlock() }
        return try body()
    }

    /// Bytes appended but not yet accepted by the stream (for limits and tests).
    var unwrittenByteCount: Int {
        self.lock.withLock { self.outbound.unwrittenByteCount }
    }

    // MARK: - Flushing

    private enum FlushAction {
        case none
        case scheduleOnLoop(endOfIteration: Bool)
        case write([UInt8])
    }

    private func flushActionLocked(_ mode: FlushMode) -> FlushAction {
        if self.outbound.isBroken {
            self.outbound.buffer.removeAll()
            return .none
        }
        if self.outbound.isFlushing { return .none }
        if self.outbound.buffer.count >= Self.highWaterMark {
            // A producer (typically a streaming handler on the loop) has queued a lot: write it
            // now so the peer starts consuming while we keep producing.
            self.outbound.isFlushing = true
            return .write(self.takeBufferLocked())
        }
        if self.outbound.isFlushScheduled { return .none }
        let inLoop = self.loop.inEventLoop
        if mode == .batched || inLoop {
            self.outbound.isFlushScheduled = true
            return .scheduleOnLoop(endOfIteration: inLoop)
        }
        self.outbound.isFlushing = true
        return .write(self.takeBufferLocked())
    }

    private func takeBufferLocked() -> [UInt8] {
        var taken = self.outbound.spare
        self.outbound.spare = []
        swap(&taken, &self.outbound.buffer)
        return taken
    }

    private func perform(_ action: FlushAction) {
        switch action {
        case .none:
            break
        case .scheduleOnLoop(let endOfIteration):
            if endOfIteration {
                self.loop.executeAtEndOfIteration(self)
            } else {
                self.loop.execute { self.scheduledFlush() }
            }
        case .write(let bytes):
            self.writeLoop(bytes, offset: 0)
        }
    }

    func runAtEndOfIteration() {
        self.scheduledFlush()
    }

    private func scheduledFlush() {
        self.lock.lock()
        self.outbound.isFlushScheduled = false
        guard !self.outbound.isFlushing else {
            self.lock.unlock()
            return
        }
        if self.outbound.buffer.isEmpty {
            let shouldClose = self.outbound.isClosingAfterFlush && !self.outbound.isBroken
            self.lock.unlock()
            if shouldClose { self.stream.close() }
            return
        }
        self.outbound.isFlushing = true
        let bytes = self.takeBufferLocked()
        self.lock.unlock()
        self.writeLoop(bytes, offset: 0)
    }

    /// Writes `bytes` from `offset`, then whatever others appended meanwhile, until the buffer is
    /// empty or the stream pushes back. Called by the thread that set `isFlushing`.
    private func writeLoop(_ initial: consuming [UInt8], offset initialOffset: Int) {
        // Consumed, so `bytes` is uniquely referenced and its storage is recycled below.
        var bytes = initial
        var offset = initialOffset
        while true {
            var failure: (any Error)?
            while offset < bytes.count {
                let written: Int
                do {
                    written = try bytes.withUnsafeBytes { raw in
                        try self.stream.writeSome(UnsafeRawBufferPointer(rebasing: raw[offset...]))
                    }
                } catch {
                    failure = error
                    break
                }
                if written == 0 { break }
                offset += written
            }
            self.lock.lock()
            if failure != nil {
                self.outbound.isBroken = true
                self.outbound.isFlushing = false
                self.outbound.buffer = []
                self.lock.unlock()
                self.stream.close()
                return
            }
            if offset < bytes.count {
                if self.outbound.wasSignaledWritable {
                    // Writable again before we could park: retry right away.
                    self.outbound.wasSignaledWritable = false
                    self.lock.unlock()
                    continue
                }
                // The stream pushed back: park the rest until `streamBecameWritable`.
                self.outbound.pending = bytes
                self.outbound.pendingOffset = offset
                self.lock.unlock()
                return
            }
            bytes.removeAll(keepingCapacity: true)
            if self.outbound.buffer.isEmpty {
                if bytes.capacity <= 1 << 20 { self.outbound.spare = bytes }
                self.outbound.isFlushing = false
                let shouldClose = self.outbound.isClosingAfterFlush
                self.lock.unlock()
                if shouldClose { self.stream.close() }
                return
            }
            let next = self.outbound.buffer
            self.outbound.buffer = bytes
            self.lock.unlock()
            bytes = next
            offset = 0
        }
    }

    /// Resumes a parked write; call from the handler's `streamBecameWritable`.
    func streamBecameWritable() {
        self.lock.lock()
        guard self.outbound.isFlushing else {
            self.lock.unlock()
            return
        }
        guard !self.outbound.pending.isEmpty else {
            // The flusher has not parked yet; tell it to retry.
            self.outbound.wasSignaledWritable = true
            self.lock.unlock()
            return
        }
        let bytes = self.outbound.pending
        let offset = self.outbound.pendingOffset
        self.outbound.pending = []
        self.outbound.pendingOffset = 0
        self.lock.unlock()
        self.writeLoop(bytes, offset: offset)
    }

    /// Closes the stream once every appended byte is written (now if nothing is pending).
    func closeAfterFlush() {
        self.lock.lock()
        self.outbound.isClosingAfterFlush = true
        let isIdle = !self.outbound.isFlushing && !self.outbound.isFlushScheduled
        let hasBytes = !self.outbound.buffer.isEmpty
        if isIdle && hasBytes {
            let action = self.flushActionLocked(.batched)
            self.lock.unlock()
            self.perform(action)
            return
        }
        self.lock.unlock()
        if isIdle { self.stream.close() }
    }

    /// Marks the write side dead (the stream closed): later appends are dropped.
    func markBroken() {
        self.lock.withLock {
            self.outbound.isBroken = true
            self.outbound.buffer = []
            self.outbound.pending = []
            self.outbound.pendingOffset = 0
        }
    }
}

extension FrameChannel: CallStateLock, RPCEndOfIterationTask {}
