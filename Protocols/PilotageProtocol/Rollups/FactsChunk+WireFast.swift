internal import Foundation
public import Wire

// The facts stream carries every record of a batch's clients (the whole firm when a batch
// touches every client group): its two message types are written and read by hand instead of
// through Codable, which cost the gateway (encoding) and the worker (decoding) more than the
// records themselves. The bytes are exactly those of the Codable conformances (tests compare
// them with `WireEncoder.encodeWithoutFastPath`).

extension StoredRecord: WireFastCodable {
    /// Writes `kind`, `client`, `payload`, `id`, `first_date` and `removed` (each optional one
    /// omitted when `nil`), as the Codable conformance does.
    public func encode(to writer: inout WireWriter) throws(WireError) {
        let optionals = (self.client == nil ? 0 : 1) + (self.id == nil ? 0 : 1) + (self.firstDate == nil ? 0 : 1) + (self.removed == nil ? 0 : 1)
        writer.writeStructHeader(fieldCount: 2 + optionals)
        writer.writeFieldKey("kind")
        writer.writeString(self.kind.rawValue)
        if let client = self.client {
            writer.writeFieldKey("client")
            writer.writeString(client)
        }
        writer.writeFieldKey("payload")
        writer.writeBytes(self.payload)
        if let id = self.id {
            writer.writeFieldKey("id")
            writer.writeString(id)
        }
        if let firstDate = self.firstDate {
            writer.writeFieldKey("first_date")
            writer.writeDate(firstDate)
        }
        if let removed = self.removed {
            writer.writeFieldKey("removed")
            writer.writeBool(removed)
        }
    }

    /// Reads the fields in any order; unknown fields are skipped, a `null` optional is `nil`.
    public init(from reader: inout WireReader) throws(WireError) {
        var kind: EntityKind?
        var client: String?
        var payload: Data?
        var id: String?
        var firstDate: CalendarDate?
        var removed: Bool?
        try reader.forEachField { key, reader throws(WireError) in
            switch key {
            case "kind":
                let raw = try reader.readString()
                guard let value = EntityKind(rawValue: raw) else { throw WireError.unknownCase(raw, of: "EntityKind") }
                kind = value
            case "client": client = try reader.readNullIfPresent() ? nil : try reader.readString()
            case "payload": payload = Data(try reader.readBytesNoCopy())
            case "id": id = try reader.readNullIfPresent() ? nil : try reader.readString()
            case "first_date": firstDate = try reader.readNullIfPresent() ? nil : try reader.readDate()
            case "removed": removed = try reader.readNullIfPresent() ? nil : try reader.readBool()
            default: break
            }
        }
        guard let kind else { throw WireError.keyNotFound("kind") }
        guard let payload else { throw WireError.keyNotFound("payload") }
        self.init(kind: kind, client: client, payload: payload, id: id, firstDate: firstDate, removed: removed)
    }
}

extension FactsChunk: WireFastCodable {
    /// Writes `header` (omitted when `nil`) and `records`, as the Codable conformance does.
    public func encode(to writer: inout WireWriter) throws(WireError) {
        writer.writeStructHeader(fieldCount: self.header == nil ? 1 : 2)
        if let header = self.header {
            writer.writeFieldKey("header")
            try writer.write(header)
        }
        writer.writeFieldKey("records")
        writer.writeArrayHeader(count: self.records.count)
        for record in self.records {
            try record.encode(to: &writer)
        }
    }

    /// Reads the fields in any order; unknown fields are skipped, a `null` header is `nil`.
    public init(from reader: inout WireReader) throws(WireError) {
        var header: FactsHeader?
        var records: [StoredRecord]?
        try reader.forEachField { key, reader throws(WireError) in
            switch key {
            case "header": header = try reader.readNullIfPresent() ? nil : try reader.read(FactsHeader.self)
            case "records": records = try reader.readArray { (reader) throws(WireError) in try reader.read(StoredRecord.self) }
            default: break
            }
        }
        guard let records else { throw WireError.keyNotFound("records") }
        self.init(header: header, records: records)
    }
}
