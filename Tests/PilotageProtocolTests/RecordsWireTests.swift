internal import Foundation
internal import PilotageProtocol
internal import Testing
internal import Wire

/// The data-contract records through the wire coder, their derived schemas and the JSON bridge.
@Suite("Records on the wire")
struct RecordsWireTests {
    static func schema<T: IngestibleRecord>(_ type: T.Type) -> WireSchema {
        WireSchema.of(type)
    }

    /// A record of each kind, decoded from the smallest valid value of its schema, then
    /// round-tripped.
    static func roundTrip<T: IngestibleRecord>(_ type: T.Type) throws -> Bool {
        let sample = try WireDecoder().decode(type, from: WireSchema.of(type).sampleBytes())
        let bytes = try WireEncoder().encode(sample)
        return try WireDecoder().decode(type, from: bytes) == sample
    }

    static func containsAny(_ schema: WireSchema) -> Bool {
        switch schema {
        case .any: true
        case .optional(let wrapped), .array(let wrapped): Self.containsAny(wrapped)
        case .map(let key, let value): Self.containsAny(key) || Self.containsAny(value)
        case .struct(_, let fields): fields.contains { Self.containsAny($0.schema) }
        default: false
        }
    }

    @Test("every record kind has a fully derived struct schema and round-trips", arguments: EntityKind.allCases)
    func everyKind(kind: EntityKind) throws {
        let schema = Self.schema(kind.recordType)
        #expect(schema.name == String(describing: kind.recordType))
        #expect(!Self.containsAny(schema), "\(schema)")
        #expect(try Self.roundTrip(kind.recordType))
    }

