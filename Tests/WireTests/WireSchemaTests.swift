internal import Foundation
internal import Testing
internal import Wire

@Suite("WireSchema")
struct WireSchemaTests {
    @Test("derived from a struct: fields in order, optionals flagged, scalars, dates, instants, bytes")
    func derivedStruct() {
        let schema = WireSchema.of(Kitchen.self)
        guard case .struct(let name, let fields) = schema else {
            Issue.record("expected a struct, got \(schema)")
            return
        }
        #expect(name == "Kitchen")
        #expect(fields.map(\.name) == [
            "flag", "small", "medium", "large", "unsigned", "byte", "ratio", "single", "text", "blob", "day", "at", "maybe",
            "color", "shape", "list", "names", "scores", "by_id", "nested",
        ])
        let byName = Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0) })
        #expect(byName["flag"]?.schema == .bool)
        #expect(byName["small"]?.schema == .int)
        #expect(byName["unsigned"]?.schema == .uint)
        #expect(byName["single"]?.schema == .double)
        #expect(byName["blob"]?.schema == .bytes)
        #expect(byName["day"]?.schema == .date)
        #expect(byName["at"]?.schema == .instant)
        #expect(byName["maybe"]?.isOptional == true)
        #expect(byName["maybe"]?.schema == .int)
        #expect(byName["large"]?.isOptional == false)
        #expect(byName["color"]?.schema == .enumeration(name: "Color", cases: ["RED", "GREEN"]))
        #expect(byName["shape"]?.schema == Shape.wireSchema)
        #expect(byName["list"]?.schema == .array(.optional(.int)))
        #expect(byName["scores"]?.schema == .map(key: .string, value: .int))
        #expect(byName["by_id"]?.schema == .map(key: .int, value: .string))
        #expect(byName["nested"]?.schema == .array(.array(.struct(name: "Point", fields: [.init(name: "x", schema: .int), .init(name: "y", schema: .int)]))))
    }

    @Test("recursive types become references to the enclosing struct")
    func recursion() {
        #expect(
            WireSchema.of(Tree.self)
                == .struct(
                    name: "Tree",
                    fields: [
                        .init(name: "name", schema: .string),
                        .init(name: "children", schema: .array(.reference(name: "Tree"))),
                        .init(name: "parent", schema: .string, isOptional: true),
                    ]
                )
        )
        final class Node: Decodable {
            let value: Int
            let next: Node?
        }
        #expect(
            WireSchema.of(Node.self)
                == .struct(name: "Node", fields: [.init(name: "value", schema: .int), .init(name: "next", schema: .reference(name: "Node"), isOptional: true)])
        )
    }

    @Test("custom init(from:): contains/decodeNil make a field optional; nested containers become inline structs")
    func customDecoding() {
        struct Custom: Decodable {
            enum Keys: String, CodingKey { case a, b, nested }
            enum Inner: String, CodingKey { case day }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: Keys.self)
                _ = try container.decode(Int.self, forKey: .a)
                if container.contains(.b) { _ = try container.decode(String.self, forKey: .b) }
                let nested = try container.nestedContainer(keyedBy: Inner.self, forKey: .nested)
                _ = try nested.decode(CalendarDate.self, forKey: .day)
            }
        }
        #expect(
            WireSchema.of(Custom.self)
                == .struct(
                    name: "Custom",
                    fields: [
                        .init(name: "a", schema: .int),
                        .init(name: "b", schema: .string, isOptional: true),
                        .init(name: "nested", schema: .struct(name: "Custom.nested", fields: [.init(name: "day", schema: .date)])),
                    ]
                )
        )
    }

    @Test("single-value wrappers are transparent; top-level collections and scalars")
    func wrappersAndCollections() {
        struct ClientID: Codable {
            var raw: String
            init(from decoder: any Decoder) throws {
                self.raw = try decoder.singleValueContainer().decode(String.self)
            }
        }
        #expect(WireSchema.of(ClientID.self) == .string)
        #expect(WireSchema.of([ClientID].self) == .array(.string))
        #expect(WireSchema.of([String: [CalendarDate?]].self) == .map(key: .string, value: .array(.optional(.date))))
        #expect(WireSchema.of(Int64?.self) == .optional(.int))
        #expect(WireSchema.of(Set<Color>.self) == .array(.enumeration(name: "Color", cases: ["RED", "GREEN"])))
    }

    @Test("enums with associated values and no stated schema give `any`, and so does a struct holding one")
    func underivable() {
        enum Loose: Codable { case one(Int), two }
        struct Holder: Codable { var loose: Loose }
        #expect(WireSchema.of(Loose.self) == .any)
        #expect(WireSchema.of(Holder.self) == .any)
    }

    @Test("schemas are Codable on the wire and render for people")
    func codableAndRendering() throws {
        let schema = WireSchema.of(Kitchen.self)
        let bytes = try WireEncoder().encode(schema)
        #expect(try WireDecoder().decode(WireSchema.self, from: bytes) == schema)
        #expect(WireSchema.of(Point.self).description == "struct Point { x: int, y: int }")
        let rendered = WireSchema.of(Tree.self).rendered()
        #expect(rendered == "Tree {\n  name: string\n  children: [Tree]\n  parent?: string\n}")
        // The reflection service can describe its own schema type.
        if case .any = WireSchema.of(WireSchema.self) {} else { Issue.record("WireSchema's own schema should be `any`") }
    }

    @Test("sample bytes are the smallest valid value of the shape")
    func samples() throws {
        #expect(try WireDecoder().decode(Tree.self, from: WireSchema.of(Tree.self).sampleBytes()) == Tree(name: "", children: [], parent: nil))
        let ledger = try WireDecoder().decode(Ledger.self, from: WireSchema.of(Ledger.self).sampleBytes())
        #expect(ledger == Ledger(owner: "", balance: Money(cents: 0, currency: ""), entries: [], pending: nil, byDay: [:]))
        #expect(try WireJSON.json(from: WireSchema.of(Kitchen.self).sampleBytes(), schema: WireSchema.of(Kitchen.self)).contains(#""color":"RED""#))
    }
}
