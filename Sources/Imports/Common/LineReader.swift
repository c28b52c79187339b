/// Splits a ``ByteSource`` into lines, in bounded memory.
///
/// Accepts LF, CRLF and lone CR line ends (a CRLF split across two chunks counts once), strips a
/// UTF-8 byte-order mark at the start, gives the last line even without a final line end, and
/// refuses lines longer than ``maximumLineLength`` (they are skipped and reported as
/// ``Line/tooLong(length:)``) so that a file without line ends cannot exhaust memory.
public struct LineReader<Source: ByteSource> {
    /// One line, without its line end.
    public enum Line: Sendable {
        /// The bytes of the line (a view into the reader's buffer, valid until the next call).
        case text(ArraySlice<UInt8>)
        /// The line was longer than the limit and was skipped.
        case tooLong(length: Int)
    }

    /// How many lines ended with each kind of line end.
    public struct LineEndCounts: Hashable, Sendable {
        /// Lines ended by `\n`.
        public var lf = 0
        /// Lines ended by `\r\n`.
        public var crlf = 0
        /// Lines ended by a `\r` not followed by `\n`.
        public var cr = 0
    }

    /// The source (for its name).
    public private(set) var source: Source
    /// Number of the line last returned (1-based).
    public private(set) var lineNumber = 0
    /// Whether the source started with a UTF-8 byte-order mark (it is not part of the first line).
    public private(set) var hadByteOrderMark = false
    /// Line ends seen so far.
    public private(set) var lineEnds = LineEndCounts()
    /// Longest line accepted, in bytes.
    public let maximumLineLength: Int
    /// Size of each read from the source.
    public let chunkSize: Int

    private var buffer: [UInt8] = []
    private var start = 0
    private var isAtEnd = false
    private var checkedByteOrderMark = false

    /// Creates a reader over `source`.
    public init(source: Source, maximumLineLength: Int = 1 << 20, chunkSize: Int = 1 << 20) {
        self.source = source
        self.maximumLineLength = maximumLineLength
        self.chunkSize = chunkSize
    }

    /// Returns the next line, or `nil` at the end of the source.
    public mutating func nextLine() throws -> Line? {
        if !self.checkedByteOrderMark {
            self.checkedByteOrderMark = true
            while self.buffer.count < 3, try self.fill() {}
            if self.buffer.count >= 3, self.buffer[0] == 0xEF, self.buffer[1] == 0xBB, self.buffer[2] == 0xBF {
                self.hadByteOrderMark = true
                self.start = 3
            }
        }
        var scan = self.start
        var discarded = 0
        while true {
            if let (index, isCR) = self.findLineEnd(from: scan) {
                var endLength = 1
                if isCR {
                    if index + 1 >= self.buffer.count, !self.isAtEnd {
                        // The \n of a CRLF may be in the next chunk.
                        let shift = self.compact()
                        scan = index - shift
                        _ = try self.fill()
                        continue
                    }
                    if index + 1 < self.buffer.count, self.buffer[index + 1] == 0x0A {
                        endLength = 2
                        self.lineEnds.crlf += 1
                    } else {
                        self.lineEnds.cr += 1
                    }
                } else {
                    self.lineEnds.lf += 1
                }
                self.lineNumber += 1
                let lineStart = self.start
                self.start = index + endLength
                if discarded > 0 || index - lineStart > self.maximumLineLength {
                    return .tooLong(length: discarded + (index - lineStart))
                }
                return .text(self.buffer[lineStart..<index])
            }
            if self.isAtEnd {
                guard self.start < self.buffer.count || discarded > 0 else { return nil }
                self.lineNumber += 1
                let lineStart = self.start
                self.start = self.buffer.count
                if discarded > 0 || self.buffer.count - lineStart > self.maximumLineLength {
                    return .tooLong(length: discarded + (self.buffer.count - lineStart))
                }
                return .text(self.buffer[lineStart..<self.buffer.count])
            }
            if self.buffer.count - self.start > self.maximumLineLength {
                // Drop what we have of this line and keep looking for its end.
                discarded += self.buffer.count - self.start
                self.start = self.buffer.count
            }
            _ = self.compact()
            scan = self.buffer.count
            _ = try self.fill()
        }
    }

    /// Index of the next `\n` or `\r` at or after `from`, and whether it is a `\r`.
    private func findLineEnd(from: Int) -> (Int, Bool)? {
        self.buffer.withUnsafeBufferPointer { bytes -> (Int, Bool)? in
            var index = from
            let end = bytes.count
            while index < end {
                let byte = bytes[index]
                if byte == 0x0A { return (index, false) }
                if byte == 0x0D { return (index, true) }
                index += 1
            }
            return nil
        }
    }

    /// Drops consumed bytes from the front of the buffer; returns how far indices moved.
    private mutating func compact() -> Int {
        let shift = self.start
        guard shift > 0 else { return 0 }
        self.buffer.removeSubrange(0..<shift)
        self.start = 0
        return shift
    }

    /// Reads one more chunk; returns false at the end of the source.
    private mutating func fill() throws -> Bool {
        guard !self.isAtEnd else { return false }
        let count = try self.source.read(appendingTo: &self.buffer, maximumCount: self.chunkSize)
        if count == 0 { self.isAtEnd = true }
        return count > 0
    }
}

extension LineReader: Sendable where Source: Sendable {}
