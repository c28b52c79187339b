internal import Foundation
internal import Testing
internal import Wire

@Suite("WireDecoder")
struct WireDecoderTests {
    /// Encodes a struct field by field (any order, any extra fields).
    static func encodeStruct(_ fields: [(String, (inout WireWriter) -> Void)]) -> [UInt8] {
        var writer = WireWriter()
        writer.writeStructHeader(fieldCount: fields.count)
        for (key, write) in fields {
            writer.writeFieldKey(key)
            write(&writer)
        }
        return writer.bytes
    }

    static func point(_ x: Int64, _ y: Int64) -> (inout WireWriter) -> Void {
        { writer in
            writer.writeStructHeader(fieldCount: 2)
            writer.writeFieldKey("x")
            writer.writeInt(x)
            writer.writeFieldKey("y")
            writer.writeInt(y)
        }
    }

    @Test("fields in any order, unknown fields skipped, absent and null optionals are nil")
    func tolerance() throws {
        let bytes = Self.encodeStruct([
            ("unknown", { $0.writeArrayHeader(count: 1); $0.writeString("ignored") }),
            ("label", { $0.writeNull() }),
            ("to", Self.point(3, 4)),
            ("future", { $0.writeStructHeader(fieldCount: 1); $0.writeFieldKey("a"); $0.writeBool(true) }),
            ("from", Self.point(1, 2)),
        ])
        let line = try WireDecoder().decode(Line.self, from: bytes)
        #expect(line == Line(from: Point(x: 1, y: 2), to: Point(x: 3, y: 4), label: nil))
        #expect(try WireDecoder().decodeWithoutFastPath(Line.self, from: bytes) == line)
    }

