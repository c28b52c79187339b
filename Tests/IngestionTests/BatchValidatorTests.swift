import Foundation
import Ingestion
import PilotageProtocol
import Testing
import Wire

/// Builds rows the way a client does: the wire encoding of a record (or of any Codable shape).
private func row(_ record: some IngestibleRecord) throws -> IngestRow {
    IngestRow(kind: type(of: record).entityKind, payload: Data(try WireEncoder().encode(record)))
}

private func row(_ kind: EntityKind, _ value: some Encodable) throws -> IngestRow {
    IngestRow(kind: kind, payload: Data(try WireEncoder().encode(value)))
}

private func day(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(text) else { preconditionFailure("bad test date \(text)") }
    return date
}

private let clientA = ClientRecord(id: "A", name: "Boulangerie Martin", paymentTermsDays: 45)
private func invoice(_ id: String, client: String = "A", amount: Int64 = 120_000, due: CalendarDate? = day("2025-02-14")) -> InstallmentRecord {
    InstallmentRecord(id: id, client: client, invoiceID: "F-\(id)", invoiceDate: day("2025-01-15"), dueDate: due, amount: amount, amountHT: amount * 5 / 6)
}
private func payment(_ id: String, client: String = "A", amount: Int64 = 120_000) -> CreditDocumentRecord {
    CreditDocumentRecord(id: id, kind: .payment, client: client, date: day("2025-02-20"), amount: amount)
}
private func allocation(_ id: String, source: String, target: String, amount: Int64) -> AllocationRecord {
    AllocationRecord(id: id, source: source, target: target, amount: amount, recordedOn: day("2025-02-20"))
}

@Suite("BatchValidator")
struct BatchValidatorTests {
    let validator = BatchValidator()

    @Test("references resolve within the batch whatever the order; owning clients are derived")
    func referencesInBatch() throws {
        let rows = [
            try row(allocation("L1", source: "P1", target: "I1", amount: 100_000)),
            try row(payment("P1")),
            try row(invoice("I1")),
            try row(clientA),
        ]
        let batch = try self.validator.validate(rows, existing: InMemoryRecords())
        #expect(batch.rejections.isEmpty)
        #expect(batch.upserts.map(\.key.id) == ["L1", "P1", "I1", "A"])
        #expect(batch.upserts.allSatisfy { $0.owningClient == "A" })
    }

    @Test("an unresolved reference rejects the row and cascades to rows that needed it")
    func unknownReferenceCascades() throws {
        let rows = [
            try row(invoice("I1", client: "NOPE")),
            try row(payment("P1")),
            try row(clientA),
            try row(allocation("L1", source: "P1", target: "I1", amount: 1)),
        ]
        let batch = try self.validator.validate(rows, existing: InMemoryRecords())
        #expect(batch.rejections.map(\.index) == [0, 3])
        #expect(batch.rejections.allSatisfy { $0.reason == .unknownReference })
        #expect(batch.rejections[0].field == "client")
        #expect(batch.rejections[1].field == "target")
        #expect(batch.upserts.map(\.key.id) == ["P1", "A"])
    }

    @Test("references resolve against stored records")
    func referencesInStore() throws {
        var store = InMemoryRecords()
        store.put(clientA)
        let batch = try self.validator.validate([try row(invoice("I1"))], existing: store)
        #expect(batch.rejections.isEmpty)
        #expect(batch.upserts.count == 1)
    }

