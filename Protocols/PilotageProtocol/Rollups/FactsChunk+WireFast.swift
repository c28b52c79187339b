internal import Foundation
public import Wire

// The facts stream carries every record of a batch's clients (the whole firm when a batch
// touches every client group): its two message types are written and read by hand instead of
// through Codable, which cost the gateway (encoding) and the worker (decoding) more than the
// records themselves. The bytes are exactly those of the Codable conformances (tests compare
// them with `WireEncoder.encodeWithoutFastPath`).

extension StoredRecord: WireFastCodable {
    /// Writes `kind`, `client` (omitted when `nil`) and `payload`, as the Codable conformance does.
    public func encode(to writer: inout WireWriter) throws(WireError) {
        writer.writeStructHeader(fieldCount: self.client == nil ? 2 : 3)
        writer.writeFieldKey("kind")
        writer.writeString(self.kind.rawValue)
        if let client = self.client {
            writer.writeFieldKey("client")
            writer.writeString(client)
        }
        writer.writeFieldKey("payload")
        writer.writeBytes(self.payload)
    }

    /// Reads the fields in any order; unknown fields are skipped, a `null` client is `nil`.
    public init(from reader: inout WireReader) throws(WireError) {
        var kind: EntityKind?
        var client: String?
        var payload: Data?
        try reader.forEachField { key, reader throws(WireError) in
            switch key {
            case "kind":
                let raw = try reader.readString()
                guard let value = EntityKind(rawValue: raw) else { throw WireError.unknownCase(raw, of: "EntityKind") }
                kind = value
            case "client": client = try reader.readNullIfPresent() ? nil : try reader.readString()
            case "payload": payload = Data(try reader.readBytesNoCopy())
            default: break
            }
        }
        guard let kind else { throw WireError.keyNotFound("kind") }
        guard let payload else { throw WireError.keyNotFound("payload") }
        self.init(kind: kind, client: client, payload: payload)
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
