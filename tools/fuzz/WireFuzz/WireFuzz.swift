// libFuzzer target for the wire decoder, the schema-guided renderer and the JSON parser.
// Built by tools/fuzz/run-wire-fuzz together with the sources of Sources/Wire (one module, no
// `import Wire`), with -sanitize=fuzzer,address. Any trap, sanitizer report or non-WireError
// failure is a finding.

internal import Foundation

struct FuzzPoint: Codable, Hashable {
    var x: Int64
    var y: Int64?
}

enum FuzzColor: String, Codable, CaseIterable {
    case red = "RED"
    case green = "GREEN"
}

struct FuzzRecord: Codable, Hashable {
    var id: String
    var day: CalendarDate
    var at: Date?
    var amount: Int64
    var ratio: Double?
    var color: FuzzColor
    var points: [FuzzPoint]
    var tags: [String: UInt8]
    var blob: Data?
    var children: [FuzzRecord]?
}

struct FuzzFast: Codable, Hashable, WireFastCodable {
    var cents: Int64
    var label: String

    init(cents: Int64, label: String) {
        self.cents = cents
        self.label = label
    }

    func encode(to writer: inout WireWriter) throws(WireError) {
        writer.writeStructHeader(fieldCount: 2)
        writer.writeFieldKey("cents")
        writer.writeInt(self.cents)
        writer.writeFieldKey("label")
        writer.writeString(self.label)
    }

    init(from reader: inout WireReader) throws(WireError) {
        var cents: Int64?
        var label: String?
        try reader.forEachField { (key, reader) throws(WireError) in
            switch key {
            case "cents": cents = try reader.readInt64()
            case "label": label = try reader.readString()
            default: break
            }
        }
        guard let cents, let label else { throw WireError.keyNotFound("cents/label") }
        self.init(cents: cents, label: label)
    }
}

struct FuzzEnvelope: Codable, Hashable {
    var fast: [FuzzFast]
    var record: FuzzRecord?
}

/// Derived once: deriving a schema costs far more than one fuzz input.
let recordSchema = WireSchema.of(FuzzRecord.self)

/// Decodes `bytes` in every way the services do; a successful decode must re-encode and decode
/// to the same value.
func exercise(_ bytes: UnsafeRawBufferPointer) {
    let decoder = WireDecoder()
    if let record = try? decoder.decode(FuzzRecord.self, from: bytes) {
        check(record)
    }
    if let envelope = try? decoder.decode(FuzzEnvelope.self, from: bytes) {
        check(envelope)
    }
    _ = try? decoder.decode([String: [Int64?]].self, from: bytes)
    _ = try? decoder.withReader(over: bytes) { (reader) throws(WireError) in try reader.skipValue() }
    let array = [UInt8](bytes)
    _ = try? WireJSON.json(from: array, schema: recordSchema)
    if let json = try? WireJSON.json(from: array) {
        _ = try? WireJSON.encode(json: json, schema: .any)
    }
    if let text = String(validating: array, as: UTF8.self) {
        _ = try? WireJSON.encode(json: text, schema: recordSchema)
    }
}

func check<T: Codable & Hashable>(_ value: T) {
    guard let bytes = try? WireEncoder().encode(value), let again = try? WireDecoder().decode(T.self, from: bytes) else {
        fatalError("a decoded value failed to re-encode or decode: \(value)")
    }
    // NaN makes Double fields unequal to themselves; compare re-encodings instead.
    guard again == value || (try? WireEncoder().encode(again)) == bytes else {
        fatalError("round trip changed the value: \(value) → \(again)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    exercise(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
