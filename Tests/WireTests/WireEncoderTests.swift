internal import Foundation
internal import Testing
internal import Wire

@Suite("WireEncoder")
struct WireEncoderTests {
    @Test("a struct is its fields in encoding order; nil optionals are omitted")
    func structLayout() throws {
        let bytes = try WireEncoder().encode(Line(from: Point(x: 1, y: -1), to: Point(x: 0, y: 2), label: nil))
        var expected = WireWriter()
        expected.writeStructHeader(fieldCount: 2)
        expected.writeFieldKey("from")
        expected.writeStructHeader(fieldCount: 2)
        expected.writeFieldKey("x")
        expected.writeInt(1)
        expected.writeFieldKey("y")
        expected.writeInt(-1)
        expected.writeFieldKey("to")
        expected.writeStructHeader(fieldCount: 2)
        expected.writeFieldKey("x")
        expected.writeInt(0)
        expected.writeFieldKey("y")
        expected.writeInt(2)
        #expect(bytes == expected.bytes)
        #expect(Hex.encode(bytes) == "0a020466726f6d0a020178030201790301" + "02746f0a0201780300017903" + "04")
    }

    @Test("String enums are strings; enums with associated values use the synthesized keyed shape")
    func enums() throws {
        #expect(try WireEncoder().encode(Color.red) == [0x06, 0x03] + Array("RED".utf8))
        var expected = WireWriter()
        expected.writeStructHeader(fieldCount: 1)
        expected.writeFieldKey("circle")
        expected.writeStructHeader(fieldCount: 1)
        expected.writeFieldKey("radius")
        expected.writeInt(2)
        #expect(try WireEncoder().encode(Shape.circle(radius: 2)) == expected.bytes)
        #expect(try WireDecoder().decode(Shape.self, from: expected.bytes) == .circle(radius: 2))
        let empty = try WireEncoder().encode(Shape.empty)
        #expect(try WireDecoder().decode(Shape.self, from: empty) == .empty)
    }

    @Test("CalendarDate, Date and Data have their own tags at any depth")
    func specialTypes() throws {
        let day = try #require(CalendarDate("1969-12-31"))
        #expect(try WireEncoder().encode(day) == [0x0B, 0x01])
        #expect(try WireEncoder().encode([day]) == [0x08, 0x01, 0x0B, 0x01])
        #expect(try WireEncoder().encode(Date(timeIntervalSince1970: -0.000_001)) == [0x0C, 0x01])
        #expect(try WireEncoder().encode(Data([1, 2])) == [0x07, 0x02, 0x01, 0x02])
        #expect(try WireEncoder().encode([Optional<CalendarDate>.none]) == [0x08, 0x01, 0x00])
    }

    @Test("dictionaries are canonical maps: the same bytes whatever the insertion order")
    func canonicalMaps() throws {
        var forward: [String: Int64] = [:]
        var backward: [String: Int64] = [:]
        let keys = (0..<50).map { "key-\($0)" }
        for (index, key) in keys.enumerated() { forward[key] = Int64(index) }
        for (index, key) in keys.enumerated().reversed() { backward[key] = Int64(index) }
        let one = try WireEncoder().encode(forward)
        #expect(one == (try WireEncoder().encode(backward)))
        #expect(one.first == WireTag.map.rawValue)
        #expect(try WireDecoder().decode([String: Int64].self, from: one) == forward)
        let byNumber: [Int64: String] = [2: "b", -1: "a", 300: "c"]
        let numberBytes = try WireEncoder().encode(byNumber)
        // Keys sorted by their encoding: -1 → 03 01, 2 → 03 04, 300 → 03 d8 04.
        #expect(Hex.encode(numberBytes) == "0903" + "0301" + "060161" + "0304" + "060162" + "03d804" + "060163")
    }