    @Test("MISSING_FIELD, BAD_TYPE, BAD_VALUE and TOO_LONG name the field")
    func decodingReasons() throws {
        struct MissingAmount: Encodable { var id = "I9"; var client = "A"; var invoice_id = "F"; var invoice_date = day("2025-01-01") }
        struct TextAmount: Encodable { var id = "I8"; var client = "A"; var invoice_id = "F"; var invoice_date = day("2025-01-01"); var amount = "12,00" }
        struct UnknownKind: Encodable { var id = "K1"; var kind = "GIFT"; var client = "A"; var date = day("2025-01-01"); var amount: Int64 = 1 }
        struct ImpossibleDate: Encodable { var id = "K2"; var kind = "PAYMENT"; var client = "A"; var date = "2025-02-30"; var amount: Int64 = 1 }
        let rows = [
            try row(.installment, MissingAmount()),
            try row(.installment, TextAmount()),
            try row(.creditDocument, UnknownKind()),
            try row(.creditDocument, ImpossibleDate()),
            try row(invoice("I7", amount: -5)),
            try row(ClientRecord(id: String(repeating: "x", count: 129), name: "long id")),
            try row(ClientRecord(id: "B", name: String(repeating: "n", count: 2000))),
            try row(invoice("I6", due: day("1850-01-01"))),
            IngestRow(kind: .client, payload: Data([0xFF, 0x01])),
        ]
        var store = InMemoryRecords()
        store.put(clientA)
        let batch = try self.validator.validate(rows, existing: store)
        let found = batch.rejections.map { "\($0.index) \($0.reason.rawValue) \($0.field ?? "-")" }
        #expect(found == [
            "0 MISSING_FIELD amount",
            "1 BAD_TYPE amount",
            "2 BAD_VALUE kind",
            "3 BAD_VALUE date",
            "4 BAD_VALUE amount",
            "5 TOO_LONG id",
            "6 TOO_LONG name",
            "7 BAD_VALUE due_date",
            "8 BAD_TYPE -",
        ])
        #expect(batch.upserts.isEmpty)
    }

    @Test("identical repeats collapse; the same id with other content is DUPLICATE_IN_BATCH for every occurrence")
    func duplicates() throws {
        var other = clientA
        other.name = "Autre nom"
        let batch = try self.validator.validate(
            [try row(clientA), try row(clientA), try row(payment("P1")), try row(invoice("I1")), try row(invoice("I1", amount: 5))],
            existing: InMemoryRecords()
        )
        #expect(batch.noOps == 1)
        #expect(batch.rejections.map(\.index) == [3, 4])
        #expect(batch.rejections.allSatisfy { $0.reason == .duplicateInBatch })
        #expect(batch.upserts.map(\.key.id) == ["A", "P1"])
    }

    @Test("allocations beyond the installment or the credit amount are CONFLICT, counting stored allocations")
    func allocationConflicts() throws {
        var store = InMemoryRecords()
        store.put(clientA)
        store.put(invoice("I1", amount: 100_000))
        store.put(payment("P1", amount: 150_000))
        store.put(allocation("L1", source: "P1", target: "I1", amount: 60_000))
        let rows = [
            try row(allocation("L2", source: "P1", target: "I1", amount: 40_000)),
            try row(allocation("L3", source: "P1", target: "I1", amount: 1)),
            try row(invoice("I2", amount: 100_000)),
            try row(allocation("L4", source: "P1", target: "I2", amount: 50_001)),
        ]
        let batch = try self.validator.validate(rows, existing: store)
        #expect(batch.rejections.map { "\($0.index) \($0.reason.rawValue)" } == ["1 CONFLICT", "3 CONFLICT"])
        // Replacing the stored allocation by a smaller one frees room.
        let replace = try self.validator.validate(
            [try row(allocation("L1", source: "P1", target: "I1", amount: 10_000)), try row(allocation("L2", source: "P1", target: "I1", amount: 90_000))],
            existing: store
        )
        #expect(replace.rejections.isEmpty)
        // Lowering an installment below what is allocated to it is refused.
        let lower = try self.validator.validate([try row(invoice("I1", amount: 50_000))], existing: store)
        #expect(lower.rejections.map(\.reason) == [.conflict])
    }

    @Test("allocation between two clients is CONFLICT")
    func crossClient() throws {
        var store = InMemoryRecords()
        store.put(clientA)
        store.put(ClientRecord(id: "B", name: "Dupuis"))
        store.put(invoice("I1"))
        store.put(payment("PB", client: "B"))
        let batch = try self.validator.validate([try row(allocation("L1", source: "PB", target: "I1", amount: 1))], existing: store)
        #expect(batch.rejections.first?.reason == .conflict)
    }

    @Test("tombstones delete, are no-ops for unknown ids, and are refused while referenced")
    func tombstones() throws {
        var store = InMemoryRecords()
        store.put(clientA)
        store.put(invoice("I1"))
        let tombstoneI1 = try row(.installment, RecordHeader(id: "I1", deleted: true))
        let tombstoneA = try row(.client, RecordHeader(id: "A", deleted: true))
        let tombstoneUnknown = try row(.client, RecordHeader(id: "ZZ", deleted: true))

        let refused = try self.validator.validate([tombstoneA, tombstoneUnknown], existing: store)
        #expect(refused.rejections.map(\.reason) == [.conflict])
        #expect(refused.noOps == 1)

        let both = try self.validator.validate([tombstoneA, tombstoneI1], existing: store)
        #expect(both.rejections.isEmpty)
        #expect(Set(both.deletions.map(\.key.id)) == ["A", "I1"])

        let referencingDeleted = try self.validator.validate([tombstoneI1, try row(DisputeRecord(id: "D1", installment: "I1", openedOn: day("2025-03-01")))], existing: store)
        #expect(referencingDeleted.rejections.map(\.reason) == [.unknownReference])
    }

    @Test("missing due dates are inferred from client terms, else 30 days, and counted")
    func dueDateInference() throws {
        var store = InMemoryRecords()
        store.put(clientA)
        let batch = try self.validator.validate(
            [try row(invoice("I1", due: nil)), try row(ClientRecord(id: "B", name: "Dupuis")), try row(invoice("I2", client: "B", due: nil))],
            existing: store
        )
        #expect(batch.dueDatesInferred == 2)
        let dueDates = batch.upserts.compactMap { ($0.record as? InstallmentRecord)?.dueDate?.description }
        #expect(dueDates == ["2025-03-01", "2025-02-14"])
        let decoded = try WireDecoder().decode(InstallmentRecord.self, from: batch.upserts[0].payload)
        #expect(decoded.dueDate == day("2025-03-01"))
    }

    @Test("value rules: inverted dates, bad settings, MODIFIED without replacement")
    func valueRules() throws {
        var store = InMemoryRecords()
        store.put(clientA)
        store.put(invoice("I1"))
        store.put(CollaboratorRecord(id: "U1", name: "Agent"))
        let rows = [
            try row(DisputeRecord(id: "D1", installment: "I1", openedOn: day("2025-03-05"), resolvedOn: day("2025-03-01"))),
            try row(FirmSettingsRecord(name: "Cabinet", timeZone: "Mars/Olympus", fiscalYearStartMonth: 1, fiscalYearStartDay: 1)),
            try row(FirmSettingsRecord(name: "Cabinet", timeZone: "Europe/Paris", fiscalYearStartMonth: 2, fiscalYearStartDay: 30)),
            try row(CollectionEventRecord(id: "E1", installment: "I1", actionCode: "CALL", outcome: .modified, actor: "U1", at: Date(timeIntervalSince1970: 1_740_000_000))),
        ]
        let batch = try self.validator.validate(rows, existing: store)
        let found = batch.rejections.map { "\($0.reason.rawValue) \($0.field ?? "-")" }
        // Rows failing a value rule are out before duplicates are looked for: both settings rows report their own field.
        #expect(found == ["BAD_VALUE resolved_on", "BAD_VALUE time_zone", "BAD_VALUE fiscal_year_start_day", "MISSING_FIELD replacement_code"])
        let settings = try self.validator.validate([rows[2]], existing: store)
        #expect(settings.rejections.map { "\($0.reason.rawValue) \($0.field ?? "-")" } == ["BAD_VALUE fiscal_year_start_day"])
        let zone = try self.validator.validate([rows[1]], existing: store)
        #expect(zone.rejections.map { "\($0.reason.rawValue) \($0.field ?? "-")" } == ["BAD_VALUE time_zone"])
    }
}
