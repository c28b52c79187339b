public import Wire

// Hand-written Wire encodings of the dashboard leaf values (`Wire.WireFastCodable`): a level-1
// receivables reply carries about two thousand of them, and the generic Codable path spent more
// time on them than the rollup read. The bytes are exactly those of the synthesized Codable
// conformances (field names in declaration order, `nil` optionals omitted); the tests compare
// them with `WireEncoder.encodeWithoutFastPath(_:)`.

extension DashboardValue: WireFastCodable {
    /// Writes the value as its Codable conformance would.
    public func encode(to writer: inout WireWriter) throws(WireError) {
        let count = 2 + [self.value == nil, self.exact == nil, self.reason == nil, self.flags == nil].filter { !$0 }.count
        writer.writeStructHeader(fieldCount: count)
        if let value = self.value {
            writer.writeFieldKey("value")
            writer.writeString(value)
        }
        if let exact = self.exact {
            writer.writeFieldKey("exact")
            writer.writeString(exact)
        }
        writer.writeFieldKey("decimals")
        writer.writeInt(self.decimals)
        writer.writeFieldKey("unit")
        writer.writeString(self.unit)
        if let reason = self.reason {
            writer.writeFieldKey("reason")
            writer.writeString(reason)
        }
        if let flags = self.flags {
            writer.writeFieldKey("flags")
            writer.writeArrayHeader(count: flags.count)
            for flag in flags { writer.writeString(flag) }
        }
    }

    /// Reads the value as its Codable conformance would (fields in any order, unknown ones
    /// skipped, absent or null optionals `nil`).
    public init(from reader: inout WireReader) throws(WireError) {
        var value: String?
        var exact: String?
        var decimals: Int?
        var unit: String?
        var reason: String?
        var flags: [String]?
        try reader.forEachField { (key, reader) throws(WireError) in
            switch key {
            case "value": value = try reader.readNullIfPresent() ? nil : try reader.readString()
            case "exact": exact = try reader.readNullIfPresent() ? nil : try reader.readString()
            case "decimals": decimals = try reader.readInt()
            case "unit": unit = try reader.readString()
            case "reason": reason = try reader.readNullIfPresent() ? nil : try reader.readString()
            case "flags":
                flags = try reader.readNullIfPresent() ? nil : try reader.readArray { (reader) throws(WireError) in try reader.readString() }
            default: break
            }
        }
        guard let decimals else { throw WireError.keyNotFound("decimals") }
        guard let unit else { throw WireError.keyNotFound("unit") }
        self.init(value: value, exact: exact, decimals: decimals, unit: unit, reason: reason, flags: flags)
    }
}

extension NamedValue: WireFastCodable {
    /// Writes the value as its Codable conformance would.
    public func encode(to writer: inout WireWriter) throws(WireError) {
        writer.writeStructHeader(fieldCount: 2)
        writer.writeFieldKey("name")
        writer.writeString(self.name)
        writer.writeFieldKey("value")
        try writer.write(self.value)
    }

    /// Reads the value as its Codable conformance would.
    public init(from reader: inout WireReader) throws(WireError) {
        var name: String?
        var value: DashboardValue?
        try reader.forEachField { (key, reader) throws(WireError) in
            switch key {
            case "name": name = try reader.readString()
            case "value": value = try reader.read(DashboardValue.self)
            default: break
            }
        }
        guard let name else { throw WireError.keyNotFound("name") }
        guard let value else { throw WireError.keyNotFound("value") }
        self.init(name: name, value: value)
    }
}

extension DatedValue: WireFastCodable {
    /// Writes the value as its Codable conformance would.
    public func encode(to writer: inout WireWriter) throws(WireError) {
        writer.writeStructHeader(fieldCount: 2)
        writer.writeFieldKey("date")
        try writer.write(self.date)
        writer.writeFieldKey("value")
        try writer.write(self.value)
    }