    @Test("schemas show the contract: snake_case keys, defaults optional, dates, enum cases")
    func contractShapes() throws {
        guard case .struct(_, let fields) = WireSchema.of(InstallmentRecord.self) else {
            Issue.record("not a struct")
            return
        }
        #expect(fields == [
            .init(name: "id", schema: .string),
            .init(name: "client", schema: .string),
            .init(name: "invoice_id", schema: .string),
            .init(name: "invoice_date", schema: .date),
            .init(name: "due_date", schema: .date, isOptional: true),
            .init(name: "amount", schema: .int),
            .init(name: "amount_ht", schema: .int, isOptional: true),
            .init(name: "payment_mode", schema: .string, isOptional: true),
            .init(name: "opening", schema: .bool, isOptional: true),
        ])
        guard case .struct(_, let collaborator) = WireSchema.of(CollaboratorRecord.self) else {
            Issue.record("not a struct")
            return
        }
        let roles = try #require(collaborator.first { $0.name == "roles" })
        #expect(roles.isOptional)  // defaults to [] when absent
        #expect(roles.schema == .array(.enumeration(name: "CollaboratorRole", cases: CollaboratorRole.allCases.map(\.rawValue))))
        guard case .struct(_, let event) = WireSchema.of(CollectionEventRecord.self) else {
            Issue.record("not a struct")
            return
        }
        #expect(event.first { $0.name == "at" }?.schema == .instant)
        guard case .struct(_, let deal) = WireSchema.of(DealRecord.self) else {
            Issue.record("not a struct")
            return
        }
        #expect(deal.first { $0.name == "status_history" }?.schema == WireSchema.of([DealStatusChange].self))
    }

    static let installments: [InstallmentRecord] = (0..<5).map { index in
        InstallmentRecord(
            id: "I-\(index)",
            client: "C-\(index % 2)",
            invoiceID: "F-2025-\(index)",
            invoiceDate: CalendarDate(year: 2025, month: 1, day: 10 + index) ?? .min,
            dueDate: index == 1 ? nil : CalendarDate(year: 2025, month: 2, day: 10 + index),
            amount: 360_000 + Int64(index),
            amountHT: index == 2 ? nil : 300_000,
            paymentMode: index == 3 ? "SEPA" : nil
        )
    }

    @Test("JSON → wire through the derived schema equals WireEncoder's bytes; JSONDecoder agrees on the meaning")
    func jsonBridge() throws {
        let schema = WireSchema.of([InstallmentRecord].self)
        let bytes = try WireEncoder().encode(Self.installments)
        let json = try WireJSON.json(from: bytes, schema: schema, pretty: true)
        #expect(try WireJSON.encode(json: json, schema: schema) == bytes)
        // The bridge's JSON is the data contract's JSON: Foundation reads it into the same records.
        #expect(try JSONDecoder().decode([InstallmentRecord].self, from: Data(json.utf8)) == Self.installments)
        let event = CollectionEventRecord(
            id: "E1",
            installment: "I-1",
            actionCode: "CALL-1",
            outcome: .validated,
            actor: "U1",
            at: Date(timeIntervalSince1970: 1_736_937_000)
        )
        let eventJSON = try WireJSON.json(from: WireEncoder().encode(event), schema: WireSchema.of(CollectionEventRecord.self))
        #expect(eventJSON == #"{"id":"E1","installment":"I-1","action_code":"CALL-1","outcome":"VALIDATED","actor":"U1","at":"2025-01-15T10:30:00Z"}"#)
        let iso = JSONDecoder()
        iso.dateDecodingStrategy = .iso8601
        #expect(try iso.decode(CollectionEventRecord.self, from: Data(eventJSON.utf8)) == event)
    }

    @Test("a JSON-lines row with only the required fields gets the contract's defaults")
    func defaults() throws {
        let json = #"{"id":"A","name":"Boulangerie"}"#
        let bytes = try WireJSON.encode(json: json, schema: WireSchema.of(ClientRecord.self))
        let client = try WireDecoder().decode(ClientRecord.self, from: bytes)
        #expect(client.bookkeepingMode == .firm)
        #expect(client.assignedCollaborators.isEmpty)
        #expect(client.deactivated == false)
        #expect(client == (try JSONDecoder().decode(ClientRecord.self, from: Data(json.utf8))))
    }

    @Test(
        "decoding errors carry what ingestion maps to row reasons: kind and dotted path",
        arguments: [
            (#"[{"id":"I","client":"C","invoice_id":"F","invoice_date":"2025-01-15","amount":1},{"id":"J","invoice_id":"F","invoice_date":"2025-01-15","amount":1}]"#,
             WireError.Code.keyNotFound, "1.client"),  // MISSING_FIELD
            (#"[{"id":"I","client":"C","invoice_id":"F","invoice_date":"2025-01-15","amount":"12"}]"#, .typeMismatch, "0.amount"),  // BAD_TYPE
            (#"[{"id":"I","client":"C","invoice_id":"F","invoice_date":"2025-02-30","amount":1}]"#, .dataCorrupted, "0.invoice_date"),  // BAD_VALUE
        ] as [(String, WireError.Code, String)]
    )
    func ingestionErrors(json: String, code: WireError.Code, path: String) throws {
        // Rows as a JSON-lines client would send them, converted without a schema (strings stay
        // strings), then decoded into records: the decoder reports kind and path.
        let bytes = try WireJSON.encode(json: json, schema: .any)
        do {
            _ = try WireDecoder().decode([InstallmentRecord].self, from: bytes)
            Issue.record("decoded")
        } catch {
            #expect(error.code == code, "\(error)")
            #expect(error.codingPath == path, "\(error)")
        }
    }

    @Test("an unknown enum value is dataCorrupted at its path (BAD_VALUE)")
    func unknownEnum() throws {
        let bytes = try WireJSON.encode(json: #"{"id":"K","kind":"GIFT","client":"C","date":"2025-01-01","amount":1}"#, schema: .any)
        #expect {
            try WireDecoder().decode(CreditDocumentRecord.self, from: bytes)
        } throws: { error in
            let wire = error as? WireError
            return wire?.code == .dataCorrupted && wire?.codingPath == "kind"
        }
        #expect(throws: WireError.self) {
            try WireJSON.encode(json: #"{"id":"K","kind":"GIFT","client":"C","date":"2025-01-01","amount":1}"#, schema: WireSchema.of(CreditDocumentRecord.self))
        }
    }
}
