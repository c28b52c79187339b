internal import Foundation

/// The Codable encoder behind ``WireEncoder``: one object per top-level encode, writing straight
/// into one ``WireWriter`` buffer.
///
/// Containers do not buffer: each field or element is written where it belongs as soon as it is
/// encoded. A container's count is reserved as one byte when the container opens and patched
/// when it closes (shifting the bytes after it in the rare case the count needs a longer
/// varint), so the output is byte-identical to a writer that knew every count up front.
///
/// Open containers form a stack. Writing into a container closes every container opened after
/// it; writing into a container that was already closed (a nested container kept and used after
/// its parent moved on) throws `EncodingError.invalidValue`. Synthesized `Encodable`
/// conformances never do that.
final class WireEncodingState: Encoder {
    // Exclusivity: the mutable properties below are marked `@exclusivity(unchecked)`. One
    // encode runs on one thread and its methods never hold two accesses to the same property
    // at once; the dynamic checks (`swift_beginAccess`) cost ~20% of the Codable path otherwise.

    /// The output.
    @exclusivity(unchecked) var writer: WireWriter
    /// When `false`, ``WireFastEncodable`` conformances are ignored (tests compare both paths).
    let usesFastPath: Bool
    /// Path of the value being encoded.
    @exclusivity(unchecked) var path: [WireCodingPathComponent] = []
    /// Nesting depth of container values.
    @exclusivity(unchecked) var depth: Int

    /// An open container whose count is not written yet.
    struct Frame {
        let id: Int
        let tag: WireTag
        let countOffset: Int
        var count: Int
        /// `true` when ``WireEncodingState/pending`` holds super encoders for this frame.
        var hasPending = false
    }

    /// A `superEncoder` whose bytes are spliced into its container when the container is next
    /// written to or closes.
    struct PendingSuperEncoder {
        let key: String?
        let state: WireEncodingState
    }

    @exclusivity(unchecked) var frames: [Frame] = []
    /// Super encoders not spliced yet, by frame id.
    @exclusivity(unchecked) private var pending: [Int: [PendingSuperEncoder]] = [:]
    @exclusivity(unchecked) private var nextFrameID = 1
    /// Start of the value whose `encode(to:)` is running.
    @exclusivity(unchecked) private var valueStart = 0
    /// Container opened for that value (0 = none yet).
    @exclusivity(unchecked) private var valueFrameID = 0
    /// Set once the bytes of a `superEncoder` state have been spliced into their parent.
    @exclusivity(unchecked) private var isSealed = false

    init(writer: WireWriter, usesFastPath: Bool = true, path: [WireCodingPathComponent] = []) {
        self.writer = writer
        self.usesFastPath = usesFastPath
        self.depth = writer.depth
        self.path = path
    }

    /// Returns the writer, leaving an empty one behind (no copy of the buffer).
    func takeWriter() -> WireWriter {
        var taken = WireWriter(appendingTo: [], limits: self.writer.limits)
        swap(&taken, &self.writer)
        return taken
    }

    var limits: WireLimits { self.writer.limits }

    // MARK: - Encoder