    /// Reads the value as its Codable conformance would.
    public init(from reader: inout WireReader) throws(WireError) {
        var date: CalendarDate?
        var value: DashboardValue?
        try reader.forEachField { (key, reader) throws(WireError) in
            switch key {
            case "date": date = try reader.read(CalendarDate.self)
            case "value": value = try reader.read(DashboardValue.self)
            default: break
            }
        }
        guard let date else { throw WireError.keyNotFound("date") }
        guard let value else { throw WireError.keyNotFound("value") }
        self.init(date: date, value: value)
    }
}

extension TeamMemberMessage: WireFastCodable {
    /// Writes the line as its Codable conformance would.
    public func encode(to writer: inout WireWriter) throws(WireError) {
        try BreakdownLineCoding.encode(
            ("collaborator", self.collaborator),
            ("name", self.name),
            clients: self.clients,
            ("values", self.values),
            into: &writer
        )
    }

    /// Reads the line as its Codable conformance would.
    public init(from reader: inout WireReader) throws(WireError) {
        let line = try BreakdownLineCoding.decode(&reader, "collaborator", "name", "values")
        self.init(collaborator: line.first, name: line.second, clients: line.clients, values: line.values)
    }
}

extension AxisAgedMessage: WireFastCodable {
    /// Writes the line as its Codable conformance would.
    public func encode(to writer: inout WireWriter) throws(WireError) {
        try BreakdownLineCoding.encode(("axis", self.axis), ("key", self.key), clients: self.clients, ("aged", self.aged), into: &writer)
    }

    /// Reads the line as its Codable conformance would.
    public init(from reader: inout WireReader) throws(WireError) {
        let line = try BreakdownLineCoding.decode(&reader, "axis", "key", "aged")
        self.init(axis: line.first, key: line.second, clients: line.clients, aged: line.values)
    }
}

/// The shape the level-1 breakdown lines share (a few hundred per firm-wide answer): two strings,
/// a number of clients and named values, in that declaration order.
enum BreakdownLineCoding {
    /// The fields of a line, read.
    struct Line {
        var first: String
        var second: String
        var clients: Int
        var values: [NamedValue]
    }

    static func encode(
        _ first: (key: StaticString, value: String),
        _ second: (key: StaticString, value: String),
        clients: Int,
        _ values: (key: StaticString, value: [NamedValue]),
        into writer: inout WireWriter
    ) throws(WireError) {
        writer.writeStructHeader(fieldCount: 4)
        writer.writeFieldKey(first.key)
        writer.writeString(first.value)
        writer.writeFieldKey(second.key)
        writer.writeString(second.value)
        writer.writeFieldKey("clients")
        writer.writeInt(clients)
        writer.writeFieldKey(values.key)
        writer.writeArrayHeader(count: values.value.count)
        for value in values.value { try writer.write(value) }
    }

    static func decode(
        _ reader: inout WireReader,
        _ firstKey: StaticString,
        _ secondKey: StaticString,
        _ valuesKey: StaticString
    ) throws(WireError) -> Line {
        var first: String?
        var second: String?
        var clients: Int?
        var values: [NamedValue]?
        try reader.forEachField { (key, reader) throws(WireError) in
            if key == firstKey {
                first = try reader.readString()
            } else if key == secondKey {
                second = try reader.readString()
            } else if key == "clients" {
                clients = try reader.readInt()
            } else if key == valuesKey {
                values = try reader.readArray { (reader) throws(WireError) in try reader.read(NamedValue.self) }
            }
        }
        guard let first else { throw WireError.keyNotFound("\(firstKey)") }
        guard let second else { throw WireError.keyNotFound("\(secondKey)") }
        guard let clients else { throw WireError.keyNotFound("clients") }
        guard let values else { throw WireError.keyNotFound("\(valuesKey)") }
        return Line(first: first, second: second, clients: clients, values: values)
    }
}
