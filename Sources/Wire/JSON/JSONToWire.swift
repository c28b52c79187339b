internal import Foundation

/// Writes a parsed JSON value as wire bytes, guided by a schema (see ``WireJSON``).
struct JSONToWire {
    let limits: WireLimits
    /// JSON path of the value being converted.
    private var path: [WireCodingPathComponent] = []
    /// Enclosing struct schemas, to resolve `reference`.
    private var structs: [WireSchema] = []

    init(limits: WireLimits) {
        self.limits = limits
    }

    /// `$.rows[3].due_date`
    private var jsonPath: String {
        var text = "$"
        for component in self.path {
            switch component {
            case .index(let index): text += "[\(index)]"
            case .key(let key): text += "." + key.stringValue
            case .name(let name): text += "." + name
            }
        }
        return text
    }

    /// Errors of the bridge carry the JSON path (`$.rows[3].due_date`) as their coding path.
    private func error(_ code: WireError.Code, _ message: String) -> WireError {
        WireError(code: code, message: message, codingPath: self.jsonPath)
    }

    private func mismatch(_ expected: String, _ value: JSONValue) -> WireError {
        self.error(.typeMismatch, "expected \(expected), found \(value.kindDescription)")
    }

    mutating func write(_ value: JSONValue, schema: WireSchema, into writer: inout WireWriter) throws(WireError) {
        guard self.path.count < self.limits.maxDepth else {
            throw self.error(.depthExceeded, "values nested deeper than \(self.limits.maxDepth)")
        }
        switch schema {
        case .optional(let wrapped):
            if case .null = value {
                writer.writeNull()
            } else {
                try self.write(value, schema: wrapped, into: &writer)
            }
        case .reference(let name):
            guard let target = self.structs.last(where: { $0.name == name }) else {
                throw self.error(.dataCorrupted, "schema reference \(name) has no enclosing struct of that name")
            }
            try self.write(value, schema: target, into: &writer)
        case .bool:
            guard case .bool(let flag) = value else { throw self.mismatch("a Boolean", value) }
            writer.writeBool(flag)
        case .int:
            guard case .number(let number) = value else { throw self.mismatch("an integer", value) }
            guard number.isInteger else { throw self.error(.typeMismatch, "expected an integer, found \(number)") }
            guard let int = number.int64 else { throw self.error(.valueOutOfRange, "\(number) does not fit in a 64-bit signed integer") }
            writer.writeInt(int)
        case .uint:
            guard case .number(let number) = value else { throw self.mismatch("an unsigned integer", value) }
            guard number.isInteger else { throw self.error(.typeMismatch, "expected an integer, found \(number)") }
            guard let uint = number.uint64 else { throw self.error(.valueOutOfRange, "\(number) does not fit in a 64-bit unsigned integer") }
            writer.writeUInt(uint)
        case .double:
            try self.writeDouble(value, into: &writer)
        case .string:
            guard case .string(let string) = value else { throw self.mismatch("a string", value) }
            try self.checkLength(string.utf8.count)
            writer.writeString(string)
        case .bytes:
            guard case .string(let string) = value else { throw self.mismatch("a base64 string", value) }
            guard let data = Data(base64Encoded: string) else { throw self.error(.dataCorrupted, "invalid base64") }
            try self.checkLength(data.count)
            writer.writeBytes(data)
        case .date:
            guard case .string(let string) = value else { throw self.mismatch("a date string YYYY-MM-DD", value) }
            guard let date = CalendarDate(string) else {
                throw self.error(.dataCorrupted, "expected a date YYYY-MM-DD, found \"\(string.prefix(40))\"")
            }
            writer.writeDate(date)
        case .instant:
            guard case .string(let string) = value else { throw self.mismatch("an RFC 3339 instant string", value) }
            guard let micros = WireInstant.parseRFC3339(string) else {
                throw self.error(.dataCorrupted, "expected an RFC 3339 instant like 2025-01-15T10:30:00Z, found \"\(string.prefix(40))\"")
            }
            writer.writeInstant(microseconds: micros)
        case .enumeration(let name, let cases):
            guard case .string(let string) = value else { throw self.mismatch("a string (\(name))", value) }
            guard cases.contains(string) else {
                let listed = cases.prefix(20).joined(separator: ", ") + (cases.count > 20 ? ", …" : "")
                throw self.error(.dataCorrupted, "unknown \(name) value \"\(string.prefix(40))\"; expected one of \(listed)")
            }
            writer.writeString(string)
        case .array(let element):
            guard case .array(let elements) = value else { throw self.mismatch("an array", value) }
            try self.checkCount(elements.count)
            writer.writeArrayHeader(count: elements.count)
            for (index, item) in elements.enumerated() {
                self.path.append(.index(index))
                try self.write(item, schema: element, into: &writer)
                self.path.removeLast()
            }
        case .map(let key, let valueSchema):
            try self.writeMap(value, key: key, value: valueSchema, into: &writer)
        case .struct(let name, let fields):
            try self.writeStruct(value, schema: schema, name: name, fields: fields, into: &writer)
        case .any:
            try self.writeAny(value, into: &writer)
        }
    }

    private func checkCount(_ count: Int) throws(WireError) {
        guard count <= self.limits.maxCollectionCount else {
            throw self.error(.limitExceeded, "\(count) elements is above the limit \(self.limits.maxCollectionCount)")
        }
    }

    private func checkLength(_ length: Int) throws(WireError) {
        guard length <= self.limits.maxStringLength else {
            throw self.error(.limitExceeded, "\(length) bytes is above the limit \(self.limits.maxStringLength)")
        }
    }

