internal import Foundation
internal import Testing
internal import Wire

@Suite("WireJSON bridge")
struct WireJSONTests {
    struct Request: Codable, Equatable {
        var tenant: String
        var from: CalendarDate
        var at: Date?
        var limit: UInt32
        var offset: Int64
        var ratio: Double?
        var roles: [Color]
        var token: Data?
        var filters: [String: Int64]?
        var points: [Point]?
    }

    /// Computed each time: a static schema would live until exit, and LeakSanitizer cannot see
    /// the pointers that indirect enums keep with tag bits set (false leak reports under ASan).
    static var requestSchema: WireSchema { WireSchema.of(Request.self) }

    @Test("JSON → wire → value matches the Swift encoder byte for byte")
    func encodeMatchesEncoder() throws {
        let json = """
            {"roles": ["RED"], "limit": 50, "tenant": "cabinet-dupont", "from": "2025-01-01",
             "at": "2025-01-15T11:30:00.25+01:00", "offset": -9223372036854775808, "ratio": 0.5,
             "token": "AAH/", "filters": {"b": 2, "a": 1}, "points": [{"y": 2, "x": 1}]}
            """
        let bytes = try WireJSON.encode(json: json, schema: Self.requestSchema)
        let expected = Request(
            tenant: "cabinet-dupont",
            from: try #require(CalendarDate("2025-01-01")),
            at: Date(timeIntervalSince1970: 1_736_937_000.25),
            limit: 50,
            offset: .min,
            ratio: 0.5,
            roles: [.red],
            token: Data([0, 1, 255]),
            filters: ["a": 1, "b": 2],
            points: [Point(x: 1, y: 2)]
        )
        #expect(try WireDecoder().decode(Request.self, from: bytes) == expected)
        #expect(bytes == (try WireEncoder().encode(expected)))
    }

    @Test("wire → JSON follows the schema: field order, omitted nil optionals, exact integers, formats")
    func render() throws {
        let value = Request(
            tenant: "t",
            from: try #require(CalendarDate("1969-12-31")),
            at: Date(timeIntervalSince1970: -0.5),
            limit: 4_294_967_295,
            offset: .max,
            ratio: nil,
            roles: [.green, .red],
            token: nil,
            filters: nil,
            points: []
        )
        let json = try WireJSON.json(from: WireEncoder().encode(value), schema: Self.requestSchema)
        #expect(json == #"{"tenant":"t","from":"1969-12-31","at":"1969-12-31T23:59:59.5Z","limit":4294967295,"offset":9223372036854775807,"roles":["GREEN","RED"],"points":[]}"#)
        let pretty = try WireJSON.json(from: WireEncoder().encode(Point(x: 1, y: 2)), schema: WireSchema.of(Point.self), pretty: true)
        #expect(pretty == "{\n  \"x\": 1,\n  \"y\": 2\n}")
    }

