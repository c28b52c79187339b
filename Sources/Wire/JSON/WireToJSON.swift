internal import Foundation

/// Renders wire values as ``JSONValue``s, guided by a schema where it agrees with the tags.
struct WireToJSON {
    /// Enclosing struct schemas, to resolve `reference`.
    private var structs: [WireSchema] = []
    private var depth = 0

    mutating func render(_ reader: inout WireReader, schema: WireSchema) throws(WireError) -> JSONValue {
        var schema = schema
        // Unwrap optionals and references to the shape that applies to a non-null value.
        for _ in 0..<8 {
            if case .optional(let wrapped) = schema {
                schema = wrapped
            } else if case .reference(let name) = schema {
                schema = self.structs.last(where: { $0.name == name }) ?? .any
            } else {
                break
            }
        }
        let start = reader.position
        let tag = try reader.peekTag()
        switch tag.rawValue {
        case WireTag.null.rawValue:
            try reader.readNull()
            return .null
        case WireTag.false.rawValue, WireTag.true.rawValue:
            return .bool(try reader.readBool())
        case WireTag.int.rawValue:
            return .number(JSONNumber(try reader.readInt64()))
        case WireTag.uint.rawValue:
            return .number(JSONNumber(try reader.readUInt64()))
        case WireTag.float64.rawValue:
            let double = try reader.readDouble()
            if double.isNaN { return .string("NaN") }
            if double.isInfinite { return .string(double > 0 ? "Infinity" : "-Infinity") }
            return .number(JSONNumber(double))
        case WireTag.string.rawValue:
            return .string(try reader.readString())
        case WireTag.bytes.rawValue:
            return .string(Data(try reader.readBytesNoCopy()).base64EncodedString())
        case WireTag.date.rawValue:
            return .string(try reader.readDate().description)
        case WireTag.instant.rawValue:
            return .string(WireInstant.rfc3339(microseconds: try reader.readInstantMicroseconds()))
        case WireTag.array.rawValue:
            try self.enter(at: start, limits: reader.limits)
            defer { self.depth -= 1 }
            let element: WireSchema = if case .array(let element) = schema { element } else { .any }
            let count = try reader.readArrayHeader()
            var elements: [JSONValue] = []
            elements.reserveCapacity(Swift.min(count, 4096))
            for index in 0..<count {
                do {
                    elements.append(try self.render(&reader, schema: element))
                } catch {
                    throw error.prefixingPath(String(index))
                }
            }
            return .array(elements)
        case WireTag.map.rawValue:
            try self.enter(at: start, limits: reader.limits)
            defer { self.depth -= 1 }
            return try self.renderMap(&reader, schema: schema)
        case WireTag.struct.rawValue:
            try self.enter(at: start, limits: reader.limits)
            defer { self.depth -= 1 }
            return try self.renderStruct(&reader, schema: schema)
        default:
            throw WireError.invalidTag(tag.rawValue, at: start)
        }
    }

    private mutating func enter(at position: Int, limits: WireLimits) throws(WireError) {
        guard self.depth < limits.maxDepth else {
            throw WireError(code: .depthExceeded, message: "values nested deeper than \(limits.maxDepth) at byte \(position)")
        }
        self.depth += 1
    }

    private mutating func renderMap(_ reader: inout WireReader, schema: WireSchema) throws(WireError) -> JSONValue {
        var keySchema = WireSchema.any
        var valueSchema = WireSchema.any
        if case .map(let key, let value) = schema {
            keySchema = key
            valueSchema = value
        }
        let count = try reader.readMapHeader()
        var entries: [(key: JSONValue, value: JSONValue)] = []
        entries.reserveCapacity(Swift.min(count, 4096))
        for index in 0..<count {
            do {
                let key = try self.render(&reader, schema: keySchema)
                let value = try self.render(&reader, schema: valueSchema)
                entries.append((key, value))
            } catch {
                throw error.prefixingPath(String(index))
            }
        }
        let stringKeys = entries.allSatisfy { if case .string = $0.key { true } else { false } }
        let schemaWantsPairs = keySchema != .any && !JSONToWire.hasStringKeys(keySchema, structs: self.structs)
        if stringKeys, !schemaWantsPairs {
            var seen = Set<String>()
            var members: [JSONMember] = []
            for entry in entries {
                guard case .string(let key) = entry.key else { continue }
                guard seen.insert(key).inserted else {
                    throw WireError(code: .duplicateKey, message: "map key \"\(key.prefix(40))\" appears twice")
                }
                members.append(JSONMember(key: key, value: entry.value))
            }
            return .object(members)
        }
        return .array(entries.map { .array([$0.key, $0.value]) })
    }

    private mutating func renderStruct(_ reader: inout WireReader, schema: WireSchema) throws(WireError) -> JSONValue {
        var members: [JSONMember] = []
        self.structs.append(schema)
        defer { self.structs.removeLast() }
        try reader.forEachField { (key, reader) throws(WireError) in
            let name = key.stringValue
            var fieldSchema = WireSchema.any
            if case .struct(_, let fields) = schema, let field = fields.first(where: { $0.name == name }) {
                fieldSchema = field.schema
            }
            members.append(JSONMember(key: name, value: try self.render(&reader, schema: fieldSchema)))
        }
        guard case .struct(_, let fields) = schema else { return .object(members) }
        // Schema order first (optional nulls omitted), then fields the schema does not know.
        var ordered: [JSONMember] = []
        var used = Set<String>()
        for field in fields {
            guard let member = members.first(where: { $0.key == field.name }) else { continue }
            used.insert(field.name)
            if case .null = member.value, field.isOptional { continue }
            ordered.append(member)
        }
        ordered += members.filter { !used.contains($0.key) }
        return .object(ordered)
    }
}
