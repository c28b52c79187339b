internal import Foundation
internal import Testing
internal import Wire

@Suite("WireWriter and WireReader")
struct WireWriterTests {
    /// LEB128 by hand, for comparison with the writer.
    static func leb128(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }

    @Test(
        "varints are minimal LEB128 and read back",
        arguments: [0, 1, 127, 128, 255, 300, 16_383, 16_384, 1 << 35, UInt64(Int64.max), UInt64.max] as [UInt64]
    )
    func varints(value: UInt64) throws {
        var writer = WireWriter()
        writer.writeVarint(value)
        #expect(writer.bytes == Self.leb128(value))
        let read = try WireDecoder().withReader(over: writer.bytes) { (reader) throws(WireError) in
            let value = try reader.readVarint()
            #expect(reader.isAtEnd)
            return value
        }
        #expect(read == value)
    }

    @Test(
        "malformed varints are invalidVarint or truncated",
        arguments: [
            ([0x80, 0x00], WireError.Code.invalidVarint),  // over-long zero
            ([0xFF, 0x80, 0x00], .invalidVarint),  // over-long
            ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02], .invalidVarint),  // > 64 bits
            ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x01], .invalidVarint),  // 11 bytes
            ([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], .invalidVarint),  // 10-byte zero
            ([0x80], .truncated),
            ([], .truncated),
        ] as [([UInt8], WireError.Code)]
    )
    func badVarints(bytes: [UInt8], code: WireError.Code) {
        #expect {
            try WireDecoder().withReader(over: bytes) { (reader) throws(WireError) in _ = try reader.readVarint() }
        } throws: { ($0 as? WireError)?.code == code }
    }

    @Test("zigzag integers at the edges", arguments: [0, -1, 1, -64, 63, 64, -65, Int64.max, Int64.min] as [Int64])
    func zigzag(value: Int64) throws {
        var writer = WireWriter()
        writer.writeInt(value)
        let zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        #expect(writer.bytes == [0x03] + Self.leb128(zigzag))
        let read = try WireDecoder().withReader(over: writer.bytes) { (reader) throws(WireError) in try reader.readInt64() }
        #expect(read == value)
    }

    @Test("float64 is big-endian IEEE 754")
    func float64() throws {
        var writer = WireWriter()
        writer.writeDouble(1.5)
        #expect(writer.bytes == [0x05, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0])
        writer = WireWriter()
        writer.writeDouble(-.infinity)
        #expect(writer.bytes == [0x05, 0xFF, 0xF0, 0, 0, 0, 0, 0, 0])
        let nan = try WireDecoder().withReader(over: [0x05, 0x7F, 0xF8, 0, 0, 0, 0, 0, 1]) { (reader) throws(WireError) in try reader.readDouble() }
        #expect(nan.isNaN)
        #expect(nan.bitPattern == 0x7FF8_0000_0000_0001)
    }

    @Test("integers into narrower types are range-checked")
    func narrowing() throws {
        var writer = WireWriter()
        writer.writeInt(300)
        writer.writeInt(-1)
        writer.writeUInt(UInt64.max)
        writer.writeInt(127)
        let bytes = writer.bytes
        _ = try WireDecoder().withReader(over: bytes) { (reader) throws(WireError) in
            #expect(throws: WireError.self) { _ = try reader.readInteger(Int8.self) }
        }
        let results = try WireDecoder().withReader(over: bytes) { (reader) throws(WireError) -> [Result<Int64, WireError>] in
            var results: [Result<Int64, WireError>] = []
            results.append(Result { () throws(WireError) in Int64(try reader.readInteger(Int16.self)) })
            results.append(Result { () throws(WireError) in Int64(try reader.readInteger(UInt8.self)) })
            results.append(Result { () throws(WireError) in Int64(try reader.readInteger(Int64.self)) })
            results.append(Result { () throws(WireError) in Int64(try reader.readInteger(Int8.self)) })
            return results
        }
        #expect(try results[0].get() == 300)
        #expect(throws: WireError.self) { try results[1].get() }  // -1 into UInt8
        #expect(throws: WireError.self) { try results[2].get() }  // UInt64.max into Int64
        #expect(try results[3].get() == 127)
    }

    @Test("beginStruct/endStruct give the same bytes as a known count, also above 127")
    func countPatching() throws {
        for count in [0, 1, 127, 128, 300, 20_000] {
            var known = WireWriter()
            known.writeArrayHeader(count: count)
            for index in 0..<count { known.writeInt(index) }
            var patched = WireWriter()
            let mark = patched.beginArray()
            for index in 0..<count { patched.writeInt(index) }
            patched.endArray(mark, count: count)
            #expect(patched.bytes == known.bytes, "count \(count)")
        }
    }

    @Test("forEachField reads any order, skips unknown fields, rejects duplicate keys")
    func fields() throws {
        var writer = WireWriter()
        writer.writeStructHeader(fieldCount: 3)
        writer.writeFieldKey("b")
        writer.writeString("two")
        writer.writeFieldKey("zzz")
        writer.writeArrayHeader(count: 2)
        writer.writeNull()
        writer.writeStructHeader(fieldCount: 0)
        writer.writeFieldKey("a")
        writer.writeInt(1)
        let (a, b) = try WireDecoder().withReader(over: writer.bytes) { (reader) throws(WireError) -> (Int64?, String?) in
            var a: Int64?
            var b: String?
            try reader.forEachField { (key, reader) throws(WireError) in
                switch key {
                case "a": a = try reader.readInt64()
                case "b": b = try reader.readString()
                default: break
                }
            }
            #expect(reader.isAtEnd)
            return (a, b)
        }
        #expect(a == 1)
        #expect(b == "two")
    }

    @Test("duplicate keys are found among few and many fields", arguments: [2, 16, 17, 40, 200])
    func duplicates(fieldCount: Int) throws {
        for duplicateAt in [1, fieldCount / 2, fieldCount - 1] where duplicateAt > 0 {
            var writer = WireWriter()
            writer.writeStructHeader(fieldCount: fieldCount)
            for index in 0..<fieldCount {
                writer.writeFieldKey(index == duplicateAt ? "k0" : "k\(index)")
                writer.writeInt(index)
            }
            #expect {
                try WireDecoder().withReader(over: writer.bytes) { (reader) throws(WireError) in try reader.skipValue() }
            } throws: { ($0 as? WireError)?.code == .duplicateKey }
        }
        var unique = WireWriter()
        unique.writeStructHeader(fieldCount: fieldCount)
        for index in 0..<fieldCount {
            unique.writeFieldKey("k\(index)")
            unique.writeInt(index)
        }
        try WireDecoder().withReader(over: unique.bytes) { (reader) throws(WireError) in try reader.skipValue() }
    }

    @Test("errors from a field body carry the field and element path")
    func errorPath() throws {
        var writer = WireWriter()
        writer.writeStructHeader(fieldCount: 1)
        writer.writeFieldKey("rows")
        writer.writeArrayHeader(count: 2)
        writer.writeInt(1)
        writer.writeString("x")
        #expect {
            try WireDecoder().withReader(over: writer.bytes) { (reader) throws(WireError) in
                try reader.forEachField { (_, reader) throws(WireError) in
                    _ = try reader.readArray { (reader) throws(WireError) in try reader.readInt64() }
                }
            }
        } throws: { error in
            let wire = error as? WireError
            return wire?.code == .typeMismatch && wire?.codingPath == "rows.1"
        }
    }

    @Test("a null where a value is required is valueNotFound, another tag typeMismatch")
    func tagErrors() throws {
        #expect {
            try WireDecoder().withReader(over: [0x00]) { (reader) throws(WireError) in _ = try reader.readString() }
        } throws: { ($0 as? WireError)?.code == .valueNotFound }
        #expect {
            try WireDecoder().withReader(over: [0x02]) { (reader) throws(WireError) in _ = try reader.readInt64() }
        } throws: { ($0 as? WireError)?.code == .typeMismatch }
        #expect {
            try WireDecoder().withReader(over: [0x0D]) { (reader) throws(WireError) in _ = try reader.readTag() }
        } throws: { ($0 as? WireError)?.code == .invalidTag }
    }

    @Test("takeBytes returns what was written and empties the writer")
    func takeBytes() {
        var writer = WireWriter(capacity: 1)
        for index in 0..<1000 { writer.writeInt(index) }
        let bytes = writer.bytes
        #expect(writer.takeBytes() == bytes)
        #expect(writer.count == 0)
        writer.writeNull()
        #expect(writer.bytes == [0])
    }
}