    var codingPath: [any CodingKey] { self.path.map(\.codingKey) }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let frameID = self.openValueContainer(tag: .struct)
        return KeyedEncodingContainer(WireKeyedEncodingContainer<Key>(state: self, frameID: frameID, pathDepth: self.path.count))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let frameID = self.openValueContainer(tag: .array)
        return WireUnkeyedEncodingContainer(state: self, frameID: frameID, pathDepth: self.path.count)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        WireSingleValueEncodingContainer(state: self, valueStart: self.isSealed ? -1 : self.valueStart, pathDepth: self.path.count)
    }

    /// Opens (or returns, when asked twice) the container of the current value; `-1` marks a
    /// container that cannot be used (its methods throw).
    private func openValueContainer(tag: WireTag) -> Int {
        guard !self.isSealed else { return -1 }
        if self.valueFrameID != 0 {
            if let frame = self.frames.last(where: { $0.id == self.valueFrameID }), frame.tag == tag {
                return frame.id
            }
            return -1
        }
        guard self.writer.count == self.valueStart else { return -1 }
        let id = self.pushFrame(tag: tag)
        self.valueFrameID = id
        return id
    }

    /// Writes a container tag with a reserved count byte and opens a frame for it.
    func pushFrame(tag: WireTag) -> Int {
        self.writer.appendTagged(tag, 0)
        let id = self.nextFrameID
        self.nextFrameID += 1
        self.frames.append(Frame(id: id, tag: tag, countOffset: self.writer.count - 1, count: 0))
        return id
    }

    // MARK: - Frames

    /// Makes `frameID` the innermost open container (closing the ones above it) and counts one
    /// more field or element in it.
    @inline(__always)
    func beginEntry(_ frameID: Int) throws {
        if let last = self.frames.last, last.id == frameID, !last.hasPending {
            self.frames[self.frames.count - 1].count += 1
            return
        }
        try self.beginEntrySlow(frameID)
    }

    private func beginEntrySlow(_ frameID: Int) throws {
        guard frameID > 0, self.frames.contains(where: { $0.id == frameID }) else {
            throw EncodingError.invalidValue(
                frameID,
                EncodingError.Context(
                    codingPath: self.codingPath,
                    debugDescription: "container used after it was closed (a later value was encoded in an enclosing container)"
                )
            )
        }
        while let last = self.frames.last, last.id != frameID {
            try self.closeTopFrame()
        }
        try self.flushPending(at: self.frames.count - 1)
        self.frames[self.frames.count - 1].count += 1
    }

    /// Closes every frame above `height`.
    func closeFrames(downTo height: Int) throws {
        while self.frames.count > height {
            try self.closeTopFrame()
        }
    }

    private func closeTopFrame() throws {
        try self.flushPending(at: self.frames.count - 1)
        let frame = self.frames.removeLast()
        self.writer.patchCount(at: frame.countOffset, count: frame.count)
    }

    private func flushPending(at index: Int) throws {
        guard self.frames[index].hasPending else { return }
        self.frames[index].hasPending = false
        let pending = self.pending.removeValue(forKey: self.frames[index].id) ?? []
        for item in pending {
            if let key = item.key {
                self.writer.writeFieldKey(key)
            }
            try item.state.closeFrames(downTo: 0)
            if item.state.writer.count == 0 {
                item.state.writer.writeStructHeader(fieldCount: 0)
            }
            self.writer.appendRaw(contentsOf: item.state.writer.takeBytes())
            item.state.isSealed = true
        }
    }

    /// Registers a super encoder as the next entry of `frameID`.
    func makeSuperEncoder(frameID: Int, key: (any CodingKey)?, component: WireCodingPathComponent) -> any Encoder {
        var child = WireWriter(capacity: 64, limits: self.writer.limits)
        child.depth = self.depth + 1
        let state = WireEncodingState(writer: child, usesFastPath: self.usesFastPath, path: self.path + [component])
        do {
            try self.beginEntry(frameID)
        } catch {
            state.isSealed = true
            return state
        }
        self.frames[self.frames.count - 1].hasPending = true
        self.pending[self.frames[self.frames.count - 1].id, default: []].append(PendingSuperEncoder(key: key?.stringValue, state: state))
        return state
    }

    // MARK: - Values

    /// Throws `depthExceeded` when one more level of nesting would pass the limit.
    @inline(__always)
    private func enterContainerValue() throws {
        guard self.depth < self.writer.limits.maxDepth else {
            throw WireError(
                code: .depthExceeded,
                message: "values nested deeper than \(self.writer.limits.maxDepth)",
                codingPath: WireCodingPath.dotted(self.path)
            )
        }
        self.depth += 1
    }

    /// Encodes one value at the end of the buffer: primitives and special types directly, fast
    /// types through their conformance, anything else through `encode(to:)`.
    func encodeValue<T: Encodable>(_ value: T) throws {
        // Each branch tests T against a concrete type, then reinterprets the value as that type.
        if T.self == String.self { self.writer.writeString(same(value, as: String.self)); return }
        if T.self == Int.self { self.writer.writeInt(Int64(same(value, as: Int.self))); return }
        if T.self == Int64.self { self.writer.writeInt(same(value, as: Int64.self)); return }
        if T.self == Bool.self { self.writer.writeBool(same(value, as: Bool.self)); return }
        if T.self == Double.self { self.writer.writeDouble(same(value, as: Double.self)); return }
        if T.self == CalendarDate.self { self.writer.writeDate(same(value, as: CalendarDate.self)); return }
        if T.self == Date.self {
            do {
                try self.writer.writeInstant(same(value, as: Date.self))
            } catch {
                throw error.prefixingPathString(WireCodingPath.dotted(self.path))
            }
            return
        }
        if T.self == Int32.self { self.writer.writeInt(Int64(same(value, as: Int32.self))); return }
        if T.self == UInt64.self { self.writer.writeUInt(same(value, as: UInt64.self)); return }
        if T.self == UInt.self { self.writer.writeUInt(UInt64(same(value, as: UInt.self))); return }
        if T.self == Float.self { self.writer.writeDouble(Double(same(value, as: Float.self))); return }
        if T.self == Int8.self { self.writer.writeInt(Int64(same(value, as: Int8.self))); return }
        if T.self == Int16.self { self.writer.writeInt(Int64(same(value, as: Int16.self))); return }
        if T.self == UInt8.self { self.writer.writeUInt(UInt64(same(value, as: UInt8.self))); return }
        if T.self == UInt16.self { self.writer.writeUInt(UInt64(same(value, as: UInt16.self))); return }
        if T.self == UInt32.self { self.writer.writeUInt(UInt64(same(value, as: UInt32.self))); return }
        if T.self == Data.self { self.writer.writeBytes(same(value, as: Data.self)); return }

        switch self.kind(of: T.self) {
        case .fast(let fast):
            try self.enterContainerValue()
            defer { self.depth -= 1 }
            try self.encodeFast(fast, value)
            return
        case .special(let special):
            try special.wireEncode(value, into: self)
            return
        case .composite:
            break
        }

        try self.enterContainerValue()
        let savedStart = self.valueStart
        let savedFrameID = self.valueFrameID
        let height = self.frames.count
        self.valueStart = self.writer.count
        self.valueFrameID = 0
        defer {
            self.valueStart = savedStart
            self.valueFrameID = savedFrameID
            self.depth -= 1
        }
        try value.encode(to: self)
        try self.closeFrames(downTo: height)
        if self.writer.count == self.valueStart {
            // A type that encodes nothing becomes an empty struct (JSONEncoder writes `{}`).
            self.writer.writeStructHeader(fieldCount: 0)
        }
    }

    /// How values of a non-scalar type are encoded.
    enum Kind {
        case fast(any WireFastEncodable.Type)
        case special(any WireSpecialEncodable.Type)
        case composite
    }

    /// Kinds found so far in this encode (conformance lookups are the dominant per-value cost
    /// otherwise), with the last one kept apart for arrays of one type.
    @exclusivity(unchecked) private var kinds: [ObjectIdentifier: Kind] = [:]
    @exclusivity(unchecked) private var lastKind: (id: ObjectIdentifier, kind: Kind)?

    private func kind(of type: any Encodable.Type) -> Kind {
        let id = ObjectIdentifier(type)
        if let last = self.lastKind, last.id == id { return last.kind }
        let kind: Kind
        if let known = self.kinds[id] {
            kind = known
        } else {
            if self.usesFastPath, let fast = type as? any WireFastEncodable.Type {
                kind = .fast(fast)
            } else if let special = type as? any WireSpecialEncodable.Type {
                kind = .special(special)
            } else {
                kind = .composite
            }
            self.kinds[id] = kind
        }
        self.lastKind = (id, kind)
        return kind
    }

    private func encodeFast<F: WireFastEncodable, T>(_ type: F.Type, _ value: T) throws {
        // `F` was obtained from `T.self as? any WireFastEncodable.Type`, so T == F.
        let typed = same(value, as: F.self)
        let savedDepth = self.writer.depth
        self.writer.depth = self.depth
        defer { self.writer.depth = savedDepth }
        do {
            try typed.encode(to: &self.writer)
        } catch {
            throw error.prefixingPathString(WireCodingPath.dotted(self.path))
        }
    }

    /// Encodes `value` as an element or field whose path component is `component`.
    @inline(__always)
    func encodeNested<T: Encodable>(_ value: T, component: WireCodingPathComponent) throws {
        self.path.append(component)
        defer { self.path.removeLast() }
        try self.encodeValue(value)
    }

    /// Encodes a top-level value and closes every container; any error becomes a `WireError`.
    func encodeRoot<T: Encodable>(_ value: T) throws(WireError) {
        do {
            let height = self.frames.count
            try self.encodeValue(value)
            try self.closeFrames(downTo: height)
        } catch let error as WireError {
            throw error
        } catch let error as EncodingError {
            throw WireCodingPath.wireError(from: error, outerPath: "")
        } catch {
            throw WireError(code: .invalidValue, message: "\(error)", codingPath: WireCodingPath.dotted(self.path))
        }
    }

    // MARK: - Special collections

    func encodeArray<Element: Encodable>(_ array: [Element]) throws {
        try self.enterContainerValue()
        defer { self.depth -= 1 }
        self.writer.writeArrayHeader(count: array.count)
        // Index loop: `enumerated()` in this unspecialized generic code instantiates iterator and
        // tuple metadata on every call.
        var index = 0
        while index < array.count {
            try self.encodeNested(array[index], component: .index(index))
            index += 1
        }
    }

    /// Maps are canonical: entries sorted by the bytes of their encoded key.
    func encodeDictionary<Key: Encodable, Value: Encodable>(_ dictionary: [Key: Value]) throws {
        try self.enterContainerValue()
        defer { self.depth -= 1 }
        self.writer.writeMapHeader(count: dictionary.count)
        let base = self.writer.count
        var entries: [(start: Int, keyEnd: Int, end: Int)] = []
        entries.reserveCapacity(dictionary.count)
        for (key, value) in dictionary {
            let start = self.writer.count
            try self.encodeNested(key, component: .name("\(key)"))
            let keyEnd = self.writer.count
            try self.encodeNested(value, component: .name("\(key)"))
            entries.append((start, keyEnd, self.writer.count))
        }
        guard entries.count > 1 else { return }
        let encoded = self.writer.suffix(from: base)
        func key(_ entry: (start: Int, keyEnd: Int, end: Int)) -> ArraySlice<UInt8> {
            encoded[(entry.start - base)..<(entry.keyEnd - base)]
        }
        entries.sort { key($0).lexicographicallyPrecedes(key($1)) }
        self.writer.truncate(to: base)
        var previous: ArraySlice<UInt8>?
        for entry in entries {
            let current = key(entry)
            if let previous, previous.elementsEqual(current) {
                throw EncodingError.invalidValue(
                    dictionary,
                    EncodingError.Context(codingPath: self.codingPath, debugDescription: "two dictionary keys have the same encoding")
                )
            }
            previous = current
            self.writer.appendRaw(contentsOf: encoded[(entry.start - base)..<(entry.end - base)])
        }
    }
}

