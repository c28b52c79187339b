internal import Foundation
internal import Imports
internal import PilotageProtocol
internal import Rollups
internal import Testing
internal import Wire

/// The outcome of a decoding: the value, or the error code.
enum Decoded: Equatable {
    case value(AnyHashable)
    case failure(WireError.Code)
}

/// One fast reader and the `Decodable` conformance it replaces.
struct ReaderCase: Sendable, CustomTestStringConvertible {
    var kind: EntityKind
    var fast: @Sendable (UnsafeRawBufferPointer, WireDecoder) throws(WireError) -> AnyHashable
    var codable: @Sendable ([UInt8]) throws(WireError) -> AnyHashable
    /// Records with every optional field set, and with none.
    var samples: [any IngestibleRecord]

    var testDescription: String { self.kind.rawValue }

    func fastDecoded(_ bytes: [UInt8]) -> Decoded {
        do {
            return .value(try bytes.withUnsafeBytes { buffer in try self.fast(buffer, WireDecoder()) })
        } catch let error as WireError {
            return .failure(error.code)
        } catch {
            Issue.record("not a WireError: \(error)")
            return .failure(.invalidValue)
        }
    }

    func codableDecoded(_ bytes: [UInt8]) -> Decoded {
        do {
            return .value(try self.codable(bytes))
        } catch {
            return .failure(error.code)
        }
    }

    static func make<R: IngestibleRecord & Hashable>(
        _ type: R.Type,
        _ fast: @escaping @Sendable (UnsafeRawBufferPointer, WireDecoder) throws(WireError) -> R,
        _ samples: [R]
    ) -> ReaderCase {
        ReaderCase(
            kind: R.entityKind,
            fast: { (buffer, decoder) throws(WireError) in AnyHashable(try fast(buffer, decoder)) },
            codable: { (bytes) throws(WireError) in AnyHashable(try WireDecoder().decodeWithoutFastPath(R.self, from: bytes)) },
            samples: samples
        )
    }
}

private let day = CalendarDate(year: 2025, month: 6, day: 30) ?? .min

let readerCases: [ReaderCase] = [
    .make(
        DocumentRecord.self, StoredRecordReader.document,
        [
            DocumentRecord(
                id: "D1", client: "A", receivedOn: day, channel: .upload, kind: .sale, supplier: "EDF",
                statusHistory: [DocumentStatusChange(status: .toReview, on: day), DocumentStatusChange(status: .published, on: day.advanced(by: 2))],
                autoCategorised: true, autoPublished: true, amount: -12_345
            ),
            DocumentRecord(id: "D2", client: "A", receivedOn: day, channel: .email, kind: .cost),
        ]
    ),
    .make(
        InstallmentRecord.self, StoredRecordReader.installment,
        [
            InstallmentRecord(
                id: "I1", client: "A", invoiceID: "F1", invoiceDate: day, dueDate: day.advanced(by: 30), amount: 120_000,
                amountHT: 100_000, paymentMode: "SEPA", opening: true
            ),
            InstallmentRecord(id: "I2", client: "A", invoiceID: "F2", invoiceDate: day, amount: 5),
        ]
    ),
    .make(
        CreditDocumentRecord.self, StoredRecordReader.creditDocument,
        [
            CreditDocumentRecord(id: "C1", kind: .creditNote, client: "A", date: day, amount: 1_200, amountHT: 1_000, opening: false),
            CreditDocumentRecord(id: "C2", kind: .payment, client: "A", date: day, amount: 7),
        ]
    ),
    .make(
        AllocationRecord.self, StoredRecordReader.allocation,
        [
            AllocationRecord(id: "L1", source: "C1", target: "R1", targetKind: .debitDocument, amount: 3, recordedOn: day, method: .auto),
            AllocationRecord(id: "L2", source: "C2", target: "I2", amount: 4, recordedOn: day),
        ]
    ),
    .make(
        CollectionEventRecord.self, StoredRecordReader.collectionEvent,
        [
            CollectionEventRecord(
                id: "E1", installment: "I1", actionCode: "CALL", outcome: .modified, replacementCode: "MAIL", actor: "marie",
                at: Date(timeIntervalSince1970: 1_751_273_200.123456), note: "promised Friday"
            ),
            CollectionEventRecord(id: "E2", installment: "I2", actionCode: "MAIL", outcome: .validated, actor: "paul", at: Date(timeIntervalSince1970: 0)),
        ]
    ),
]

