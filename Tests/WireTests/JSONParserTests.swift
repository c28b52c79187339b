internal import Testing
internal import Wire

@Suite("JSON parser and printer")
struct JSONParserTests {
    @Test(
        "rejects what RFC 8259 does not allow",
        arguments: [
            "", " ", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{a:1}", "{'a':1}", "01", "-", "1.", ".5", "1e", "+1", "NaN",
            "Infinity", "tru", "nul", "[", "{", "\"abc", "\"a\u{1}b\"", "\"\\x\"", "\"\\u12\"", "\"\\uD800\"", "\"\\uDC00\"",
            "\"\\uD800\\u0041\"", "// c\n1", "/* c */ 1", "1 2", "{\"a\":1,\"a\":2}", "[1]]", "\u{FEFF}1", "0x10", "1_000",
        ]
    )
    func rejects(text: String) {
        #expect {
            try JSONParser.parse(text)
        } throws: { ($0 as? WireError)?.code == .invalidJSON }
    }

    @Test("parses valid documents exactly")
    func accepts() throws {
        #expect(try JSONParser.parse(" {\"a\" : [1, -0, 2.5e-3, true, false, null, \"x\"]}\n") == .object([
            JSONMember(key: "a", value: .array([
                .number(JSONNumber(text: "1", isInteger: true)), .number(JSONNumber(text: "-0", isInteger: true)),
                .number(JSONNumber(text: "2.5e-3", isInteger: false)), .bool(true), .bool(false), .null, .string("x"),
            ]))
        ]))
        #expect(try JSONParser.parse("\"\\u00e9\\uD83D\\uDE42\\n\\/\\\"\"") == .string("é🙂\n/\""))
        #expect(try JSONParser.parse("\"é日🙂\"") == .string("é日🙂"))
    }

    @Test("integers are exact over the whole 64-bit range, never through Double")
    func exactIntegers() throws {
        guard case .number(let max) = try JSONParser.parse("9223372036854775807"),
            case .number(let min) = try JSONParser.parse("-9223372036854775808"),
            case .number(let umax) = try JSONParser.parse("18446744073709551615"),
            case .number(let near) = try JSONParser.parse("9007199254740993")
        else {
            Issue.record("not numbers")
            return
        }
        #expect(max.int64 == .max)
        #expect(min.int64 == .min)
        #expect(umax.uint64 == .max)
        #expect(umax.int64 == nil)
        #expect(near.int64 == 9_007_199_254_740_993)  // 2^53 + 1: not representable as a Double
    }

    @Test("errors give line and column")
    func positions() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": 1,\n  \"b\": tru\n}")
            Issue.record("parsed")
        } catch {
            #expect(error.message.hasPrefix("line 3, column 8:"), "\(error.message)")
        }
        do {
            _ = try JSONParser.parse("[\"é\", x]")
            Issue.record("parsed")
        } catch {
            #expect(error.message.hasPrefix("line 1, column 7:"), "\(error.message)")
        }
    }

    @Test("nesting is bounded, without recursion overflow")
    func depth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect {
            try JSONParser.parse(deep)
        } throws: { ($0 as? WireError)?.message.contains("deeper") == true }
        #expect(throws: Never.self) { try JSONParser.parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) }
    }

    @Test("printer escapes what must be escaped and nothing else")
    func printer() {
        #expect(JSONPrinter.print(.string("a\"\\\n\t\u{1}é🙂/"), pretty: false) == "\"a\\\"\\\\\\n\\t\\u0001é🙂/\"")
        let value = JSONValue.object([JSONMember(key: "a", value: .array([.null, .object([])])), JSONMember(key: "b", value: .array([]))])
        #expect(JSONPrinter.print(value, pretty: false) == "{\"a\":[null,{}],\"b\":[]}")
        #expect(JSONPrinter.print(value, pretty: true) == "{\n  \"a\": [\n    null,\n    {}\n  ],\n  \"b\": []\n}")
    }
}
