internal import Foundation
internal import Testing
internal import Wire

/// Random values (seeded SplitMix64, so failures replay) round-trip through every path.
@Suite("Property tests")
struct PropertyTests {
    @Test("random values round-trip through the Codable path", arguments: [1, 2, 3, 4] as [UInt64])
    func codableRoundTrip(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0..<150 {
            let kitchen = random.kitchen()
            let bytes = try WireEncoder().encode(kitchen)
            #expect(try WireDecoder().decode(Kitchen.self, from: bytes) == kitchen)
            let tree = random.tree()
            #expect(try WireDecoder().decode(Tree.self, from: WireEncoder().encode(tree)) == tree)
            let line = random.line()
            #expect(try WireDecoder().decode(Line.self, from: WireEncoder().encode(line)) == line)
        }
    }

    @Test("fast-path types write exactly the Codable bytes and read the same values, at any depth")
    func fastPathEqualsCodable() throws {
        var random = SplitMix64(seed: 42)
        for _ in 0..<300 {
            let ledger = random.ledger()
            let fast = try WireEncoder().encode(ledger)
            let codable = try WireEncoder().encodeWithoutFastPath(ledger)
            #expect(fast == codable)
            #expect(try WireDecoder().decode(Ledger.self, from: codable) == ledger)
            #expect(try WireDecoder().decodeWithoutFastPath(Ledger.self, from: fast) == ledger)

            let envelope = Envelope(line: random.line(), tags: (0..<Int(random.next() % 4)).map { _ in random.string() })
            let envelopeFast = try WireEncoder().encode(envelope)
            #expect(envelopeFast == (try WireEncoder().encodeWithoutFastPath(envelope)))
            #expect(try WireDecoder().decode(Envelope.self, from: envelopeFast) == envelope)
            #expect(try WireDecoder().decode([Envelope].self, from: WireEncoder().encode([envelope, envelope])) == [envelope, envelope])
        }
    }

    @Test("fast decoders accept what the Codable decoder accepts: reordered fields, unknown fields, explicit nulls")
    func fastPathTolerance() throws {
        var random = SplitMix64(seed: 5)
        for _ in 0..<100 {
            let money = random.money()
            var writer = WireWriter()
            let fields: [(String, (inout WireWriter) -> Void)] = [
                ("unknown", { $0.writeArrayHeader(count: 1); $0.writeBool(true) }),
                ("currency", { $0.writeString(money.currency) }),
                ("note", { writer in if let note = money.note { writer.writeString(note) } else { writer.writeNull() } }),
                ("cents", { $0.writeInt(money.cents) }),
            ]
            let order = random.bool() ? fields : fields.reversed()
            writer.writeStructHeader(fieldCount: order.count)
            for (key, write) in order {
                writer.writeFieldKey(key)
                write(&writer)
            }
            #expect(try WireDecoder().decode(Money.self, from: writer.bytes) == money)
            #expect(try WireDecoder().decodeWithoutFastPath(Money.self, from: writer.bytes) == money)
        }
    }

    @Test("instants round-trip at microsecond precision; CalendarDate over its whole range")
    func instantsAndDates() throws {
        var random = SplitMix64(seed: 9)
        for _ in 0..<2000 {
            let instant = random.instant()
            #expect(try WireDecoder().decode(Date.self, from: WireEncoder().encode(instant)) == instant)
            let day = random.calendarDate()
            #expect(try WireDecoder().decode(CalendarDate.self, from: WireEncoder().encode(day)) == day)
        }
        let subMicrosecond = Date(timeIntervalSince1970: 1.000_000_4)
        let rounded = try WireDecoder().decode(Date.self, from: WireEncoder().encode(subMicrosecond))
        #expect(rounded == Date(timeIntervalSince1970: 1))
    }

    @Test("JSON bridge: wire → JSON → wire gives the same bytes, with and without schema")
    func jsonBridgeRoundTrip() throws {
        var random = SplitMix64(seed: 21)
        let kitchenSchema = WireSchema.of(Kitchen.self)
        let ledgerSchema = WireSchema.of(Ledger.self)
        for _ in 0..<200 {
            let kitchen = random.kitchen()
            let bytes = try WireEncoder().encode(kitchen)
            for pretty in [false, true] {
                let json = try WireJSON.json(from: bytes, schema: kitchenSchema, pretty: pretty)
                #expect(try WireJSON.encode(json: json, schema: kitchenSchema) == bytes, "\(json)")
            }
            let ledgerBytes = try WireEncoder().encode(random.ledger())
            let ledgerJSON = try WireJSON.json(from: ledgerBytes, schema: ledgerSchema)
            #expect(try WireJSON.encode(json: ledgerJSON, schema: ledgerSchema) == ledgerBytes)
            // Schemaless rendering is a faithful JSON document too.
            let plain = try WireJSON.json(from: bytes)
            #expect(throws: Never.self) { try JSONParser.parse(plain) }
        }
    }

    @Test("JSON printer and parser agree on random documents")
    func jsonPrinterParser() throws {
        var random = SplitMix64(seed: 33)
        func document(_ depth: Int) -> JSONValue {
            switch random.next() % (depth > 3 ? 4 : 6) {
            case 0: return .null
            case 1: return .bool(random.bool())
            case 2: return .number(JSONNumber(random.edgyInt64()))
            case 3: return .string(random.string(maxLength: 20))
            case 4: return .array((0..<Int(random.next() % 4)).map { _ in document(depth + 1) })
            default:
                var seen = Set<String>()
                var members: [JSONMember] = []
                for _ in 0..<Int(random.next() % 4) {
                    let key = random.string()
                    if seen.insert(key).inserted { members.append(JSONMember(key: key, value: document(depth + 1))) }
                }
                return .object(members)
            }
        }
        for _ in 0..<500 {
            let value = document(0)
            for pretty in [false, true] {
                #expect(try JSONParser.parse(JSONPrinter.print(value, pretty: pretty)) == value)
            }
        }
    }
}