/// A struct's fields as (key, encoded value) pairs, in order.
func fields(of bytes: [UInt8]) throws -> [(key: String, value: [UInt8])] {
    var result: [(key: String, value: [UInt8])] = []
    try WireDecoder().withReader(over: bytes) { (reader) throws(WireError) in
        try reader.forEachField { key, reader throws(WireError) in
            let start = reader.position
            try reader.skipValue()
            result.append((key.stringValue, Array(bytes[start..<reader.position])))
        }
    }
    return result
}

/// A struct made of `fields` (keys and encoded values), as `WIRE.md` §6.7 writes it.
func structBytes(_ fields: [(key: String, value: [UInt8])]) -> [UInt8] {
    var writer = WireWriter()
    writer.writeStructHeader(fieldCount: fields.count)
    var bytes = writer.takeBytes()
    for field in fields {
        var key = WireWriter()
        key.writeFieldKey(field.key)
        bytes += key.takeBytes() + field.value
    }
    return bytes
}

func encoded(_ body: (inout WireWriter) -> Void) -> [UInt8] {
    var writer = WireWriter()
    body(&writer)
    return writer.takeBytes()
}

@Suite("StoredRecordReader accepts and refuses exactly what the records' Decodable conformances do")
struct StoredRecordReaderTests {
    @Test("every generated record of the kind decodes to the Codable value", arguments: readerCases)
    func generatedRecords(_ readerCase: ReaderCase) throws {
        var parameters = DemoFirmParameters(size: .small, today: day, seed: 5)
        (parameters.clients, parameters.documents, parameters.installments, parameters.deals) = (10, 400, 150, 2)
        var checked = 0
        for batch in try DemoFirmGenerator(parameters: parameters) {
            for record in batch.records where type(of: record).entityKind == readerCase.kind {
                let bytes = try WireEncoder().encode(record)
                #expect(readerCase.fastDecoded(bytes) == readerCase.codableDecoded(bytes))
                #expect(readerCase.fastDecoded(bytes) == .value(AnyHashable(record)))
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    @Test(
        "reordered, unknown, absent, null, duplicated, retyped and restrung fields, and trailing bytes: same value or same error code",
        arguments: readerCases
    )
    func variations(_ readerCase: ReaderCase) throws {
        let string = encoded { $0.writeString("???") }
        let integer = encoded { $0.writeInt(Int64(3)) }
        let null: [UInt8] = [WireTag.null.rawValue]
        var variants = 0
        for sample in readerCase.samples {
            let canonical = try WireEncoder().encode(sample)
            let original = try fields(of: canonical)
            #expect(readerCase.fastDecoded(canonical) == .value(AnyHashable(sample)))
            var payloads: [[UInt8]] = [
                structBytes(original.reversed()),
                structBytes(original + [("extra", structBytes([("nested", integer)]))]),
                structBytes([("extra", null)] + original),
                canonical + [0],
                Array(canonical.dropLast()),
            ]
            for index in original.indices {
                var without = original
                without.remove(at: index)
                payloads.append(structBytes(without))
                for replacement in [null, string, integer] {
                    var changed = original
                    changed[index].value = replacement
                    payloads.append(structBytes(changed))
                }
                payloads.append(structBytes(original + [original[index]]))
                if original[index].value.first == WireTag.date.rawValue {
                    var restrung = original
                    let date = try WireDecoder().decode(CalendarDate.self, from: original[index].value)
                    restrung[index].value = encoded { $0.writeString("\(date)") }
                    payloads.append(structBytes(restrung))
                    restrung[index].value = encoded { $0.writeString("2025-02-30") }
                    payloads.append(structBytes(restrung))
                }
            }
            for payload in payloads {
                #expect(readerCase.fastDecoded(payload) == readerCase.codableDecoded(payload), "\(payload)")
                variants += 1
            }
        }
        #expect(variants > 20)
    }
}

@Suite("The facts stream's messages: hand-written coding, Codable bytes")
struct FactsChunkCodingTests {
    static let header = FactsHeader(
        settings: nil, today: day, firstDataDate: day.advanced(by: -400), through: day, settingsFingerprint: "fp", clientCount: 2,
        groups: [GroupMembers(groupID: 3, clients: ["A", "B"])], recordsAsOf: RecordsVersion(sequence: 7, committedAt: "2025-06-30T10:00:00.000Z"),
        changedOnly: ["B"]
    )

    @Test("bytes equal the Codable encoding and decode back, with and without header and clients", arguments: [false, true])
    func roundTrip(withHeader: Bool) throws {
        let chunk = FactsChunk(
            header: withHeader ? Self.header : nil,
            records: [
                StoredRecord(kind: .installment, client: "A", payload: Data([1, 2, 3])),
                StoredRecord(kind: .deal, client: nil, payload: Data()),
                StoredRecord(kind: .document, client: "B", payload: Data(repeating: 0xAB, count: 300)),
                StoredRecord(kind: .document, client: "B", payload: Data([4]), id: "D-é", firstDate: day.advanced(by: -3)),
                StoredRecord(kind: .document, client: "B", payload: Data(), id: "D-2", removed: true),
            ]
        )
        let fast = try WireEncoder().encode(chunk)
        #expect(fast == (try WireEncoder().encodeWithoutFastPath(chunk)))
        #expect(try WireDecoder().decode(FactsChunk.self, from: fast) == chunk)
        #expect(try WireDecoder().decodeWithoutFastPath(FactsChunk.self, from: fast) == chunk)
        #expect(try WireDecoder().decode(FactsChunk.self, from: WireEncoder().encode(FactsChunk())) == FactsChunk())
    }

    @Test("the decoders agree on reordered, unknown, null and missing fields and unknown kinds")
    func variations() throws {
        let record = try WireEncoder().encode(StoredRecord(kind: .installment, client: "A", payload: Data([9]), id: "I", firstDate: day, removed: false))
        let recordFields = try fields(of: record)
        let kindString = encoded { $0.writeString("nope") }
        let null: [UInt8] = [WireTag.null.rawValue]
        var records: [[UInt8]] = [structBytes(recordFields.reversed()), structBytes(recordFields + [("x", null)])]
        for index in recordFields.indices {
            var without = recordFields
            without.remove(at: index)
            records.append(structBytes(without))
            var nulled = recordFields
            nulled[index].value = null
            records.append(structBytes(nulled))
        }
        var unknownKind = recordFields
        unknownKind[0].value = kindString
        records.append(structBytes(unknownKind))
        func outcome(_ body: () throws(WireError) -> StoredRecord) -> Decoded {
            do { return .value(AnyHashable(try body())) } catch { return .failure(error.code) }
        }
        for bytes in records {
            #expect(
                outcome { () throws(WireError) in try WireDecoder().decode(StoredRecord.self, from: bytes) }
                    == outcome { () throws(WireError) in try WireDecoder().decodeWithoutFastPath(StoredRecord.self, from: bytes) }
            )
        }
        let arrayOfOne = encoded { $0.writeArrayHeader(count: 1) } + record
        for chunkFields in [[("records", arrayOfOne)], [("records", arrayOfOne), ("header", null)], [("other", null)]] as [[(key: String, value: [UInt8])]] {
            let bytes = structBytes(chunkFields)
            func chunkOutcome(_ body: () throws(WireError) -> FactsChunk) -> Decoded {
                do { return .value(AnyHashable(try body())) } catch { return .failure(error.code) }
            }
            #expect(
                chunkOutcome { () throws(WireError) in try WireDecoder().decode(FactsChunk.self, from: bytes) }
                    == chunkOutcome { () throws(WireError) in try WireDecoder().decodeWithoutFastPath(FactsChunk.self, from: bytes) }
            )
        }
    }
}
