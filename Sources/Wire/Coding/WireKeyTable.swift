/// The keys already seen in one struct, for duplicate detection without heap allocation in the
/// common case.
///
/// A 64-bit mask of key "hash bits" answers "certainly new" for most keys in one test. Up to 16
/// keys are remembered inline as (offset, length) pairs packed in a tuple on the stack; later
/// keys go to a `Set`. A key whose bit is already set is compared byte for byte with the
/// remembered keys of the same length.
@usableFromInline
struct WireKeyTable {
    @usableFromInline
    var mask: UInt64 = 0
    @usableFromInline
    var count = 0
    /// Inline entries: `offset << 24 | length` (offset < 2^40, length < 2^24).
    @usableFromInline
    var inline: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                 UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    @usableFromInline
    var overflow: Set<WireFieldKey>?

    @inlinable
    init() {}

    @inlinable
    static func hashBit(_ key: WireFieldKey) -> UInt64 {
        let bytes = key.bytes
        guard bytes.count > 0 else { return 1 }
        let mixed = UInt64(bytes.count) &* 0x9E37_79B9 ^ UInt64(bytes[0]) &* 31 ^ UInt64(bytes[bytes.count - 1]) &* 131
        return 1 << (mixed & 63)
    }

    /// Records `key` (whose bytes start at `offset` in `buffer`); returns `false` when it was
    /// already recorded.
    @inlinable
    mutating func insert(_ key: WireFieldKey, at offset: Int, in buffer: UnsafeRawBufferPointer) throws(WireError) -> Bool {
        let bit = Self.hashBit(key)
        if self.mask & bit != 0, self.contains(key, in: buffer) {
            return false
        }
        self.mask |= bit
        if self.count < 16, offset < 1 << 40, key.count < 1 << 24 {
            let packed = UInt64(offset) << 24 | UInt64(key.count)
            withUnsafeMutableBytes(of: &self.inline) { raw in
                raw.storeBytes(of: packed, toByteOffset: self.count * 8, as: UInt64.self)
            }
        } else {
            if self.overflow == nil { self.overflow = [] }
            self.overflow?.insert(key)
        }
        self.count += 1
        return true
    }

    @usableFromInline
    func contains(_ key: WireFieldKey, in buffer: UnsafeRawBufferPointer) -> Bool {
        if let overflow = self.overflow, overflow.contains(key) { return true }
        let stored = Swift.min(self.count, 16)
        return withUnsafeBytes(of: self.inline) { raw in
            for index in 0..<stored {
                let packed = raw.load(fromByteOffset: index * 8, as: UInt64.self)
                let length = Int(packed & 0xFF_FFFF)
                guard length == key.count else { continue }
                let offset = Int(packed >> 24)
                if WireFieldKey.equal(UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + length)]), key.bytes) {
                    return true
                }
            }
            return false
        }
    }
}
