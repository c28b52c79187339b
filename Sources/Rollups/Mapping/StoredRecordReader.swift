internal import Foundation
public import PilotageProtocol
public import Wire

/// Hand-written readers for the record kinds that make up most of a client's history
/// (documents, installments, credit documents, allocations, collection events): what
/// ``ClientRecordSet/add(kind:payload:decoder:)`` uses instead of the records' `Decodable`
/// conformances, which cost several times more per record (the worker decodes every record of
/// a batch's clients, the whole firm when a batch touches every group).
///
/// Each reader accepts exactly what the record's `Decodable` conformance accepts on the wire
/// (`WIRE.md` §6.7): fields in any order, unknown fields skipped, an absent or `null` optional
/// as `nil` (or its documented default), a `YYYY-MM-DD` string for a date; it refuses what it
/// refuses with the same error codes (`keyNotFound` for an absent required field,
/// `valueNotFound` for a `null` one, `dataCorrupted` for an unknown enumeration value,
/// `duplicateKey`, `trailingBytes`). The tests hold every reader to the Codable decoding.
public enum StoredRecordReader {
    /// A `DocumentRecord` payload.
    public static func document(_ payload: UnsafeRawBufferPointer, decoder: WireDecoder) throws(WireError) -> DocumentRecord {
        try Self.whole(payload, decoder, Self.document)
    }

    /// An `InstallmentRecord` payload.
    public static func installment(_ payload: UnsafeRawBufferPointer, decoder: WireDecoder) throws(WireError) -> InstallmentRecord {
        try Self.whole(payload, decoder, Self.installment)
    }

    /// A `CreditDocumentRecord` payload.
    public static func creditDocument(_ payload: UnsafeRawBufferPointer, decoder: WireDecoder) throws(WireError) -> CreditDocumentRecord {
        try Self.whole(payload, decoder, Self.creditDocument)
    }

    /// An `AllocationRecord` payload.
    public static func allocation(_ payload: UnsafeRawBufferPointer, decoder: WireDecoder) throws(WireError) -> AllocationRecord {
        try Self.whole(payload, decoder, Self.allocation)
    }

    /// A `CollectionEventRecord` payload.
    public static func collectionEvent(_ payload: UnsafeRawBufferPointer, decoder: WireDecoder) throws(WireError) -> CollectionEventRecord {
        try Self.whole(payload, decoder, Self.collectionEvent)
    }

    /// Runs `read` over all of `payload` (the decoder's size limit applies): no byte may follow
    /// the value.
    static func whole<R>(
        _ payload: UnsafeRawBufferPointer,
        _ decoder: WireDecoder,
        _ read: (inout WireReader) throws(WireError) -> R
    ) throws(WireError) -> R {
        try decoder.withReader(over: payload) { (reader) throws(WireError) -> R in
            let value = try read(&reader)
            guard reader.isAtEnd else {
                throw WireError(code: .trailingBytes, message: "\(reader.remainingCount) byte(s) after the value, from byte \(reader.position)")
            }
            return value
        }
    }

    // MARK: - Field helpers

    /// The value of a required field, or `keyNotFound`.
    static func required<V>(_ value: V?, _ key: String) throws(WireError) -> V {
        guard let value else { throw WireError.keyNotFound(key) }
        return value
    }

    /// An optional field's value: `nil` for an explicit `null`.
    static func optional<V>(_ reader: inout WireReader, _ read: (inout WireReader) throws(WireError) -> V) throws(WireError) -> V? {
        if try reader.readNullIfPresent() { return nil }
        return try read(&reader)
    }

    /// A string-valued enumeration.
    static func enumeration<E: RawRepresentable>(_ type: E.Type, _ reader: inout WireReader) throws(WireError) -> E where E.RawValue == String {
        let raw = try reader.readString()
        guard let value = E(rawValue: raw) else { throw WireError.unknownCase(raw, of: "\(E.self)") }
        return value
    }

    // MARK: - Records

