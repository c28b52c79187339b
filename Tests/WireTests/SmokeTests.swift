import Foundation
import Testing
import Wire

struct Inner: Codable, Hashable {
    var a: Int
    var b: String?
}

struct Outer: Codable, Hashable {
    var name: String
    var amount: Int64
    var inner: Inner
    var list: [Inner]
    var day: CalendarDate
    var at: Date
    var map: [String: Int]
}

@Suite("Smoke")
struct SmokeTests {
    @Test("round trip")
    func roundTrip() throws {
        let value = Outer(
            name: "é", amount: -5, inner: Inner(a: 1, b: nil), list: [Inner(a: 2, b: "x"), Inner(a: 3, b: nil)],
            day: CalendarDate(year: 2025, month: 1, day: 2)!, at: Date(timeIntervalSince1970: 1.5), map: ["b": 2, "a": 1]
        )
        let bytes = try WireEncoder().encode(value)
        print(Hex.encode(bytes))
        let back = try WireDecoder().decode(Outer.self, from: bytes)
        #expect(back == value)
    }
}

extension SmokeTests {
    @Test("json bridge")
    func bridge() throws {
        let value = Outer(
            name: "é", amount: -5, inner: Inner(a: 1, b: nil), list: [Inner(a: 2, b: "x"), Inner(a: 3, b: nil)],
            day: CalendarDate(year: 2025, month: 1, day: 2)!, at: Date(timeIntervalSince1970: 1.5), map: ["b": 2, "a": 1]
        )
        let schema = WireSchema.of(Outer.self)
        print(schema.rendered())
        let bytes = try WireEncoder().encode(value)
        let json = try WireJSON.json(from: bytes, schema: schema, pretty: true)
        print(json)
        let back = try WireJSON.encode(json: json, schema: schema)
        #expect(back == bytes)
    }
}