    @Test("duplicate keys are rejected, also among fields the type never asks for")
    func duplicates() {
        let known = Self.encodeStruct([("x", { $0.writeInt(1) }), ("y", { $0.writeInt(2) }), ("x", { $0.writeInt(3) })])
        let unknown = Self.encodeStruct([("x", { $0.writeInt(1) }), ("y", { $0.writeInt(2) }), ("z", { $0.writeInt(3) }), ("z", { $0.writeInt(3) })])
        for bytes in [known, unknown] {
            #expect {
                try WireDecoder().decode(Point.self, from: bytes)
            } throws: { ($0 as? WireError)?.code == .duplicateKey }
        }
    }

    @Test("error kinds and dotted paths: keyNotFound, typeMismatch, dataCorrupted, valueOutOfRange, valueNotFound")
    func errorKindsAndPaths() throws {
        func rows(_ third: [(String, (inout WireWriter) -> Void)]) -> [UInt8] {
            var writer = WireWriter()
            writer.writeStructHeader(fieldCount: 1)
            writer.writeFieldKey("rows")
            writer.writeArrayHeader(count: 4)
            for index in 0..<4 {
                let fields: [(String, (inout WireWriter) -> Void)] =
                    index == 3
                    ? third
                    : [("id", { $0.writeString("r\(index)") }), ("due_date", { $0.writeDate(.min) }), ("amount", { $0.writeInt(5) })]
                writer.writeStructHeader(fieldCount: fields.count)
                for (key, write) in fields {
                    writer.writeFieldKey(key)
                    write(&writer)
                }
            }
            return writer.bytes
        }
        let cases: [([(String, (inout WireWriter) -> Void)], WireError.Code, String)] = [
            ([("id", { $0.writeString("x") }), ("amount", { $0.writeInt(1) })], .keyNotFound, "rows.3.due_date"),
            ([("id", { $0.writeString("x") }), ("due_date", { $0.writeInt(1) }), ("amount", { $0.writeInt(1) })], .typeMismatch, "rows.3.due_date"),
            ([("id", { $0.writeString("x") }), ("due_date", { $0.writeString("2025-02-30") }), ("amount", { $0.writeInt(1) })], .dataCorrupted, "rows.3.due_date"),
            ([("id", { $0.writeString("x") }), ("due_date", { $0.writeDate(.min) }), ("amount", { $0.writeUInt(.max) })], .valueOutOfRange, "rows.3.amount"),
            ([("id", { $0.writeNull() }), ("due_date", { $0.writeDate(.min) }), ("amount", { $0.writeInt(1) })], .valueNotFound, "rows.3.id"),
            ([("id", { $0.writeBytes([0xFF]) }), ("due_date", { $0.writeDate(.min) }), ("amount", { $0.writeInt(1) })], .typeMismatch, "rows.3.id"),
        ]
        for (fields, code, path) in cases {
            let bytes = rows(fields)
            for usesFastPath in [true, false] {
                do {
                    _ = try usesFastPath
                        ? WireDecoder().decode(Batch.self, from: bytes) : WireDecoder().decodeWithoutFastPath(Batch.self, from: bytes)
                    Issue.record("decoding should fail with \(code)")
                } catch {
                    #expect(error.code == code, "\(error)")
                    #expect(error.codingPath == path, "\(error)")
                }
            }
        }
    }

    @Test("a type's own DecodingError.dataCorruptedError becomes dataCorrupted at its path")
    func ownErrors() throws {
        struct Positive: Decodable {
            var value: Int
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                self.value = try container.decode(Int.self)
                guard self.value > 0 else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be positive")
                }
            }
        }
        struct Holder: Decodable {
            var items: [Positive]
        }
        struct Items: Encodable { var items: [Int] }
        let bytes = try WireEncoder().encode(Items(items: [1, 2, -3]))
        do {
            _ = try WireDecoder().decode(Holder.self, from: bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .dataCorrupted)
            #expect(error.codingPath == "items.2")
            #expect(error.message == "must be positive")
        }
        struct RawPaint: Encodable { var color: String }
        let unknownCase = try WireEncoder().encode(RawPaint(color: "BLUE"))
        struct Paint: Decodable {
            var color: Color
        }
        #expect {
            try WireDecoder().decode(Paint.self, from: unknownCase)
        } throws: { error in
            let wire = error as? WireError
            return wire?.code == .dataCorrupted && wire?.codingPath == "color"
        }
    }

    @Test("a [String: V] dictionary also accepts a struct (a struct is a string-keyed map)")
    func structAsDictionary() throws {
        let bytes = try WireEncoder().encode(Point(x: 1, y: 2))
        #expect(try WireDecoder().decode([String: Int64].self, from: bytes) == ["x": 1, "y": 2])
        #expect(throws: WireError.self) { try WireDecoder().decode([Int64: Int64].self, from: bytes) }
    }

    @Test("a CalendarDate accepts the date tag and a YYYY-MM-DD string (JSON-originated rows)")
    func dateLeniency() throws {
        let viaString = Self.encodeStruct([("id", { $0.writeString("a") }), ("due_date", { $0.writeString("2025-03-31") }), ("amount", { $0.writeInt(1) })])
        let row = try WireDecoder().decode(Row.self, from: viaString)
        #expect(row.dueDate == CalendarDate("2025-03-31"))
        #expect(throws: WireError.self) { try WireDecoder().decode(CalendarDate.self, from: [0x0B, 0xFE, 0xFF, 0xFF, 0xFF, 0x0F]) }
    }

    @Test("int and uint tags are interchangeable within range")
    func integerTags() throws {
        #expect(try WireDecoder().decode(UInt8.self, from: [0x03, 0x02]) == 1)
        #expect(try WireDecoder().decode(Int64.self, from: [0x04, 0x05]) == 5)
        #expect(throws: WireError.self) { try WireDecoder().decode(UInt64.self, from: [0x03, 0x01]) }
        #expect(throws: WireError.self) { try WireDecoder().decode(Int8.self, from: [0x04, 0x80, 0x01]) }
        #expect(throws: WireError.self) { try WireDecoder().decode(Double.self, from: [0x03, 0x02]) }
    }

    @Test("bytes after the value are trailingBytes; too large a message is limitExceeded")
    func framing() throws {
        #expect {
            try WireDecoder().decode(Bool.self, from: [0x02, 0x00])
        } throws: { ($0 as? WireError)?.code == .trailingBytes }
        let limits = WireLimits(maxDepth: 8, maxCollectionCount: 10, maxStringLength: 10, maxMessageSize: 4)
        #expect {
            try WireDecoder(limits: limits).decode([Bool].self, from: [0x08, 0x03, 0x02, 0x02, 0x02])
        } throws: { ($0 as? WireError)?.code == .limitExceeded }
        #expect {
            try WireDecoder(limits: limits).decode(String.self, from: [0x06, 0x0B] + Array(repeating: 0x61, count: 11))
        } throws: { ($0 as? WireError)?.code == .limitExceeded }
    }

    @Test("slices and raw buffers decode without copying and give the same value")
    func views() throws {
        let line = Line(from: Point(x: 1, y: 2), to: Point(x: 3, y: 4), label: "é")
        let bytes = [0xEE] + (try WireEncoder().encode(line)) + [0xEE]
        let slice = bytes[1..<(bytes.count - 1)]
        #expect(try WireDecoder().decode(Line.self, from: slice) == line)
        let viaBuffer = try slice.withUnsafeBytes { buffer in try WireDecoder().decode(Line.self, from: buffer) }
        #expect(viaBuffer == line)
    }

    @Test("a decoder kept after decode returns throws instead of reading freed memory")
    func escapedDecoder() throws {
        final class Thief: Decodable, @unchecked Sendable {
            // @unchecked Sendable: test-only, never shared across tasks.
            nonisolated(unsafe) static var stolen: (any Decoder)?
            init(from decoder: any Decoder) throws {
                Thief.stolen = decoder
                _ = try decoder.container(keyedBy: WireTestKey.self)
            }
        }
        _ = try WireDecoder().decode(Thief.self, from: try WireEncoder().encode(Point(x: 1, y: 2)))
        let stolen = try #require(Thief.stolen)
        #expect(throws: (any Error).self) { _ = try stolen.container(keyedBy: WireTestKey.self) }
        Thief.stolen = nil
    }

    @Test("custom Decodable shapes: nested containers, keyed probing, single values")
    func customShapes() throws {
        struct Custom: Codable, Equatable {
            var a: Int
            var inner: [String]
            var hasB: Bool
            enum Keys: String, CodingKey { case a, nested, b, c }
            enum Inner: String, CodingKey { case list }
            init(a: Int, inner: [String], hasB: Bool) {
                self.a = a
                self.inner = inner
                self.hasB = hasB
            }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: Keys.self)
                let nested = try container.nestedContainer(keyedBy: Inner.self, forKey: .nested)
                var list = try nested.nestedUnkeyedContainer(forKey: .list)
                var inner: [String] = []
                while !list.isAtEnd { inner.append(try list.decode(String.self)) }
                self.inner = inner
                self.hasB = container.contains(.b)
                self.a = try container.decode(Int.self, forKey: .a)
                #expect(try container.decodeNil(forKey: .c))
                #expect(Set(container.allKeys.map(\.stringValue)) == ["a", "nested", "b", "c"])
            }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                var nested = container.nestedContainer(keyedBy: Inner.self, forKey: .nested)
                var list = nested.nestedUnkeyedContainer(forKey: .list)
                for item in self.inner { try list.encode(item) }
                try container.encode(self.a, forKey: .a)
                if self.hasB { try container.encode(true, forKey: .b) }
                try container.encodeNil(forKey: .c)
            }
        }
        let value = Custom(a: 5, inner: ["x", "y"], hasB: true)
        let bytes = try WireEncoder().encode(value)
        #expect(try WireDecoder().decode(Custom.self, from: bytes) == value)
        #expect(try WireJSON.json(from: bytes) == #"{"nested":{"list":["x","y"]},"a":5,"b":true,"c":null}"#)
    }
}