    /// `DocumentRecord` (status history, flags and amount optional).
    static func document(_ reader: inout WireReader) throws(WireError) -> DocumentRecord {
        var id: String?
        var client: String?
        var receivedOn: CalendarDate?
        var channel: DocumentChannel?
        var kind: DocumentKind?
        var supplier: String?
        var statusHistory: [DocumentStatusChange]?
        var autoCategorised: Bool?
        var autoPublished: Bool?
        var amount: Int64?
        try reader.forEachField { key, reader throws(WireError) in
            switch key {
            case "id": id = try reader.readString()
            case "client": client = try reader.readString()
            case "received_on": receivedOn = try reader.readDate()
            case "channel": channel = try Self.enumeration(DocumentChannel.self, &reader)
            case "kind": kind = try Self.enumeration(DocumentKind.self, &reader)
            case "supplier": supplier = try Self.optional(&reader) { (reader) throws(WireError) in try reader.readString() }
            case "status_history":
                statusHistory = try Self.optional(&reader) { (reader) throws(WireError) in
                    try reader.readArray { (reader) throws(WireError) in try Self.statusChange(&reader) }
                }
            case "auto_categorised": autoCategorised = try Self.optional(&reader) { (reader) throws(WireError) in try reader.readBool() }
            case "auto_published": autoPublished = try Self.optional(&reader) { (reader) throws(WireError) in try reader.readBool() }
            case "amount": amount = try Self.optional(&reader) { (reader) throws(WireError) in try reader.readInt64() }
            default: break
            }
        }
        return DocumentRecord(
            id: try Self.required(id, "id"),
            client: try Self.required(client, "client"),
            receivedOn: try Self.required(receivedOn, "received_on"),
            channel: try Self.required(channel, "channel"),
            kind: try Self.required(kind, "kind"),
            supplier: supplier,
            statusHistory: statusHistory ?? [],
            autoCategorised: autoCategorised ?? false,
            autoPublished: autoPublished ?? false,
            amount: amount
        )
    }

    /// `DocumentStatusChange` (both fields required).
    static func statusChange(_ reader: inout WireReader) throws(WireError) -> DocumentStatusChange {
        var status: DocumentStatus?
        var on: CalendarDate?
        try reader.forEachField { key, reader throws(WireError) in
            switch key {
            case "status": status = try Self.enumeration(DocumentStatus.self, &reader)
            case "on": on = try reader.readDate()
            default: break
            }
        }
        return DocumentStatusChange(status: try Self.required(status, "status"), on: try Self.required(on, "on"))
    }

    /// `InstallmentRecord` (due date, HT amount, payment mode and opening flag optional).
    static func installment(_ reader: inout WireReader) throws(WireError) -> InstallmentRecord {
        var id: String?
        var client: String?
        var invoiceID: String?
        var invoiceDate: CalendarDate?
        var dueDate: CalendarDate?
        var amount: Int64?
        var amountHT: Int64?
        var paymentMode: String?
        var opening: Bool?
        try reader.forEachField { key, reader throws(WireError) in
            switch key {
            case "id": id = try reader.readString()
            case "client": client = try reader.readString()
            case "invoice_id": invoiceID = try reader.readString()
            case "invoice_date": invoiceDate = try reader.readDate()
            case "due_date": dueDate = try Self.optional(&reader) { (reader) throws(WireError) in try reader.readDate() }
            case "amount": amount = try reader.readInt64()
            case "amount_ht": amountHT = try Self.optional(&reader) { (reader) throws(WireError) in try reader.readInt64() }
            case "payment_mode": paymentMode = try Self.optional(&reader) { (reader) throws(WireError) in try reader.readString() }
            case "opening": opening = try Self.optional(&reader) { (reader) throws(WireError) in try reader.readBool() }
            default: break
            }
        }
        return InstallmentRecord(
            id: try Self.required(id, "id"),
            client: try Self.required(client, "client"),
            invoiceID: try Self.required(invoiceID, "invoice_id"),
            invoiceDate: try Self.required(invoiceDate, "invoice_date"),
            dueDate: dueDate,
            amount: try Self.required(amount, "amount"),
            amountHT: amountHT,
            paymentMode: paymentMode,
            opening: opening
        )
    }

