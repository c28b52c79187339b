internal import Foundation

/// Unkeyed container of ``WireDecodingState`` over one array, read front to back.
struct WireUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let state: WireDecodingState
    /// Offset of the array tag.
    let start: Int
    let elementCount: Int
    /// Offset of the next element.
    var position: Int
    /// Depth of the array value.
    let depth: Int
    let pathDepth: Int

    private(set) var currentIndex = 0

    init(state: WireDecodingState, start: Int, count: Int, position: Int, depth: Int, pathDepth: Int) {
        self.state = state
        self.start = start
        self.elementCount = count
        self.position = position
        self.depth = depth
        self.pathDepth = pathDepth
    }

    var count: Int? { self.elementCount }

    var isAtEnd: Bool { self.currentIndex >= self.elementCount }

    var codingPath: [any CodingKey] { self.state.path.prefix(self.pathDepth).map(\.codingKey) }

    private func checkNotAtEnd(_ type: Any.Type) throws {
        try self.state.checkValid()
        guard !self.isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                DecodingError.Context(
                    codingPath: self.codingPath + [WireIndexKey(self.currentIndex)],
                    debugDescription: "the array has only \(self.elementCount) element(s)"
                )
            )
        }
    }

    /// Moves past the element just read; records the array's end in the state when done.
    private mutating func advance(to end: Int) {
        self.position = end
        self.currentIndex += 1
        if self.isAtEnd, self.state.valueStart == self.start {
            self.state.valueEnd = end
        }
    }

    private mutating func scalar<T>(_ type: T.Type, _ read: (inout WireReader) throws(WireError) -> T) throws -> T {
        try self.checkNotAtEnd(type)
        self.state.reader.offset = self.position
        let value: T
        do {
            value = try read(&self.state.reader)
        } catch {
            throw self.state.decodingError(error, type: type, key: WireIndexKey(self.currentIndex))
        }
        self.advance(to: self.state.reader.offset)
        return value
    }

    mutating func decodeNil() throws -> Bool {
        try self.checkNotAtEnd(Any?.self)
        self.state.reader.offset = self.position
        do {
            if try self.state.reader.readNullIfPresent() {
                self.advance(to: self.state.reader.offset)
                return true
            }
            return false
        } catch {
            throw self.state.decodingError(error, type: Any?.self, key: WireIndexKey(self.currentIndex))
        }
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        try self.scalar(type) { reader throws(WireError) in try reader.readBool() }
    }

    mutating func decode(_ type: String.Type) throws -> String {
        try self.scalar(type) { reader throws(WireError) in try reader.readString() }
    }

    mutating func decode(_ type: Double.Type) throws -> Double {
        try self.scalar(type) { reader throws(WireError) in try reader.readDouble() }
    }

    mutating func decode(_ type: Float.Type) throws -> Float {
        try self.scalar(type) { reader throws(WireError) in try WireDecodingState.float(reader.readDouble()) }
    }

    mutating func decode(_ type: Int.Type) throws -> Int {
        try self.scalar(type) { reader throws(WireError) in try reader.readInt() }
    }

    mutating func decode(_ type: Int8.Type) throws -> Int8 {
        try self.scalar(type) { reader throws(WireError) in try reader.readInteger(type) }
    }

    mutating func decode(_ type: Int16.Type) throws -> Int16 {
        try self.scalar(type) { reader throws(WireError) in try reader.readInteger(type) }
    }

    mutating func decode(_ type: Int32.Type) throws -> Int32 {
        try self.scalar(type) { reader throws(WireError) in try reader.readInteger(type) }
    }

    mutating func decode(_ type: Int64.Type) throws -> Int64 {
        try self.scalar(type) { reader throws(WireError) in try reader.readInt64() }
    }

    mutating func decode(_ type: UInt.Type) throws -> UInt {
        try self.scalar(type) { reader throws(WireError) in try reader.readInteger(type) }
    }

    mutating func decode(_ type: UInt8.Type) throws -> UInt8 {
        try self.scalar(type) { reader throws(WireError) in try reader.readInteger(type) }
    }

    mutating func decode(_ type: UInt16.Type) throws -> UInt16 {
        try self.scalar(type) { reader throws(WireError) in try reader.readInteger(type) }
    }

    mutating func decode(_ type: UInt32.Type) throws -> UInt32 {
        try self.scalar(type) { reader throws(WireError) in try reader.readInteger(type) }
    }

    mutating func decode(_ type: UInt64.Type) throws -> UInt64 {
        try self.scalar(type) { reader throws(WireError) in try reader.readUInt64() }
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try self.checkNotAtEnd(type)
        let value = try self.state.decodeNested(type, at: self.position, component: .index(self.currentIndex))
        self.advance(to: self.state.reader.offset)
        return value
    }

    /// Skips the next element (validating it) and returns its start.
    private mutating func skipElement() throws -> Int {
        try self.checkNotAtEnd(Any.self)
        let elementStart = self.position
        self.state.reader.offset = elementStart
        do {
            try self.state.reader.skipValue(depth: self.depth)
        } catch {
            throw self.state.decodingError(error, type: Any.self, key: WireIndexKey(self.currentIndex))
        }
        self.advance(to: self.state.reader.offset)
        return elementStart
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let index = self.currentIndex
        let elementStart = try self.skipElement()
        let frame = try self.state.openFrame(
            at: elementStart,
            depth: self.depth + 1,
            pathDepth: self.pathDepth,
            type: [String: Any].self,
            key: WireIndexKey(index)
        )
        return KeyedDecodingContainer(WireKeyedDecodingContainer<NestedKey>(state: self.state, frame: frame))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let index = self.currentIndex
        let elementStart = try self.skipElement()
        return try self.state.openUnkeyed(at: elementStart, depth: self.depth + 1, pathDepth: self.pathDepth, key: WireIndexKey(index))
    }

    mutating func superDecoder() throws -> any Decoder {
        let index = self.currentIndex
        let elementStart = try self.skipElement()
        var reader = self.state.reader
        reader.offset = elementStart
        reader.depth = self.depth
        return WireDecodingState(
            reader: reader,
            usesFastPath: self.state.usesFastPath,
            path: Array(self.state.path.prefix(self.pathDepth)) + [.index(index)],
            validity: self.state.validity
        )
    }
}