    @Test("counts above 127 are patched to the same bytes as counts known up front")
    func largeCounts() throws {
        let values = (0..<1000).map { Int64($0) }
        var writer = WireWriter()
        writer.writeArrayHeader(count: values.count)
        for value in values { writer.writeInt(value) }
        #expect(try WireEncoder().encode(values) == writer.bytes)

        struct Wide: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: WireTestKey.self)
                for index in 0..<200 { try container.encode(index, forKey: WireTestKey("f\(index)")) }
                var nested = container.nestedUnkeyedContainer(forKey: WireTestKey("list"))
                for index in 0..<130 { try nested.encode(index) }
            }
        }
        var wide = WireWriter()
        wide.writeStructHeader(fieldCount: 201)
        for index in 0..<200 {
            wide.writeFieldKey("f\(index)")
            wide.writeInt(index)
        }
        wide.writeFieldKey("list")
        wide.writeArrayHeader(count: 130)
        for index in 0..<130 { wide.writeInt(index) }
        #expect(try WireEncoder().encode(Wide()) == wide.bytes)
    }

    @Test("encode(into:) appends, and leaves the buffer as it was on error")
    func appending() throws {
        var buffer: [UInt8] = [0xAA]
        try WireEncoder().encode(Point(x: 1, y: 2), into: &buffer)
        #expect(buffer == [0xAA] + (try WireEncoder().encode(Point(x: 1, y: 2))))
        let before = buffer
        #expect(throws: WireError.self) {
            try WireEncoder().encode([Date(timeIntervalSince1970: .nan)], into: &buffer)
        }
        #expect(buffer == before)
    }

    @Test("values the wire cannot carry are invalidValue with their path")
    func invalidValues() {
        struct Event: Encodable {
            var at: [Date]
        }
        #expect {
            try WireEncoder().encode(Event(at: [Date(), Date(timeIntervalSince1970: .infinity)]))
        } throws: { error in
            let wire = error as? WireError
            return wire?.code == .invalidValue && wire?.codingPath == "at.1"
        }
    }

    @Test("runaway nesting is depthExceeded, not a crash")
    func depth() {
        var tree = Tree(name: "leaf", children: [], parent: nil)
        for level in 0..<200 { tree = Tree(name: "n\(level)", children: [tree], parent: nil) }
        #expect {
            try WireEncoder().encode(tree)
        } throws: { ($0 as? WireError)?.code == .depthExceeded }
        #expect(throws: Never.self) { try WireEncoder(limits: WireLimits(maxDepth: 1000, maxCollectionCount: 10, maxStringLength: 10, maxMessageSize: 1 << 20)).encode(tree) }
    }

    @Test("a nested container used after its parent moved on is an error, not corrupt bytes")
    func containerMisuse() {
        struct Misuse: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: WireTestKey.self)
                var list = container.nestedUnkeyedContainer(forKey: WireTestKey("list"))
                try container.encode(1, forKey: WireTestKey("after"))
                try list.encode(2)
            }
        }
        #expect(throws: WireError.self) { try WireEncoder().encode(Misuse()) }
    }

    @Test("a type that encodes nothing is an empty struct; asking for its container twice is fine")
    func emptyAndTwice() throws {
        struct Nothing: Codable {
            func encode(to encoder: any Encoder) throws {}
        }
        #expect(try WireEncoder().encode(Nothing()) == [0x0A, 0x00])
        struct Twice: Encodable {
            func encode(to encoder: any Encoder) throws {
                var first = encoder.container(keyedBy: WireTestKey.self)
                try first.encode(1, forKey: WireTestKey("a"))
                var second = encoder.container(keyedBy: WireTestKey.self)
                try second.encode(2, forKey: WireTestKey("b"))
            }
        }
        #expect(try WireEncoder().encode(Twice()) == (try WireEncoder().encode(["a": 1, "b": 2] as KeyValuePairsStruct)))
    }

    @Test("class hierarchies through superEncoder round-trip")
    func superEncoder() throws {
        let value = Derived(base: 7, extra: "x")
        let bytes = try WireEncoder().encode(value)
        let back = try WireDecoder().decode(Derived.self, from: bytes)
        #expect(back.base == 7)
        #expect(back.extra == "x")
        #expect(try WireJSON.json(from: bytes) == #"{"extra":"x","super":{"base":7}}"#)
    }
}

/// A struct with fields a and b, to compare against hand-built encodings.
struct KeyValuePairsStruct: Encodable, ExpressibleByDictionaryLiteral {
    var pairs: [(String, Int)]

    init(dictionaryLiteral elements: (String, Int)...) {
        self.pairs = elements
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WireTestKey.self)
        for (key, value) in self.pairs { try container.encode(value, forKey: WireTestKey(key)) }
    }
}

/// A coding key made from any string.
struct WireTestKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) {
        self.stringValue = string
    }

    init?(stringValue: String) {
        self.stringValue = stringValue
    }

    init?(intValue: Int) {
        nil
    }
}

class Base: Codable {
    var base: Int

    init(base: Int) {
        self.base = base
    }
}

final class Derived: Base, @unchecked Sendable {
    // @unchecked Sendable: test-only value, never shared across tasks.
    var extra: String

    init(base: Int, extra: String) {
        self.extra = extra
        super.init(base: base)
    }

    enum CodingKeys: String, CodingKey {
        case extra
    }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.extra = try container.decode(String.self, forKey: .extra)
        try super.init(from: container.superDecoder())
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.extra, forKey: .extra)
        try super.encode(to: container.superEncoder())
    }
}
