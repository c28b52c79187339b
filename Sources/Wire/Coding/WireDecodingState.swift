internal import Foundation

/// Shared "the borrowed buffer is still alive" flag of a decode and its sub-decoders.
final class WireDecodingValidity {
    var isValid = true
}

/// The Codable decoder behind ``WireDecoder``: one object per top-level decode, reading the
/// borrowed buffer in place through one ``WireReader``.
///
/// Values are decoded where they lie; nothing is copied into an intermediate tree. A struct's
/// fields are looked up lazily (``WireKeyedDecodingFrame``): the common in-order case reads each
/// key once and decodes its value directly, and the end of a value is found without a second
/// pass when its type consumed all of it.
final class WireDecodingState: Decoder {
    // Exclusivity: the mutable properties below are marked `@exclusivity(unchecked)`. One
    // decode runs on one thread and its methods never hold two accesses to the same property
    // at once; the dynamic checks (`swift_beginAccess`) are a large share of the Codable path
    // otherwise.

    /// Cursor over the whole buffer; `reader.offset` is only meaningful around one operation.
    @exclusivity(unchecked) var reader: WireReader
    /// When `false`, ``WireFastDecodable`` conformances are ignored (tests compare both paths).
    let usesFastPath: Bool
    /// Path of the value being decoded.
    @exclusivity(unchecked) var path: [WireCodingPathComponent]
    /// Nesting depth of container values.
    @exclusivity(unchecked) var depth: Int
    let validity: WireDecodingValidity

    /// Start of the value whose `init(from:)` is running.
    @exclusivity(unchecked) var valueStart: Int = 0
    /// Keyed container opened for that value, if any.
    @exclusivity(unchecked) var valueFrame: WireKeyedDecodingFrame?
    /// End of that value when a container or single-value decode consumed it entirely (-1 = unknown).
    @exclusivity(unchecked) var valueEnd: Int = -1

    init(
        reader: WireReader,
        usesFastPath: Bool = true,
        path: [WireCodingPathComponent] = [],
        validity: WireDecodingValidity = WireDecodingValidity()
    ) {
        self.reader = reader
        self.usesFastPath = usesFastPath
        self.path = path
        self.depth = reader.depth
        self.validity = validity
        self.valueStart = reader.offset
    }

    /// Marks the borrowed buffer as gone: decoders or containers kept by a type after its
    /// `init(from:)` returned throw instead of reading freed memory.
    func invalidate() {
        self.validity.isValid = false
    }