    /// `CreditDocumentRecord` (HT amount and opening flag optional).
    static func creditDocument(_ reader: inout WireReader) throws(WireError) -> CreditDocumentRecord {
        var id: String?
        var kind: CreditDocumentKind?
        var client: String?
        var date: CalendarDate?
        var amount: Int64?
        var amountHT: Int64?
        var opening: Bool?
        try reader.forEachField { key, reader throws(WireError) in
            switch key {
            case "id": id = try reader.readString()
            case "kind": kind = try Self.enumeration(CreditDocumentKind.self, &reader)
            case "client": client = try reader.readString()
            case "date": date = try reader.readDate()
            case "amount": amount = try reader.readInt64()
            case "amount_ht": amountHT = try Self.optional(&reader) { (reader) throws(WireError) in try reader.readInt64() }
            case "opening": opening = try Self.optional(&reader) { (reader) throws(WireError) in try reader.readBool() }
            default: break
            }
        }
        return CreditDocumentRecord(
            id: try Self.required(id, "id"),
            kind: try Self.required(kind, "kind"),
            client: try Self.required(client, "client"),
            date: try Self.required(date, "date"),
            amount: try Self.required(amount, "amount"),
            amountHT: amountHT,
            opening: opening
        )
    }

    /// `AllocationRecord` (target kind defaults to an installment, method to manual).
    static func allocation(_ reader: inout WireReader) throws(WireError) -> AllocationRecord {
        var id: String?
        var source: String?
        var target: String?
        var targetKind: AllocationTargetKind?
        var amount: Int64?
        var recordedOn: CalendarDate?
        var method: AllocationMethod?
        try reader.forEachField { key, reader throws(WireError) in
            switch key {
            case "id": id = try reader.readString()
            case "source": source = try reader.readString()
            case "target": target = try reader.readString()
            case "target_kind": targetKind = try Self.optional(&reader) { (reader) throws(WireError) in try Self.enumeration(AllocationTargetKind.self, &reader) }
            case "amount": amount = try reader.readInt64()
            case "recorded_on": recordedOn = try reader.readDate()
            case "method": method = try Self.optional(&reader) { (reader) throws(WireError) in try Self.enumeration(AllocationMethod.self, &reader) }
            default: break
            }
        }
        return AllocationRecord(
            id: try Self.required(id, "id"),
            source: try Self.required(source, "source"),
            target: try Self.required(target, "target"),
            targetKind: targetKind ?? .installment,
            amount: try Self.required(amount, "amount"),
            recordedOn: try Self.required(recordedOn, "recorded_on"),
            method: method ?? .manual
        )
    }

    /// `CollectionEventRecord` (replacement code and note optional).
    static func collectionEvent(_ reader: inout WireReader) throws(WireError) -> CollectionEventRecord {
        var id: String?
        var installment: String?
        var actionCode: String?
        var outcome: CollectionOutcome?
        var replacementCode: String?
        var actor: String?
        var at: Date?
        var note: String?
        try reader.forEachField { key, reader throws(WireError) in
            switch key {
            case "id": id = try reader.readString()
            case "installment": installment = try reader.readString()
            case "action_code": actionCode = try reader.readString()
            case "outcome": outcome = try Self.enumeration(CollectionOutcome.self, &reader)
            case "replacement_code": replacementCode = try Self.optional(&reader) { (reader) throws(WireError) in try reader.readString() }
            case "actor": actor = try reader.readString()
            case "at": at = try reader.readInstant()
            case "note": note = try Self.optional(&reader) { (reader) throws(WireError) in try reader.readString() }
            default: break
            }
        }
        return CollectionEventRecord(
            id: try Self.required(id, "id"),
            installment: try Self.required(installment, "installment"),
            actionCode: try Self.required(actionCode, "action_code"),
            outcome: try Self.required(outcome, "outcome"),
            replacementCode: replacementCode,
            actor: try Self.required(actor, "actor"),
            at: try Self.required(at, "at"),
            note: note
        )
    }
}
