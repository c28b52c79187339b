extension WireSchema {
    /// The smallest valid value of this shape, encoded: `false`, `0`, `""`, empty collections,
    /// 1970-01-01, the first enumeration case, structs with their required fields only.
    /// `reference` and `any` give `null`. Used to build sample values of hand-stated schemas.
    package func sampleBytes() -> [UInt8] {
        var writer = WireWriter(capacity: 32)
        self.writeSample(into: &writer, depth: 0)
        return writer.takeBytes()
    }

    private func writeSample(into writer: inout WireWriter, depth: Int) {
        switch self {
        case .bool: writer.writeBool(false)
        case .int: writer.writeInt(Int64(0))
        case .uint: writer.writeUInt(0)
        case .double: writer.writeDouble(0)
        case .string: writer.writeString("")
        case .bytes: writer.writeBytes([UInt8]())
        case .date: writer.writeDate(CalendarDate(year: 1970, month: 1, day: 1) ?? .min)
        case .instant: writer.writeInstant(microseconds: 0)
        case .optional, .reference, .any: writer.writeNull()
        case .array: writer.writeArrayHeader(count: 0)
        case .map: writer.writeMapHeader(count: 0)
        case .enumeration(_, let cases): writer.writeString(cases.first ?? "")
        case .struct(_, let fields):
            let required = fields.filter { !$0.isOptional }
            guard depth < 32 else {
                writer.writeStructHeader(fieldCount: 0)
                return
            }
            writer.writeStructHeader(fieldCount: required.count)
            for field in required {
                writer.writeFieldKey(field.name)
                field.schema.writeSample(into: &writer, depth: depth + 1)
            }
        }
    }
}