/// Single-value container of ``WireDecodingState``: reads the current value itself.
struct WireSingleValueDecodingContainer: SingleValueDecodingContainer {
    let state: WireDecodingState
    /// Offset of the value.
    let start: Int

    var codingPath: [any CodingKey] { self.state.codingPath }

    private func ended(at end: Int) {
        if self.state.valueStart == self.start {
            self.state.valueEnd = end
        }
    }

    private func scalar<T>(_ type: T.Type, _ read: (inout WireReader) throws(WireError) -> T) throws -> T {
        try self.state.checkValid()
        let value = try self.state.readScalar(type, at: self.start, read)
        self.ended(at: self.state.reader.offset)
        return value
    }

    func decodeNil() -> Bool {
        guard self.state.validity.isValid else { return false }
        self.state.reader.offset = self.start
        guard (try? self.state.reader.readNullIfPresent()) == true else { return false }
        self.ended(at: self.start + 1)
        return true
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        try self.scalar(type) { reader throws(WireError) in try reader.readBool() }
    }

    func decode(_ type: String.Type) throws -> String {
        try self.scalar(type) { reader throws(WireError) in try reader.readString() }
    }

    func decode(_ type: Double.Type) throws -> Double {
        try self.scalar(type) { reader throws(WireError) in try reader.readDouble() }
    }

    func decode(_ type: Float.Type) throws -> Float {
        try self.scalar(type) { reader throws(WireError) in try WireDecodingState.float(reader.readDouble()) }
    }

    func decode(_ type: Int.Type) throws -> Int {
        try self.scalar(type) { reader throws(WireError) in try reader.readInt() }
    }

    func decode(_ type: Int8.Type) throws -> Int8 {
        try self.scalar(type) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decode(_ type: Int16.Type) throws -> Int16 {
        try self.scalar(type) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decode(_ type: Int32.Type) throws -> Int32 {
        try self.scalar(type) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decode(_ type: Int64.Type) throws -> Int64 {
        try self.scalar(type) { reader throws(WireError) in try reader.readInt64() }
    }

    func decode(_ type: UInt.Type) throws -> UInt {
        try self.scalar(type) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decode(_ type: UInt8.Type) throws -> UInt8 {
        try self.scalar(type) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decode(_ type: UInt16.Type) throws -> UInt16 {
        try self.scalar(type) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decode(_ type: UInt32.Type) throws -> UInt32 {
        try self.scalar(type) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decode(_ type: UInt64.Type) throws -> UInt64 {
        try self.scalar(type) { reader throws(WireError) in try reader.readUInt64() }
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try self.state.checkValid()
        let value = try self.state.decodeValue(type, at: self.start)
        self.ended(at: self.state.reader.offset)
        return value
    }
}