    private func writeDouble(_ value: JSONValue, into writer: inout WireWriter) throws(WireError) {
        switch value {
        case .number(let number):
            guard let double = number.double, double.isFinite else {
                throw self.error(.valueOutOfRange, "\(number) is beyond the range of a 64-bit float")
            }
            writer.writeDouble(double)
        case .string("NaN"): writer.writeDouble(.nan)
        case .string("Infinity"): writer.writeDouble(.infinity)
        case .string("-Infinity"): writer.writeDouble(-.infinity)
        default: throw self.mismatch("a number", value)
        }
    }

    private mutating func writeStruct(
        _ value: JSONValue,
        schema: WireSchema,
        name: String,
        fields: [WireSchema.Field],
        into writer: inout WireWriter
    ) throws(WireError) {
        guard case .object(let members) = value else { throw self.mismatch("an object (\(name))", value) }
        var byKey: [String: JSONValue] = [:]
        for member in members {
            guard fields.contains(where: { $0.name == member.key }) else {
                let known = fields.map(\.name).joined(separator: ", ")
                throw self.error(.dataCorrupted, "unknown field \"\(member.key.prefix(40))\" for \(name) (fields: \(known))")
            }
            byKey[member.key] = member.value
        }
        var present: [(field: WireSchema.Field, value: JSONValue)] = []
        for field in fields {
            let member = byKey[field.name]
            switch member {
            case nil, .null?:
                if field.isOptional { continue }
                if case .optional = field.schema, member != nil {
                    present.append((field, .null))
                    continue
                }
                self.path.append(.name(field.name))
                defer { self.path.removeLast() }
                if member == nil {
                    throw self.error(.keyNotFound, "required field \"\(field.name)\" of \(name) is absent")
                }
                throw self.error(.valueNotFound, "required field \"\(field.name)\" of \(name) is null")
            case .some(let member):
                present.append((field, member))
            }
        }
        self.structs.append(schema)
        defer { self.structs.removeLast() }
        writer.writeStructHeader(fieldCount: present.count)
        for (field, member) in present {
            writer.writeFieldKey(field.name)
            self.path.append(.name(field.name))
            try self.write(member, schema: field.schema, into: &writer)
            self.path.removeLast()
        }
    }

    private mutating func writeMap(_ value: JSONValue, key: WireSchema, value valueSchema: WireSchema, into writer: inout WireWriter) throws(WireError) {
        var entries: [(key: [UInt8], entry: [UInt8])] = []
        var keyWriter = WireWriter(capacity: 32, limits: self.limits)
        var entryWriter = WireWriter(capacity: 64, limits: self.limits)
        func add(_ keyValue: JSONValue, _ item: JSONValue, label: String, into converter: inout JSONToWire) throws(WireError) {
            keyWriter.truncate(to: 0)
            entryWriter.truncate(to: 0)
            converter.path.append(.name(label))
            defer { converter.path.removeLast() }
            try converter.write(keyValue, schema: key, into: &keyWriter)
            entryWriter.appendRaw(contentsOf: keyWriter.bytes)
            try converter.write(item, schema: valueSchema, into: &entryWriter)
            entries.append((keyWriter.bytes, entryWriter.bytes))
        }
        if Self.hasStringKeys(key, structs: self.structs) {
            guard case .object(let members) = value else { throw self.mismatch("an object (map with string keys)", value) }
            try self.checkCount(members.count)
            for member in members {
                try add(.string(member.key), member.value, label: member.key, into: &self)
            }
        } else {
            guard case .array(let pairs) = value else { throw self.mismatch("an array of [key, value] pairs", value) }
            try self.checkCount(pairs.count)
            for (index, pair) in pairs.enumerated() {
                guard case .array(let items) = pair, items.count == 2 else {
                    self.path.append(.index(index))
                    defer { self.path.removeLast() }
                    throw self.mismatch("a [key, value] pair", pair)
                }
                try add(items[0], items[1], label: String(index), into: &self)
            }
        }
        entries.sort { $0.key.lexicographicallyPrecedes($1.key) }
        for index in entries.indices.dropFirst() where entries[index].key == entries[index - 1].key {
            throw self.error(.duplicateKey, "two map entries have the same key")
        }
        writer.writeMapHeader(count: entries.count)
        for entry in entries {
            writer.appendRaw(contentsOf: entry.entry)
        }
    }

    /// `true` when map keys of this shape are JSON object member names.
    static func hasStringKeys(_ key: WireSchema, structs: [WireSchema]) -> Bool {
        switch key {
        case .string, .enumeration: true
        case .optional(let wrapped): Self.hasStringKeys(wrapped, structs: structs)
        default: false
        }
    }

    /// Generic mapping for `any`: objects become structs (member order), integers `int` (or
    /// `uint` above Int64), other numbers `float64`.
    private mutating func writeAny(_ value: JSONValue, into writer: inout WireWriter) throws(WireError) {
        switch value {
        case .null: writer.writeNull()
        case .bool(let flag): writer.writeBool(flag)
        case .number(let number):
            if let int = number.int64 {
                writer.writeInt(int)
            } else if let uint = number.uint64 {
                writer.writeUInt(uint)
            } else {
                try self.writeDouble(value, into: &writer)
            }
        case .string(let string):
            try self.checkLength(string.utf8.count)
            writer.writeString(string)
        case .array(let elements):
            try self.checkCount(elements.count)
            writer.writeArrayHeader(count: elements.count)
            for (index, element) in elements.enumerated() {
                self.path.append(.index(index))
                try self.write(element, schema: .any, into: &writer)
                self.path.removeLast()
            }
        case .object(let members):
            try self.checkCount(members.count)
            writer.writeStructHeader(fieldCount: members.count)
            for member in members {
                writer.writeFieldKey(member.key)
                self.path.append(.name(member.key))
                try self.write(member.value, schema: .any, into: &writer)
                self.path.removeLast()
            }
        }
    }
}
