internal import Foundation
internal import Testing
internal import Wire

/// The golden vectors hold the coder to `WIRE.md` in both directions: the Swift value encodes to
/// the vector's bytes, the bytes decode to the value, the bytes render as the vector's JSON, and
/// the JSON converts back to the same bytes through the type's schema.
///
/// Set `WIRE_WRITE_VECTORS=1` to rewrite the vectors of this table into the file (after a
/// deliberate format change; review the diff).
@Suite("Golden value vectors")
struct VectorTests {
    static let cases: [VectorCase] = {
        func day(_ text: String) -> CalendarDate { CalendarDate(text) ?? .min }
        return [
            VectorCase("null", Int64?.none, type: "Int64?"),
            VectorCase("bool.false", false),
            VectorCase("bool.true", true),
            VectorCase("int.zero", Int64(0)),
            VectorCase("int.one", Int64(1)),
            VectorCase("int.minus-one", Int64(-1)),
            VectorCase("int.63", Int64(63)),
            VectorCase("int.minus-64", Int64(-64)),
            VectorCase("int.64", Int64(64)),
            VectorCase("int.300", Int64(300)),
            VectorCase("int.money-cents", Int64(360_000)),
            VectorCase("int.max", Int64.max),
            VectorCase("int.min", Int64.min),
            VectorCase("int.int8-min", Int8.min),
            VectorCase("int.int32-max", Int32.max),
            VectorCase("uint.zero", UInt64(0)),
            VectorCase("uint.127", UInt64(127)),
            VectorCase("uint.128", UInt64(128)),
            VectorCase("uint.uint8-max", UInt8.max),
            VectorCase("uint.max", UInt64.max),
            VectorCase("float64.zero", 0.0),
            VectorCase("float64.one-and-a-half", 1.5),
            VectorCase("float64.minus-tenth", -0.1),
            VectorCase("float64.infinity", Double.infinity),
            VectorCase("string.empty", ""),
            VectorCase("string.ascii", "Boulangerie"),
            VectorCase("string.accents", "Société Générale — été"),
            VectorCase("string.emoji", "🙂"),
            VectorCase("string.escapes", "a\"b\\c\nd\u{1}"),
            VectorCase("bytes.empty", Data()),
            VectorCase("bytes.three", Data([0x00, 0x01, 0xFF])),
            VectorCase("array.empty", [Int64]()),
            VectorCase("array.ints", [Int64(1), 2, 3]),
            VectorCase("array.optional-strings", ["a", nil] as [String?]),
            VectorCase("array.nested", [[Int64(1)], []]),
            VectorCase("map.string-keys", ["b": Int64(2), "a": 1]),
            VectorCase("map.int-keys", [Int64(2): "b", -1: "a"]),
            VectorCase("map.empty", [String: Int64]()),
            VectorCase("struct.point", Point(x: 1, y: -1)),
            VectorCase("struct.line-label-absent", Line(from: Point(x: 0, y: 0), to: Point(x: 3, y: 4), label: nil)),
            VectorCase("struct.line-label-present", Line(from: Point(x: 0, y: 0), to: Point(x: 3, y: 4), label: "diag")),
            VectorCase("enum.string", Color.green),
            VectorCase("enum.associated", Shape.square(side: 5)),
            VectorCase("enum.no-payload", Shape.empty),
            VectorCase("date.epoch", day("1970-01-01")),
            VectorCase("date.day-before-epoch", day("1969-12-31")),
            VectorCase("date.2025-03-31", day("2025-03-31")),
            VectorCase("date.first", CalendarDate.min),
            VectorCase("date.last", CalendarDate.max),
            VectorCase("instant.epoch", Date(timeIntervalSince1970: 0)),
            VectorCase("instant.before-epoch", Date(timeIntervalSince1970: -1.5)),
            VectorCase("instant.2025-01-15T10:30:00Z", Date(timeIntervalSince1970: 1_736_937_000)),
            VectorCase("instant.microseconds", Date(timeIntervalSince1970: 1_736_937_000.000_123)),
            VectorCase("struct.money-fast-path", Money(cents: -250, currency: "EUR", note: nil)),
            VectorCase("struct.tree-recursive", Tree(name: "root", children: [Tree(name: "leaf", children: [], parent: "root")], parent: nil)),
        ]
    }()

