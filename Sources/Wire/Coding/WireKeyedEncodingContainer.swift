/// Keyed container of ``WireEncodingState``: writes `key, value` pairs into the current struct.
struct WireKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let state: WireEncodingState
    /// The frame of the struct (see `WireEncodingState.Frame`); -1 for an unusable container.
    let frameID: Int
    let pathDepth: Int

    var codingPath: [any CodingKey] { self.state.path.prefix(self.pathDepth).map(\.codingKey) }

    @inline(__always)
    private func begin(_ key: Key) throws {
        try self.state.beginEntry(self.frameID)
        self.state.writer.writeFieldKey(key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeNull()
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeBool(value)
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeString(value)
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeDouble(value)
    }

    mutating func encode(_ value: Float, forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeDouble(Double(value))
    }

    mutating func encode(_ value: Int, forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeInt(Int64(value))
    }

    mutating func encode(_ value: Int8, forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeInt(Int64(value))
    }

    mutating func encode(_ value: Int16, forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeInt(Int64(value))
    }

    mutating func encode(_ value: Int32, forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeInt(Int64(value))
    }

    mutating func encode(_ value: Int64, forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeInt(value)
    }

    mutating func encode(_ value: UInt, forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeUInt(UInt64(value))
    }

    mutating func encode(_ value: UInt8, forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeUInt(UInt64(value))
    }

    mutating func encode(_ value: UInt16, forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeUInt(UInt64(value))
    }

    mutating func encode(_ value: UInt32, forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeUInt(UInt64(value))
    }

    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        try self.begin(key)
        self.state.writer.writeUInt(value)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try self.begin(key)
        try self.state.encodeNested(value, component: .key(key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let frameID: Int
        do {
            try self.begin(key)
            frameID = self.state.pushFrame(tag: .struct)
        } catch {
            frameID = -1
        }
        return KeyedEncodingContainer(
            WireKeyedEncodingContainer<NestedKey>(state: self.state, frameID: frameID, pathDepth: self.pathDepth)
        )
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let frameID: Int
        do {
            try self.begin(key)
            frameID = self.state.pushFrame(tag: .array)
        } catch {
            frameID = -1
        }
        return WireUnkeyedEncodingContainer(state: self.state, frameID: frameID, pathDepth: self.pathDepth)
    }

    mutating func superEncoder() -> any Encoder {
        self.state.makeSuperEncoder(frameID: self.frameID, key: WireIndexKey(stringValue: "super"), component: .name("super"))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        self.state.makeSuperEncoder(frameID: self.frameID, key: key, component: .key(key))
    }
}

/// Unkeyed container of ``WireEncodingState``: writes elements into the current array.
struct WireUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let state: WireEncodingState
    /// The frame of the array; -1 for an unusable container.
    let frameID: Int
    let pathDepth: Int

    var codingPath: [any CodingKey] { self.state.path.prefix(self.pathDepth).map(\.codingKey) }

    var count: Int {
        self.state.frames.last(where: { $0.id == self.frameID })?.count ?? 0
    }

    @inline(__always)
    private func begin() throws {
        try self.state.beginEntry(self.frameID)
    }

    mutating func encodeNil() throws {
        try self.begin()
        self.state.writer.writeNull()
    }

    mutating func encode(_ value: Bool) throws {
        try self.begin()
        self.state.writer.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        try self.begin()
        self.state.writer.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        try self.begin()
        self.state.writer.writeDouble(value)
    }

    mutating func encode(_ value: Float) throws {
        try self.begin()
        self.state.writer.writeDouble(Double(value))
    }

    mutating func encode(_ value: Int) throws {
        try self.begin()
        self.state.writer.writeInt(Int64(value))
    }

    mutating func encode(_ value: Int8) throws {
        try self.begin()
        self.state.writer.writeInt(Int64(value))
    }

    mutating func encode(_ value: Int16) throws {
        try self.begin()
        self.state.writer.writeInt(Int64(value))
    }

    mutating func encode(_ value: Int32) throws {
        try self.begin()
        self.state.writer.writeInt(Int64(value))
    }

    mutating func encode(_ value: Int64) throws {
        try self.begin()
        self.state.writer.writeInt(value)
    }

    mutating func encode(_ value: UInt) throws {
        try self.begin()
        self.state.writer.writeUInt(UInt64(value))
    }

    mutating func encode(_ value: UInt8) throws {
        try self.begin()
        self.state.writer.writeUInt(UInt64(value))
    }

    mutating func encode(_ value: UInt16) throws {
        try self.begin()
        self.state.writer.writeUInt(UInt64(value))
    }

    mutating func encode(_ value: UInt32) throws {
        try self.begin()
        self.state.writer.writeUInt(UInt64(value))
    }

    mutating func encode(_ value: UInt64) throws {
        try self.begin()
        self.state.writer.writeUInt(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try self.begin()
        try self.state.encodeNested(value, component: .index(self.count - 1))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let frameID: Int
        do {
            try self.begin()
            frameID = self.state.pushFrame(tag: .struct)
        } catch {
            frameID = -1
        }
        return KeyedEncodingContainer(
            WireKeyedEncodingContainer<NestedKey>(state: self.state, frameID: frameID, pathDepth: self.pathDepth)
        )
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let frameID: Int
        do {
            try self.begin()
            frameID = self.state.pushFrame(tag: .array)
        } catch {
            frameID = -1
        }
        return WireUnkeyedEncodingContainer(state: self.state, frameID: frameID, pathDepth: self.pathDepth)
    }

    mutating func superEncoder() -> any Encoder {
        self.state.makeSuperEncoder(frameID: self.frameID, key: nil, component: .index(self.count))
    }
}

/// Single-value container of ``WireEncodingState``: writes the current value itself, once.
struct WireSingleValueEncodingContainer: SingleValueEncodingContainer {
    let state: WireEncodingState
    /// Where the value must start; -1 for an unusable container.
    let valueStart: Int
    let pathDepth: Int

    var codingPath: [any CodingKey] { self.state.path.prefix(self.pathDepth).map(\.codingKey) }

    private func begin() throws {
        guard self.valueStart >= 0, self.state.writer.count == self.valueStart else {
            throw EncodingError.invalidValue(
                self.valueStart,
                EncodingError.Context(codingPath: self.codingPath, debugDescription: "a single value container can hold one value only")
            )
        }
    }

    mutating func encodeNil() throws {
        try self.begin()
        self.state.writer.writeNull()
    }

    mutating func encode(_ value: Bool) throws {
        try self.begin()
        self.state.writer.writeBool(value)
    }

    mutating func encode(_ value: String) throws {
        try self.begin()
        self.state.writer.writeString(value)
    }

    mutating func encode(_ value: Double) throws {
        try self.begin()
        self.state.writer.writeDouble(value)
    }

    mutating func encode(_ value: Float) throws {
        try self.begin()
        self.state.writer.writeDouble(Double(value))
    }

    mutating func encode(_ value: Int) throws {
        try self.begin()
        self.state.writer.writeInt(Int64(value))
    }

    mutating func encode(_ value: Int8) throws {
        try self.begin()
        self.state.writer.writeInt(Int64(value))
    }

    mutating func encode(_ value: Int16) throws {
        try self.begin()
        self.state.writer.writeInt(Int64(value))
    }

    mutating func encode(_ value: Int32) throws {
        try self.begin()
        self.state.writer.writeInt(Int64(value))
    }

    mutating func encode(_ value: Int64) throws {
        try self.begin()
        self.state.writer.writeInt(value)
    }

    mutating func encode(_ value: UInt) throws {
        try self.begin()
        self.state.writer.writeUInt(UInt64(value))
    }

    mutating func encode(_ value: UInt8) throws {
        try self.begin()
        self.state.writer.writeUInt(UInt64(value))
    }

    mutating func encode(_ value: UInt16) throws {
        try self.begin()
        self.state.writer.writeUInt(UInt64(value))
    }

    mutating func encode(_ value: UInt32) throws {
        try self.begin()
        self.state.writer.writeUInt(UInt64(value))
    }

    mutating func encode(_ value: UInt64) throws {
        try self.begin()
        self.state.writer.writeUInt(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try self.begin()
        try self.state.encodeValue(value)
    }
}
