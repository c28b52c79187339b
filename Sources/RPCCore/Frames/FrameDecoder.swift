/// Incremental frame decoder: feed it bytes as they arrive in any chunking, take out complete
/// frames.
///
/// The header's length is checked against ``maxFrameSize`` as soon as the 10 header bytes are
/// there, before waiting for (or buffering) the body. Decoded payloads are slices of the
/// receive buffer: no copy. The decoder optionally expects a ``ConnectionPreface`` first.
///
/// ```swift
/// var decoder = FrameDecoder(maxFrameSize: 1 << 22)
/// decoder.append(chunk)
/// while let frame = try decoder.nextFrame() { handle(frame) }
/// ```
package struct FrameDecoder: Sendable {
    /// The largest payload accepted, in bytes.
    package var maxFrameSize: Int
    private var buffer: [UInt8]
    private var readIndex: Int
    private var isExpectingPreface: Bool

    /// Creates a decoder.
    ///
    /// - Parameters:
    ///   - maxFrameSize: the largest accepted payload; a larger header fails with `frameTooLarge`.
    ///   - expectsPreface: whether the stream starts with a ``ConnectionPreface`` that
    ///     ``nextPreface()`` must consume before frames.
    package init(maxFrameSize: Int, expectsPreface: Bool = false) {
        self.maxFrameSize = maxFrameSize
        self.buffer = []
        self.readIndex = 0
        self.isExpectingPreface = expectsPreface
    }

    /// Bytes received but not yet returned as a preface or frame.
    package var bufferedByteCount: Int { self.buffer.count - self.readIndex }

    /// Whether a frame (or preface) has started arriving but is incomplete.
    package var hasPartialFrame: Bool { self.bufferedByteCount > 0 }

    /// Appends received bytes, taking ownership of the array (no copy when nothing is pending).
    package mutating func append(_ bytes: [UInt8]) {
        if self.readIndex == self.buffer.count {
            self.buffer = bytes
            self.readIndex = 0
        } else {
            self.compact(adding: bytes.count)
            self.buffer.append(contentsOf: bytes)
        }
    }

    /// Appends received bytes from raw memory (copied).
    package mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        self.compact(adding: bytes.count)
        self.buffer.append(contentsOf: bytes)
    }

    /// Moves pending bytes into a fresh array with room for `extra` more bytes.
    ///
    /// Always a fresh array: slices handed out earlier keep the old storage alive, and appending
    /// to it would copy it whole.
    private mutating func compact(adding extra: Int) {
        var fresh: [UInt8] = []
        fresh.reserveCapacity(self.bufferedByteCount + extra)
        fresh.append(contentsOf: self.buffer[self.readIndex...])
        self.buffer = fresh
        self.readIndex = 0
    }

    /// Returns the preface once its 10 bytes are buffered, else `nil`.
    ///
    /// - Throws: `badPreface` on a wrong magic, as soon as the first differing byte arrives.
    package mutating func nextPreface() throws(FrameError) -> ConnectionPreface? {
        precondition(self.isExpectingPreface, "nextPreface() called on a decoder that does not expect one")
        let available = min(self.bufferedByteCount, ConnectionPreface.magic.count)
        for offset in 0..<available where self.buffer[self.readIndex + offset] != ConnectionPreface.magic[offset] {
            let count = min(self.bufferedByteCount, ConnectionPreface.size)
            throw ConnectionPreface.badPrefaceError(self.buffer[self.readIndex..<self.readIndex + count])
        }
        guard self.bufferedByteCount >= ConnectionPreface.size else { return nil }
        let preface = try ConnectionPreface(
            bytes: self.buffer[self.readIndex..<self.readIndex + ConnectionPreface.size]
        )
        self.readIndex += ConnectionPreface.size
        self.isExpectingPreface = false
        return preface
    }

    /// Returns the next complete frame, or `nil` when more bytes are needed.
    ///
    /// - Throws: `frameTooLarge` as soon as a header announces more than ``maxFrameSize``;
    ///   the decoder must not be used after an error.
    package mutating func nextFrame() throws(FrameError) -> Frame? {
        precondition(!self.isExpectingPreface, "nextFrame() called before the preface was consumed")
        let available = self.bufferedByteCount
        guard available >= Frame.headerSize else { return nil }
        let start = self.readIndex
        let length = self.buffer.withUnsafeBufferPointer { raw in
            Int(raw[start]) << 24 | Int(raw[start + 1]) << 16 | Int(raw[start + 2]) << 8 | Int(raw[start + 3])
        }
        guard length <= self.maxFrameSize else {
            let kind = Frame.Kind(rawValue: self.buffer[start + 4])
            throw FrameError(
                code: .frameTooLarge,
                message: "\(kind.name) frame announces \(length) payload bytes, above the limit of \(self.maxFrameSize)"
            )
        }
        guard available >= Frame.headerSize + length else { return nil }
        let callID = self.buffer.withUnsafeBufferPointer { raw in
            UInt32(raw[start + 6]) << 24 | UInt32(raw[start + 7]) << 16 | UInt32(raw[start + 8]) << 8
                | UInt32(raw[start + 9])
        }
        let payloadStart = start + Frame.headerSize
        let frame = Frame(
            kind: Frame.Kind(rawValue: self.buffer[start + 4]),
            flags: Frame.Flags(rawValue: self.buffer[start + 5]),
            callID: callID,
            payload: self.buffer[payloadStart..<payloadStart + length]
        )
        self.readIndex = payloadStart + length
        if self.readIndex == self.buffer.count {
            // Drop our reference so the next append can take ownership of its array.
            self.buffer = []
            self.readIndex = 0
        }
        return frame
    }
}