    @Test("the vectors file covers this table and every tag")
    func coverage() throws {
        let file = try GoldenVectors.load()
        let names = Set(file.vectors.map(\.name))
        for vectorCase in Self.cases {
            #expect(names.contains(vectorCase.name), "missing vector \(vectorCase.name)")
        }
        // Vectors of other modules (records) are checked by their own test targets.
        let foreign = names.subtracting(Self.cases.map(\.name)).filter { !$0.hasPrefix("record.") }
        #expect(foreign.isEmpty, "vectors nobody checks: \(foreign)")
        var tags = Set<UInt8>()
        for vector in file.vectors {
            let bytes = try #require(Hex.decode(vector.hex))
            try WireDecoder().withReader(over: bytes) { (reader) throws(WireError) in
                try Self.collectTags(&reader, into: &tags)
            }
        }
        #expect(tags == Set(WireTag.allTags.map(\.rawValue)), "tags never used: \(Set(WireTag.allTags.map(\.rawValue)).subtracting(tags))")
    }

    static func collectTags(_ reader: inout WireReader, into tags: inout Set<UInt8>) throws(WireError) {
        let tag = try reader.peekTag()
        tags.insert(tag.rawValue)
        switch tag {
        case .array:
            let count = try reader.readArrayHeader()
            for _ in 0..<count { try Self.collectTags(&reader, into: &tags) }
        case .map:
            let count = try reader.readMapHeader()
            for _ in 0..<(2 * count) { try Self.collectTags(&reader, into: &tags) }
        case .struct:
            try reader.forEachField { (_, reader) throws(WireError) in try Self.collectTags(&reader, into: &tags) }
        default:
            try reader.skipValue()
        }
    }

    @Test("encode: the value gives the vector's bytes", arguments: VectorTests.cases.map(\.name))
    func encode(name: String) throws {
        let vectorCase = try #require(Self.cases.first { $0.name == name })
        let vector = try #require(try GoldenVectors.load().vectors.first { $0.name == name })
        #expect(vector.type == vectorCase.type)
        #expect(Hex.encode(try vectorCase.encode()) == vector.hex)
    }

    @Test("decode: the vector's bytes give the value", arguments: VectorTests.cases.map(\.name))
    func decode(name: String) throws {
        let vectorCase = try #require(Self.cases.first { $0.name == name })
        let vector = try #require(try GoldenVectors.load().vectors.first { $0.name == name })
        let bytes = try #require(Hex.decode(vector.hex))
        #expect(try vectorCase.decodesToValue(bytes))
    }

    @Test("JSON: the bytes render as the vector's JSON, which converts back to the bytes", arguments: VectorTests.cases.map(\.name))
    func json(name: String) throws {
        let vectorCase = try #require(Self.cases.first { $0.name == name })
        let vector = try #require(try GoldenVectors.load().vectors.first { $0.name == name })
        let bytes = try #require(Hex.decode(vector.hex))
        #expect(try WireJSON.json(from: bytes) == vector.json)
        let schema = vectorCase.schema()
        #expect(Hex.encode(try WireJSON.encode(json: vector.json, schema: schema)) == vector.hex, "schema \(schema)")
    }

    @Test("WIRE_WRITE_VECTORS=1 rewrites the file from this table", .enabled(if: ProcessInfo.processInfo.environment["WIRE_WRITE_VECTORS"] == "1"))
    func write() throws {
        var existing = (try? GoldenVectors.load().vectors) ?? []
        for vectorCase in Self.cases {
            let bytes = try vectorCase.encode()
            let vector = GoldenVector(name: vectorCase.name, type: vectorCase.type, json: try WireJSON.json(from: bytes), hex: Hex.encode(bytes))
            if let index = existing.firstIndex(where: { $0.name == vector.name }) {
                existing[index] = vector
            } else {
                existing.append(vector)
            }
        }
        // One vector per line, keys in a fixed order, so diffs stay readable.
        func string(_ text: String) -> String { JSONPrinter.print(.string(text), pretty: false) }
        var text = "{\n"
        text += "  \"format\": \"pilotage-wire-values/1\",\n"
        text += "  \"description\": " + string(
            "Golden value vectors of WIRE.md §6: name, Swift type, JSON meaning (WireJSON rendering without schema), encoding as hex."
        ) + ",\n"
        text += "  \"vectors\": [\n"
        text += existing.map { vector in
            "    {\"name\": \(string(vector.name)), \"type\": \(string(vector.type)), \"json\": \(string(vector.json)), \"hex\": \(string(vector.hex))}"
        }.joined(separator: ",\n")
        text += "\n  ]\n}\n"
        try FileManager.default.createDirectory(at: GoldenVectors.fileURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: GoldenVectors.fileURL)
    }
}
