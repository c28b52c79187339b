/// The JSON bridge used by the CLI (`pilotage call Service/Method '{json}'`): JSON text to wire
/// bytes guided by a schema, and wire bytes back to JSON text (`WIRE.md` §6.11).
///
/// Mapping: `int`/`uint` ↔ JSON integers (exact, never through `Double`); `double` ↔ numbers
/// (`"NaN"`, `"Infinity"`, `"-Infinity"` as strings); `date` ↔ `"YYYY-MM-DD"`; `instant` ↔
/// RFC 3339 UTC (`"2025-01-15T10:30:00Z"`, fractions to the microsecond); `bytes` ↔ base64;
/// `struct` ↔ object (schema field order on output); `enumeration` ↔ string; optional `nil` ↔
/// member omitted on output, `null` or absent on input; maps with string (or enumeration) keys ↔
/// object, other maps ↔ array of `[key, value]` pairs.
public enum WireJSON {
    /// Converts JSON text to the wire encoding of a value of shape `schema`.
    ///
    /// The JSON is type-checked against the schema: unknown members, missing required members,
    /// wrong kinds, integers out of range, unknown enumeration values and malformed dates are
    /// errors naming the JSON path (`$.rows[3].due_date`). The bytes are those ``WireEncoder``
    /// produces for the same value when the schema's field order is the type's encoding order
    /// (true of schemas derived by ``WireSchema/of(_:)`` from synthesized conformances).
    /// - Throws: ``WireError`` (``WireError/Code/invalidJSON`` for JSON syntax, with line and column).
    public static func encode(json: String, schema: WireSchema, limits: WireLimits = .default) throws -> [UInt8] {
        let value = try JSONParser.parse(json, maxDepth: limits.maxDepth)
        var converter = JSONToWire(limits: limits)
        var writer = WireWriter(capacity: 256, limits: limits)
        try converter.write(value, schema: schema, into: &writer)
        return writer.takeBytes()
    }

    /// Renders wire bytes as JSON, using `schema` for field order, optional omission and map
    /// keys. Values whose tag disagrees with the schema are rendered from their tag (the wire is
    /// self-describing), so a newer peer's message still renders.
    public static func json(from bytes: [UInt8], schema: WireSchema, pretty: Bool = false, limits: WireLimits = .default) throws -> String {
        let value = try WireDecoder(limits: limits).withReader(over: bytes) { (reader) throws(WireError) in
            var converter = WireToJSON()
            let value = try converter.render(&reader, schema: schema)
            guard reader.isAtEnd else {
                throw WireError(code: .trailingBytes, message: "\(reader.remainingCount) byte(s) after the value, from byte \(reader.position)")
            }
            return value
        }
        return JSONPrinter.print(value, pretty: pretty)
    }

    /// Renders wire bytes as JSON from their tags alone (structs in wire order, nulls kept).
    public static func json(from bytes: [UInt8], pretty: Bool = false, limits: WireLimits = .default) throws -> String {
        try Self.json(from: bytes, schema: .any, pretty: pretty, limits: limits)
    }
}