/// Standard-library generics the encoder writes without going through their `encode(to:)`
/// (same bytes, fewer container allocations; maps additionally get a canonical entry order).
///
/// Checked on the metatype (`T.self as? any WireSpecialEncodable.Type`) so that values of other
/// types are never boxed into an existential just to find out.
protocol WireSpecialEncodable {
    /// Encodes `value`, which is of type `Self` (callers found `Self` from `V.self`).
    static func wireEncode<V>(_ value: V, into state: WireEncodingState) throws
}

extension Array: WireSpecialEncodable where Element: Encodable {
    static func wireEncode<V>(_ value: V, into state: WireEncodingState) throws {
        // V == Self: see the protocol requirement.
        try state.encodeArray(same(value, as: Self.self))
    }
}

extension Optional: WireSpecialEncodable where Wrapped: Encodable {
    static func wireEncode<V>(_ value: V, into state: WireEncodingState) throws {
        // V == Self: see the protocol requirement.
        switch same(value, as: Self.self) {
        case .none: state.writer.writeNull()
        case .some(let wrapped): try state.encodeValue(wrapped)
        }
    }
}

extension Dictionary: WireSpecialEncodable where Key: Encodable, Value: Encodable {
    static func wireEncode<V>(_ value: V, into state: WireEncodingState) throws {
        // V == Self: see the protocol requirement.
        try state.encodeDictionary(same(value, as: Self.self))
    }
}

/// Returns `value` as a `U`, where the caller has established that `T` and `U` are the same type
/// (`T.self == U.self`, or `U` found from `T.self` by a conformance cast).
///
/// Safety: same type, same layout; `unsafeBitCast` copies with the right ownership. It replaces
/// `as!`, whose runtime cast showed up in profiles for every scalar of the Codable path.
@inline(__always)
func same<T, U>(_ value: T, as type: U.Type) -> U {
    unsafeBitCast(value, to: U.self)
}
