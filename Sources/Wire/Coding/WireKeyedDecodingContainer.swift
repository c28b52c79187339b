internal import Foundation

/// Keyed container of ``WireDecodingState`` over one struct (see ``WireKeyedDecodingFrame``).
struct WireKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let state: WireDecodingState
    let frame: WireKeyedDecodingFrame

    var codingPath: [any CodingKey] { self.state.path.prefix(self.frame.pathDepth).map(\.codingKey) }

    var allKeys: [Key] {
        guard self.state.validity.isValid, let names = try? self.frame.allKeys(&self.state.reader) else { return [] }
        return names.compactMap { Key(stringValue: $0) }
    }

    /// Start of the value of `key`, or `nil` when absent.
    @inline(__always)
    private func locate(_ key: Key) throws -> Int? {
        try self.state.checkValid()
        var name = key.stringValue
        do {
            return try name.withUTF8 { utf8 in
                try self.frame.locate(UnsafeRawBufferPointer(utf8), &self.state.reader)
            }
        } catch let error as WireError {
            throw self.state.decodingError(error, type: Key.self)
        }
    }

    /// Start of the value of `key`; throws `keyNotFound` when absent.
    @inline(__always)
    private func require(_ key: Key) throws -> Int {
        guard let start = try self.locate(key) else {
            throw DecodingError.keyNotFound(
                key,
                DecodingError.Context(codingPath: self.codingPath, debugDescription: "required field \"\(key.stringValue)\" is absent")
            )
        }
        return start
    }

    /// `true` when the value at `start` is a null (consumed).
    @inline(__always)
    private func isNull(at start: Int) throws -> Bool {
        self.state.reader.offset = start
        do {
            if try self.state.reader.readNullIfPresent() {
                self.frame.valueEnded(start: start, end: start + 1)
                return true
            }
            return false
        } catch {
            throw self.state.decodingError(error, type: Any?.self)
        }
    }

    @inline(__always)
    private func scalar<T>(
        _ type: T.Type,
        _ key: Key,
        _ read: (inout WireReader) throws(WireError) -> T
    ) throws -> T {
        let start = try self.require(key)
        return try self.scalar(type, key, at: start, read)
    }

    @inline(__always)
    private func scalar<T>(
        _ type: T.Type,
        _ key: Key,
        at start: Int,
        _ read: (inout WireReader) throws(WireError) -> T
    ) throws -> T {
        self.state.reader.offset = start
        do {
            let value = try read(&self.state.reader)
            self.frame.valueEnded(start: start, end: self.state.reader.offset)
            return value
        } catch {
            throw self.state.decodingError(error, type: type, key: key)
        }
    }

    @inline(__always)
    private func scalarIfPresent<T>(
        _ type: T.Type,
        _ key: Key,
        _ read: (inout WireReader) throws(WireError) -> T
    ) throws -> T? {
        guard let start = try self.locate(key), try !self.isNull(at: start) else { return nil }
        return try self.scalar(type, key, at: start, read)
    }

    func contains(_ key: Key) -> Bool {
        (try? self.locate(key)) != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        try self.isNull(at: try self.require(key))
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try self.scalar(type, key) { reader throws(WireError) in try reader.readBool() }
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try self.scalar(type, key) { reader throws(WireError) in try reader.readString() }
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try self.scalar(type, key) { reader throws(WireError) in try reader.readDouble() }
    }

    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try self.scalar(type, key) { reader throws(WireError) in try WireDecodingState.float(reader.readDouble()) }
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try self.scalar(type, key) { reader throws(WireError) in try reader.readInt() }
    }

    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        try self.scalar(type, key) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        try self.scalar(type, key) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        try self.scalar(type, key) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try self.scalar(type, key) { reader throws(WireError) in try reader.readInt64() }
    }

    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        try self.scalar(type, key) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        try self.scalar(type, key) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try self.scalar(type, key) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try self.scalar(type, key) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try self.scalar(type, key) { reader throws(WireError) in try reader.readUInt64() }
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let start = try self.require(key)
        let value = try self.state.decodeNested(type, at: start, component: .key(key))
        self.frame.valueEnded(start: start, end: self.state.reader.offset)
        return value
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try self.scalarIfPresent(type, key) { reader throws(WireError) in try reader.readBool() }
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try self.scalarIfPresent(type, key) { reader throws(WireError) in try reader.readString() }
    }

    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try self.scalarIfPresent(type, key) { reader throws(WireError) in try reader.readDouble() }
    }

    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
        try self.scalarIfPresent(type, key) { reader throws(WireError) in try WireDecodingState.float(reader.readDouble()) }
    }

    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try self.scalarIfPresent(type, key) { reader throws(WireError) in try reader.readInt() }
    }

    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? {
        try self.scalarIfPresent(type, key) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? {
        try self.scalarIfPresent(type, key) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? {
        try self.scalarIfPresent(type, key) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        try self.scalarIfPresent(type, key) { reader throws(WireError) in try reader.readInt64() }
    }

    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? {
        try self.scalarIfPresent(type, key) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? {
        try self.scalarIfPresent(type, key) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? {
        try self.scalarIfPresent(type, key) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? {
        try self.scalarIfPresent(type, key) { reader throws(WireError) in try reader.readInteger(type) }
    }

    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
        try self.scalarIfPresent(type, key) { reader throws(WireError) in try reader.readUInt64() }
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let start = try self.locate(key), try !self.isNull(at: start) else { return nil }
        let value = try self.state.decodeNested(type, at: start, component: .key(key))
        self.frame.valueEnded(start: start, end: self.state.reader.offset)
        return value
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let start = try self.require(key)
        let frame = try self.state.openFrame(
            at: start,
            depth: self.frame.depth + 1,
            pathDepth: self.frame.pathDepth,
            type: [String: Any].self,
            key: key
        )
        return KeyedDecodingContainer(WireKeyedDecodingContainer<NestedKey>(state: self.state, frame: frame))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let start = try self.require(key)
        return try self.state.openUnkeyed(at: start, depth: self.frame.depth + 1, pathDepth: self.frame.pathDepth, key: key)
    }

    func superDecoder() throws -> any Decoder {
        try self.superDecoder(named: "super", key: WireIndexKey(stringValue: "super"))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try self.superDecoder(named: key.stringValue, key: key)
    }

    private func superDecoder(named name: String, key: any CodingKey) throws -> any Decoder {
        try self.state.checkValid()
        var name = name
        let found: Int?
        do {
            found = try name.withUTF8 { utf8 in
                try self.frame.locate(UnsafeRawBufferPointer(utf8), &self.state.reader)
            }
        } catch let error as WireError {
            throw self.state.decodingError(error, type: Any.self, key: key)
        }
        guard let start = found else {
            throw DecodingError.keyNotFound(
                key,
                DecodingError.Context(codingPath: self.codingPath, debugDescription: "required field \"\(name)\" is absent")
            )
        }
        var reader = self.state.reader
        reader.offset = start
        reader.depth = self.frame.depth
        return WireDecodingState(
            reader: reader,
            usesFastPath: self.state.usesFastPath,
            path: Array(self.state.path.prefix(self.frame.pathDepth)) + [.key(key)],
            validity: self.state.validity
        )
    }
}