    @Test(
        "type errors name the JSON path and carry the wire error code",
        arguments: [
            (#"{"tenant": 1, "from": "2025-01-01", "limit": 1, "offset": 1, "roles": []}"#, WireError.Code.typeMismatch, "$.tenant"),
            (#"{"tenant": "t", "from": "2025-02-30", "limit": 1, "offset": 1, "roles": []}"#, .dataCorrupted, "$.from"),
            (#"{"tenant": "t", "limit": 1, "offset": 1, "roles": []}"#, .keyNotFound, "$.from"),
            (#"{"tenant": "t", "from": "2025-01-01", "limit": -1, "offset": 1, "roles": []}"#, .valueOutOfRange, "$.limit"),
            (#"{"tenant": "t", "from": "2025-01-01", "limit": 1.5, "offset": 1, "roles": []}"#, .typeMismatch, "$.limit"),
            (#"{"tenant": "t", "from": "2025-01-01", "limit": 1, "offset": 9223372036854775808, "roles": []}"#, .valueOutOfRange, "$.offset"),
            (#"{"tenant": "t", "from": "2025-01-01", "limit": 1, "offset": 1, "roles": ["RED", "BLUE"]}"#, .dataCorrupted, "$.roles[1]"),
            (#"{"tenant": "t", "from": "2025-01-01", "limit": 1, "offset": 1, "roles": [], "extra": 1}"#, .dataCorrupted, "unknown field \"extra\""),
            (#"{"tenant": "t", "from": "2025-01-01", "limit": 1, "offset": 1, "roles": [], "at": "2025-01-15 10:00"}"#, .dataCorrupted, "$.at"),
            (#"{"tenant": "t", "from": "2025-01-01", "limit": 1, "offset": 1, "roles": [], "token": "%%%"}"#, .dataCorrupted, "$.token"),
            (#"{"tenant": "t", "from": "2025-01-01", "limit": 1, "offset": 1, "roles": [], "points": [{"x": 1}]}"#, .keyNotFound, "$.points[0].y"),
            (#"{"tenant": null, "from": "2025-01-01", "limit": 1, "offset": 1, "roles": []}"#, .valueNotFound, "$.tenant"),
            (#"{"tenant": "t", "from": "2025-01-01", "limit": 1, "offset": 1, "roles": [],}"#, .invalidJSON, "line 1"),
        ] as [(String, WireError.Code, String)]
    )
    func errors(json: String, code: WireError.Code, path: String) {
        do {
            _ = try WireJSON.encode(json: json, schema: Self.requestSchema)
            Issue.record("accepted \(json)")
        } catch let error as WireError {
            #expect(error.code == code, "\(error)")
            #expect("\(error)".contains(path), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("the error description reads as code, JSON path, explanation")
    func description() {
        do {
            _ = try WireJSON.encode(json: #"{"rows":[{},{},{},{"due_date":5}]}"#, schema: WireSchema.of(Batch.self))
            Issue.record("accepted")
        } catch {
            #expect("\(error)" == "keyNotFound at $.rows[0].id: required field \"id\" of Row is absent")
        }
        do {
            _ = try WireJSON.encode(json: #"{"id":"a","due_date":5,"amount":1}"#, schema: WireSchema.of(Row.self))
            Issue.record("accepted")
        } catch {
            #expect("\(error)" == "typeMismatch at $.due_date: expected a date string YYYY-MM-DD, found a number")
        }
    }

    @Test("null and absent optionals are both accepted on input")
    func optionals() throws {
        let absent = try WireJSON.encode(json: #"{"tenant":"t","from":"2025-01-01","limit":1,"offset":1,"roles":[]}"#, schema: Self.requestSchema)
        let null = try WireJSON.encode(
            json: #"{"tenant":"t","from":"2025-01-01","limit":1,"offset":1,"roles":[],"at":null,"ratio":null,"token":null}"#,
            schema: Self.requestSchema
        )
        #expect(absent == null)
    }

    @Test("doubles: shortest text, exact round trip, non-finite values as strings")
    func doubles() throws {
        for value in [0.1, -2.5, 1e-300, 1.7976931348623157e308, Double.leastNonzeroMagnitude, 123_456_789.125, Double.infinity, -Double.infinity] {
            let bytes = try WireEncoder().encode(value)
            let json = try WireJSON.json(from: bytes)
            #expect(try WireJSON.encode(json: json, schema: .double) == bytes, "\(json)")
        }
        let nan = try WireJSON.encode(json: "\"NaN\"", schema: .double)
        #expect(try WireDecoder().decode(Double.self, from: nan).isNaN)
        #expect(throws: WireError.self) { try WireJSON.encode(json: "1e999", schema: .double) }
    }

    @Test(
        "RFC 3339 instants: offsets, fractions, lower case; rejects the rest",
        arguments: [
            ("2025-01-15T10:30:00Z", 1_736_937_000_000_000),
            ("2025-01-15t10:30:00z", 1_736_937_000_000_000),
            ("2025-01-15T11:30:00+01:00", 1_736_937_000_000_000),
            ("2025-01-15T05:00:00-05:30", 1_736_937_000_000_000),
            ("1970-01-01T00:00:00.0000015Z", 2),
            ("1969-12-31T23:59:59.999999Z", -1),
            ("2025-01-15T10:30:00", nil),
            ("2025-01-15 10:30:00Z", nil),
            ("2025-02-30T10:30:00Z", nil),
            ("2025-01-15T24:00:00Z", nil),
            ("2025-01-15T10:30:60Z", nil),
            ("2025-01-15T10:30:00.Z", nil),
            ("2025-01-15T10:30:00+0100", nil),
        ] as [(String, Int64?)]
    )
    func instants(text: String, micros: Int64?) throws {
        let result = try? WireJSON.encode(json: "\"\(text)\"", schema: .instant)
        if let micros {
            var expected = WireWriter()
            expected.writeInstant(microseconds: micros)
            #expect(result == expected.bytes)
        } else {
            #expect(result == nil)
        }
    }

    @Test("maps: string keys as objects, other keys as [key, value] pairs; any-schema fallbacks")
    func maps() throws {
        let byNumber: [Int64: String] = [3: "c", -7: "a"]
        let bytes = try WireEncoder().encode(byNumber)
        let json = try WireJSON.json(from: bytes, schema: WireSchema.of([Int64: String].self))
        // Canonical order is by encoded key: 3 is zigzag 6 (03 06), -7 is zigzag 13 (03 0d).
        #expect(json == #"[[3,"c"],[-7,"a"]]"#)
        #expect(try WireJSON.encode(json: #"[[-7,"a"],[3,"c"]]"#, schema: WireSchema.of([Int64: String].self)) == bytes)
        #expect(throws: WireError.self) { try WireJSON.encode(json: #"[[3,"c"],[3,"d"]]"#, schema: WireSchema.of([Int64: String].self)) }
        // `any`: objects become structs, integers ints, big integers uints, others floats.
        let generic = try WireJSON.encode(json: #"{"a":[1,18446744073709551615,0.5,"s",null,true]}"#, schema: .any)
        #expect(try WireJSON.json(from: generic) == #"{"a":[1,18446744073709551615,0.5,"s",null,true]}"#)
        #expect(try WireDecoder().decode([String: [JSONish]].self, from: generic)["a"]?.count == 6)
    }

    @Test("rendering tolerates a schema that disagrees with the tags (newer peer)")
    func schemaSkew() throws {
        struct NewPoint: Codable { var x: Int64; var y: Int64; var z: String }
        let bytes = try WireEncoder().encode(NewPoint(x: 1, y: 2, z: "new"))
        #expect(try WireJSON.json(from: bytes, schema: WireSchema.of(Point.self)) == #"{"x":1,"y":2,"z":"new"}"#)
        #expect(try WireJSON.json(from: bytes, schema: .string) == #"{"x":1,"y":2,"z":"new"}"#)
    }
}

/// Decodes any scalar (to count elements of a heterogeneous array).
struct JSONish: Decodable {
    init(from decoder: any Decoder) throws {
        _ = try decoder.singleValueContainer()
    }
}
