/// The fields of one struct being decoded through a keyed container, discovered lazily.
///
/// Keys are read only when a lookup needs them. A lookup first tries the field after the last
/// one found (fields are usually requested in the order they were encoded), then the fields
/// already read, then reads further keys, skipping their values. Every key read is checked
/// against the keys read before it, so a duplicate key is an error wherever it appears; when the
/// struct's value ends, the keys never asked for are read (and their values skipped) too.
final class WireKeyedDecodingFrame {
    struct Entry {
        let keyOffset: Int
        let keyLength: Int
        let valueStart: Int
    }

    /// Offset of the struct tag.
    let start: Int
    let fieldCount: Int
    /// Depth of the struct value (checked against the limit when it was opened).
    let depth: Int
    /// Length of the state's coding path when the container was created.
    let pathDepth: Int

    // Exclusivity: unchecked for the same reason as in `WireDecodingState` (one thread, no
    // overlapping accesses).

    /// Keys read so far, in wire order.
    @exclusivity(unchecked) private(set) var entries: [Entry] = []
    /// Offset of the next key to read, valid when `pendingValueStart < 0`.
    @exclusivity(unchecked) private var nextKeyOffset: Int
    /// Start of the last read field's value whose end is not known yet, or -1.
    @exclusivity(unchecked) private var pendingValueStart = -1
    /// Index of the entry expected to be asked for next.
    @exclusivity(unchecked) private var cursor = 0
    /// Keys of large structs, for duplicate detection in constant time.
    @exclusivity(unchecked) private var keySet: Set<WireFieldKey>?

    init(start: Int, fieldStart: Int, fieldCount: Int, depth: Int, pathDepth: Int) {
        self.start = start
        self.fieldCount = fieldCount
        self.depth = depth
        self.pathDepth = pathDepth
        self.nextKeyOffset = fieldStart
        if fieldCount > 0 {
            self.entries.reserveCapacity(Swift.min(fieldCount, 32))
        }
    }

    private func key(_ entry: Entry, _ reader: WireReader) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: reader.buffer[entry.keyOffset..<(entry.keyOffset + entry.keyLength)])
    }

    /// Makes sure `nextKeyOffset` is known, skipping the pending value if needed.
    private func settle(_ reader: inout WireReader) throws(WireError) {
        guard self.pendingValueStart >= 0 else { return }
        reader.offset = self.pendingValueStart
        try reader.skipValue(depth: self.depth)
        self.nextKeyOffset = reader.offset
        self.pendingValueStart = -1
    }

    /// Reads the next key and records it; its value start becomes pending.
    private func readNextKey(_ reader: inout WireReader) throws(WireError) -> Entry {
        try self.settle(&reader)
        reader.offset = self.nextKeyOffset
        let key = try reader.readFieldKey()
        let entry = Entry(keyOffset: reader.offset - key.count, keyLength: key.count, valueStart: reader.offset)
        if self.fieldCount > 32 {
            if self.keySet == nil { self.keySet = [] }
            if self.keySet?.insert(key).inserted == false {
                throw self.duplicate(key)
            }
        } else {
            for previous in self.entries where previous.keyLength == entry.keyLength {
                if WireFieldKey.equal(self.key(previous, reader), key.bytes) {
                    throw self.duplicate(key)
                }
            }
        }
        self.entries.append(entry)
        self.pendingValueStart = entry.valueStart
        return entry
    }

    private func duplicate(_ key: WireFieldKey) -> WireError {
        WireError(code: .duplicateKey, message: "field \"\(key.stringValue)\" appears twice in the struct at byte \(self.start)")
    }

    /// Start of the value of field `wanted`, or `nil` when the struct has no such field.
    func locate(_ wanted: UnsafeRawBufferPointer, _ reader: inout WireReader) throws(WireError) -> Int? {
        // 1. The entry after the last one found.
        if self.cursor < self.entries.count {
            let entry = self.entries[self.cursor]
            if entry.keyLength == wanted.count, WireFieldKey.equal(self.key(entry, reader), wanted) {
                self.cursor += 1
                return entry.valueStart
            }
        } else if self.entries.count < self.fieldCount {
            // 2. The next key on the wire.
            let entry = try self.readNextKey(&reader)
            if entry.keyLength == wanted.count, WireFieldKey.equal(self.key(entry, reader), wanted) {
                self.cursor = self.entries.count
                return entry.valueStart
            }
        }
        // 3. Any key read so far.
        for (index, entry) in self.entries.enumerated() where entry.keyLength == wanted.count {
            if WireFieldKey.equal(self.key(entry, reader), wanted) {
                self.cursor = index + 1
                return entry.valueStart
            }
        }
        // 4. The keys not read yet.
        while self.entries.count < self.fieldCount {
            let entry = try self.readNextKey(&reader)
            if entry.keyLength == wanted.count, WireFieldKey.equal(self.key(entry, reader), wanted) {
                self.cursor = self.entries.count
                return entry.valueStart
            }
        }
        return nil
    }

    /// Records that the value starting at `start` ends at `end` (saves a skip when it is the
    /// pending one).
    @inline(__always)
    func valueEnded(start: Int, end: Int) {
        if start == self.pendingValueStart {
            self.nextKeyOffset = end
            self.pendingValueStart = -1
        }
    }

    /// Reads every remaining key (skipping values) and returns the offset after the struct.
    func finish(_ reader: inout WireReader) throws(WireError) -> Int {
        while self.entries.count < self.fieldCount {
            _ = try self.readNextKey(&reader)
        }
        try self.settle(&reader)
        return self.nextKeyOffset
    }

    /// The keys of every field, in wire order.
    func allKeys(_ reader: inout WireReader) throws(WireError) -> [String] {
        while self.entries.count < self.fieldCount {
            _ = try self.readNextKey(&reader)
        }
        return self.entries.map { String(decoding: self.key($0, reader), as: UTF8.self) }
    }
}