    @inline(__always)
    func checkValid() throws {
        guard self.validity.isValid else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: [], debugDescription: "decoder used after the decode call returned")
            )
        }
    }

    var limits: WireLimits { self.reader.limits }

    // MARK: - Errors

    /// Converts a reader error into the `DecodingError` a Codable type expects, keeping the wire
    /// error (and its code) as the underlying error and its inner path in the context's path.
    func decodingError(_ error: WireError, type: Any.Type, key: (any CodingKey)? = nil) -> DecodingError {
        var codingPath = self.codingPath
        if let key { codingPath.append(key) }
        if !error.codingPath.isEmpty {
            codingPath += error.codingPath.split(separator: ".").map { WireIndexKey(stringValue: String($0)) as any CodingKey }
        }
        var flattened = error
        flattened.codingPath = ""
        let context = DecodingError.Context(codingPath: codingPath, debugDescription: error.message, underlyingError: flattened)
        switch error.code {
        case .typeMismatch: return .typeMismatch(type, context)
        case .valueNotFound: return .valueNotFound(type, context)
        default: return .dataCorrupted(context)
        }
    }

    func wireError(_ error: any Error) -> WireError {
        WireCodingPath.wireError(from: error, outerPath: "")
    }

    // MARK: - Decoder

    var codingPath: [any CodingKey] { self.path.map(\.codingKey) }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try self.checkValid()
        if let frame = self.valueFrame {
            return KeyedDecodingContainer(WireKeyedDecodingContainer<Key>(state: self, frame: frame))
        }
        let frame = try self.openFrame(at: self.valueStart, depth: self.depth, pathDepth: self.path.count, type: type)
        self.valueFrame = frame
        return KeyedDecodingContainer(WireKeyedDecodingContainer<Key>(state: self, frame: frame))
    }

    /// Reads the struct header at `start` and returns a frame over its fields.
    func openFrame(at start: Int, depth: Int, pathDepth: Int, type: Any.Type, key: (any CodingKey)? = nil) throws -> WireKeyedDecodingFrame {
        guard depth <= self.limits.maxDepth else {
            throw self.decodingError(
                WireError(code: .depthExceeded, message: "values nested deeper than \(self.limits.maxDepth)"),
                type: type,
                key: key
            )
        }
        self.reader.offset = start
        do {
            let count = try self.reader.readStructHeader()
            return WireKeyedDecodingFrame(start: start, fieldStart: self.reader.offset, fieldCount: count, depth: depth, pathDepth: pathDepth)
        } catch {
            throw self.decodingError(error, type: type, key: key)
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try self.checkValid()
        return try self.openUnkeyed(at: self.valueStart, depth: self.depth, pathDepth: self.path.count)
    }

    /// Reads the array header at `start` and returns a container over its elements.
    func openUnkeyed(at start: Int, depth: Int, pathDepth: Int, key: (any CodingKey)? = nil) throws -> WireUnkeyedDecodingContainer {
        guard depth <= self.limits.maxDepth else {
            throw self.decodingError(
                WireError(code: .depthExceeded, message: "values nested deeper than \(self.limits.maxDepth)"),
                type: [Any].self,
                key: key
            )
        }
        self.reader.offset = start
        do {
            let count = try self.reader.readArrayHeader()
            let container = WireUnkeyedDecodingContainer(
                state: self,
                start: start,
                count: count,
                position: self.reader.offset,
                depth: depth,
                pathDepth: pathDepth
            )
            if count == 0, self.valueStart == start { self.valueEnd = self.reader.offset }
            return container
        } catch {
            throw self.decodingError(error, type: [Any].self, key: key)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        try self.checkValid()
        return WireSingleValueDecodingContainer(state: self, start: self.valueStart)
    }

    // MARK: - Values

    /// Decodes a top-level value (or a value nested in a fast-path type); errors become `WireError`.
    func decodeRoot<T: Decodable>(_ type: T.Type) throws(WireError) -> T {
        do {
            return try self.decodeValue(type, at: self.reader.offset)
        } catch {
            throw self.wireError(error)
        }
    }

    /// Reads one scalar at `start` with `read`, converting reader errors.
    @inline(__always)
    func readScalar<T>(_ type: T.Type, at start: Int, _ read: (inout WireReader) throws(WireError) -> T) throws -> T {
        self.reader.offset = start
        do {
            return try read(&self.reader)
        } catch {
            throw self.decodingError(error, type: type)
        }
    }

    /// Decodes the value that starts at `start` and leaves `reader.offset` at its end.
    func decodeValue<T: Decodable>(_ type: T.Type, at start: Int) throws -> T {
        // Each branch tests T against a concrete type, then reinterprets the result as T.
        if T.self == String.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readString(), as: T.self) } }
        if T.self == Int.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readInt(), as: T.self) } }
        if T.self == Int64.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readInt64(), as: T.self) } }
        if T.self == Bool.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readBool(), as: T.self) } }
        if T.self == Double.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readDouble(), as: T.self) } }
        if T.self == CalendarDate.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readDate(), as: T.self) } }
        if T.self == Date.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readInstant(), as: T.self) } }
        if T.self == Int32.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readInteger(Int32.self), as: T.self) } }
        if T.self == UInt64.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readUInt64(), as: T.self) } }
        if T.self == UInt.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readInteger(UInt.self), as: T.self) } }
        if T.self == Float.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try WireDecodingState.float(reader.readDouble()), as: T.self) } }
        if T.self == Int8.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readInteger(Int8.self), as: T.self) } }
        if T.self == Int16.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readInteger(Int16.self), as: T.self) } }
        if T.self == UInt8.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readInteger(UInt8.self), as: T.self) } }
        if T.self == UInt16.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readInteger(UInt16.self), as: T.self) } }
        if T.self == UInt32.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(try reader.readInteger(UInt32.self), as: T.self) } }
        if T.self == Data.self { return try self.readScalar(T.self, at: start) { reader throws(WireError) in same(Data(try reader.readBytesNoCopy()), as: T.self) } }

        switch self.kind(of: T.self) {
        case .fast(let fast):
            return try self.decodeFast(fast, as: T.self, at: start)
        case .special(let special):
            return same(try special.wireDecode(from: self, at: start), as: T.self)
        case .composite:
            return try self.decodeComposite(type, at: start)
        }
    }

    /// How values of a non-scalar type are decoded.
    enum Kind {
        case fast(any WireFastDecodable.Type)
        case special(any WireSpecialDecodable.Type)
        case composite
    }

    /// Kinds found so far in this decode (conformance lookups are the dominant per-value cost
    /// otherwise), with the last one kept apart for arrays of one type.
    @exclusivity(unchecked) private var kinds: [ObjectIdentifier: Kind] = [:]
    @exclusivity(unchecked) private var lastKind: (id: ObjectIdentifier, kind: Kind)?

    private func kind(of type: any Decodable.Type) -> Kind {
        let id = ObjectIdentifier(type)
        if let last = self.lastKind, last.id == id { return last.kind }
        let kind: Kind
        if let known = self.kinds[id] {
            kind = known
        } else {
            if self.usesFastPath, let fast = type as? any WireFastDecodable.Type {
                kind = .fast(fast)
            } else if let special = type as? any WireSpecialDecodable.Type {
                kind = .special(special)
            } else {
                kind = .composite
            }
            self.kinds[id] = kind
        }
        self.lastKind = (id, kind)
        return kind
    }

    /// Narrows a float64 to `Float`: values beyond Float's range are out of range (infinities
    /// and NaN pass; finite values are rounded to the nearest Float).
    static func float(_ value: Double) throws(WireError) -> Float {
        let narrowed = Float(value)
        guard narrowed.isFinite || !value.isFinite else {
            throw WireError.outOfRange(String(value), type: "Float")
        }
        return narrowed
    }

    @inline(__always)
    func enterContainerValue(type: Any.Type) throws {
        guard self.depth < self.limits.maxDepth else {
            throw self.decodingError(WireError(code: .depthExceeded, message: "values nested deeper than \(self.limits.maxDepth)"), type: type)
        }
        self.depth += 1
    }

    private func decodeFast<F: WireFastDecodable, T>(_ fast: F.Type, as: T.Type, at start: Int) throws -> T {
        try self.enterContainerValue(type: T.self)
        defer { self.depth -= 1 }
        self.reader.offset = start
        let savedDepth = self.reader.depth
        self.reader.depth = self.depth
        defer { self.reader.depth = savedDepth }
        do {
            // F was found from `T.self as? any WireFastDecodable.Type`, so F == T.
            return same(try F(from: &self.reader), as: T.self)
        } catch {
            throw self.decodingError(error, type: T.self)
        }
    }

    /// Decodes a value through its own `init(from:)`, then finds where it ended.
    private func decodeComposite<T: Decodable>(_ type: T.Type, at start: Int) throws -> T {
        try self.enterContainerValue(type: T.self)
        let savedStart = self.valueStart
        let savedFrame = self.valueFrame
        let savedEnd = self.valueEnd
        self.valueStart = start
        self.valueFrame = nil
        self.valueEnd = -1
        defer {
            self.valueStart = savedStart
            self.valueFrame = savedFrame
            self.valueEnd = savedEnd
            self.depth -= 1
        }
        let value = try T(from: self)
        let end: Int
        if let frame = self.valueFrame {
            end = try self.finish(frame, type: T.self)
        } else if self.valueEnd >= 0 {
            end = self.valueEnd
        } else {
            self.reader.offset = start
            do {
                try self.reader.skipValue(depth: self.depth)
            } catch {
                throw self.decodingError(error, type: T.self)
            }
            end = self.reader.offset
        }
        self.reader.offset = end
        return value
    }

    /// Scans the fields of `frame` that its type did not ask for and returns the struct's end.
    func finish(_ frame: WireKeyedDecodingFrame, type: Any.Type) throws -> Int {
        do {
            return try frame.finish(&self.reader)
        } catch {
            throw self.decodingError(error, type: type)
        }
    }

    /// Decodes a value that is an element or field with path `component`.
    @inline(__always)
    func decodeNested<T: Decodable>(_ type: T.Type, at start: Int, component: WireCodingPathComponent) throws -> T {
        self.path.append(component)
        defer { self.path.removeLast() }
        return try self.decodeValue(type, at: start)
    }

    // MARK: - Special collections

    func decodeArray<Element: Decodable>(_ type: Element.Type, at start: Int) throws -> [Element] {
        try self.enterContainerValue(type: [Element].self)
        defer { self.depth -= 1 }
        self.reader.offset = start
        let count: Int
        do {
            count = try self.reader.readArrayHeader()
        } catch {
            throw self.decodingError(error, type: [Element].self)
        }
        var result: [Element] = []
        result.reserveCapacity(Swift.min(count, 4096))
        for index in 0..<count {
            result.append(try self.decodeNested(Element.self, at: self.reader.offset, component: .index(index)))
        }
        return result
    }

    func decodeDictionary<Key: Decodable & Hashable, Value: Decodable>(
        _ key: Key.Type,
        _ value: Value.Type,
        at start: Int
    ) throws -> [Key: Value] {
        try self.enterContainerValue(type: [Key: Value].self)
        defer { self.depth -= 1 }
        self.reader.offset = start
        if Key.self == String.self, (try? self.reader.peekTag()) == .struct {
            return try self.decodeStructAsDictionary(Value.self, at: start, as: [Key: Value].self)
        }
        let count: Int
        do {
            count = try self.reader.readMapHeader()
        } catch {
            throw self.decodingError(error, type: [Key: Value].self)
        }
        var result: [Key: Value] = [:]
        result.reserveCapacity(Swift.min(count, 4096))
        for index in 0..<count {
            let entryKey = try self.decodeNested(Key.self, at: self.reader.offset, component: .index(index))
            let entryValue = try self.decodeNested(Value.self, at: self.reader.offset, component: .name("\(entryKey)"))
            guard result.updateValue(entryValue, forKey: entryKey) == nil else {
                throw self.decodingError(
                    WireError(code: .duplicateKey, message: "map key \(entryKey) appears twice"),
                    type: [Key: Value].self
                )
            }
        }
        return result
    }

    /// A struct read as `[String: Value]` (its keys are strings, duplicates already rejected).
    private func decodeStructAsDictionary<Value: Decodable, Result>(_ value: Value.Type, at start: Int, as: Result.Type) throws -> Result {
        let frame = try self.openFrame(at: start, depth: self.depth, pathDepth: self.path.count, type: Result.self)
        let keys: [String]
        do {
            keys = try frame.allKeys(&self.reader)
        } catch {
            throw self.decodingError(error, type: Result.self)
        }
        var result: [String: Value] = [:]
        result.reserveCapacity(keys.count)
        for (index, key) in keys.enumerated() {
            result[key] = try self.decodeNested(Value.self, at: frame.entries[index].valueStart, component: .name(key))
        }
        self.reader.offset = try self.finish(frame, type: Result.self)
        // Result == [String: Value]: checked by the caller (Key == String).
        return same(result, as: Result.self)
    }

    func decodeOptional<Wrapped: Decodable>(_ type: Wrapped.Type, at start: Int) throws -> Wrapped? {
        self.reader.offset = start
        do {
            if try self.reader.readNullIfPresent() { return nil }
        } catch {
            throw self.decodingError(error, type: Wrapped?.self)
        }
        return try self.decodeValue(Wrapped.self, at: start)
    }
}

/// Standard-library generics the decoder reads without going through their `init(from:)`
/// (same acceptance, fewer container allocations; maps also reject duplicate keys).
protocol WireSpecialDecodable {
    static func wireDecode(from state: WireDecodingState, at start: Int) throws -> Self
}

extension Array: WireSpecialDecodable where Element: Decodable {
    static func wireDecode(from state: WireDecodingState, at start: Int) throws -> [Element] {
        try state.decodeArray(Element.self, at: start)
    }
}

extension Optional: WireSpecialDecodable where Wrapped: Decodable {
    static func wireDecode(from state: WireDecodingState, at start: Int) throws -> Wrapped? {
        try state.decodeOptional(Wrapped.self, at: start)
    }
}

extension Dictionary: WireSpecialDecodable where Key: Decodable, Value: Decodable {
    static func wireDecode(from state: WireDecodingState, at start: Int) throws -> [Key: Value] {
        try state.decodeDictionary(Key.self, Value.self, at: start)
    }
}
