internal import Foundation

extension WireSchema {
    /// Derives the schema of a `Decodable` type by running its `init(from:)` against a recording
    /// decoder: every key it asks for becomes a field (`decodeIfPresent` ⇒ optional), in the
    /// order asked.
    ///
    /// Handles the scalar types, `CalendarDate` (`date`), `Date` (`instant`), `Data` (`bytes`),
    /// arrays, optionals, dictionaries (`map`), nested structs, `String`-raw-value enums that are
    /// `CaseIterable` (`enumeration`), ``WireSchemaProviding`` types, and recursive types (a type
    /// met again inside itself becomes a `reference`). A type whose `init(from:)` cannot run on
    /// sample values (it rejects `0` or `""`, or decodes enums with associated values) gives
    /// `any` for that type.
    public static func of<T: Decodable>(_ type: T.Type) -> WireSchema {
        let recorder = WireSchemaRecorder()
        return recorder.schema(of: type)
    }
}

/// The recording machinery of ``WireSchema/of(_:)``.
final class WireSchemaRecorder {
    /// Types whose `init(from:)` is running, innermost last.
    private var stack: [ObjectIdentifier] = []
    /// Schemas and sample values already derived in this run.
    private var cache: [ObjectIdentifier: (schema: WireSchema, sample: Any?)] = [:]

    struct Failure: Error {
        let message: String
    }

    static func typeName(_ type: Any.Type) -> String {
        String(describing: type)
    }

    /// The schema of `type` (no sample needed).
    func schema<T: Decodable>(of type: T.Type) -> WireSchema {
        if let scalar = Self.scalarSchema(type) { return scalar }
        let id = ObjectIdentifier(type)
        if let cached = self.cache[id] { return cached.schema }
        if self.stack.contains(id) || self.stack.count >= 48 {
            return .reference(name: Self.typeName(type))
        }
        return (try? self.record(type))?.schema ?? .any
    }

    /// The schema of `type` and a sample value to hand back to the `init(from:)` being recorded.
    func schemaAndSample<T: Decodable>(of type: T.Type) throws -> (schema: WireSchema, sample: T) {
        if let scalar = Self.scalarSchema(type) {
            return (scalar, try Self.sample(type, schema: scalar))
        }
        let id = ObjectIdentifier(type)
        if let cached = self.cache[id], let sample = cached.sample as? T {
            return (cached.schema, sample)
        }
        if self.stack.contains(id) || self.stack.count >= 48 {
            throw Failure(message: "\(type) contains itself without an optional or a collection in between")
        }
        return try self.record(type)
    }

    private func record<T: Decodable>(_ type: T.Type) throws -> (schema: WireSchema, sample: T) {
        let id = ObjectIdentifier(type)
        let schema: WireSchema
        let sample: T
        if let provider = type as? any WireSchemaProviding.Type {
            schema = provider.wireSchema
            if let provided = Self.providedSample(provider), let typed = provided as? T {
                sample = typed
            } else {
                sample = try Self.sample(type, schema: schema)
            }
        } else if let enumeration = Self.enumerationSchema(type) {
            schema = enumeration
            sample = try Self.sample(type, schema: schema)
        } else if let collection = type as? any WireSchemaCollection.Type {
            self.stack.append(id)
            defer { self.stack.removeLast() }
            schema = collection.wireSchema(using: self)
            sample = try Self.sample(type, schema: schema)
        } else {
            self.stack.append(id)
            defer { self.stack.removeLast() }
            let decoder = WireSchemaRecordingDecoder(recorder: self, name: Self.typeName(type), codingPath: [])
            sample = try T(from: decoder)
            schema = decoder.result()
        }
        self.cache[id] = (schema, sample)
        return (schema, sample)
    }

    private static func providedSample<P: WireSchemaProviding>(_ provider: P.Type) -> Any? {
        provider.wireSchemaSample
    }

    /// Decodes a sample value of `type` from the sample bytes of `schema`.
    static func sample<T: Decodable>(_ type: T.Type, schema: WireSchema) throws -> T {
        try WireDecoder().decode(type, from: schema.sampleBytes())
    }

    static func scalarSchema(_ type: Any.Type) -> WireSchema? {
        switch ObjectIdentifier(type) {
        case ObjectIdentifier(Bool.self): .bool
        case ObjectIdentifier(String.self): .string
        case ObjectIdentifier(Int.self), ObjectIdentifier(Int64.self), ObjectIdentifier(Int32.self),
            ObjectIdentifier(Int16.self), ObjectIdentifier(Int8.self):
            .int
        case ObjectIdentifier(UInt.self), ObjectIdentifier(UInt64.self), ObjectIdentifier(UInt32.self),
            ObjectIdentifier(UInt16.self), ObjectIdentifier(UInt8.self):
            .uint
        case ObjectIdentifier(Double.self), ObjectIdentifier(Float.self): .double
        case ObjectIdentifier(CalendarDate.self): .date
        case ObjectIdentifier(Date.self): .instant
        case ObjectIdentifier(Data.self): .bytes
        default: nil
        }
    }

    /// `enumeration` for `CaseIterable` enums with `String` raw values, conformance or not.
    static func enumerationSchema(_ type: Any.Type) -> WireSchema? {
        guard let enumType = type as? any (CaseIterable & RawRepresentable<String>).Type else { return nil }
        func cases<E: CaseIterable & RawRepresentable<String>>(_ type: E.Type) -> [String] {
            type.allCases.map(\.rawValue)
        }
        return .enumeration(name: Self.typeName(type), cases: cases(enumType))
    }
}

/// Standard-library generics whose schema comes from their type parameters.
protocol WireSchemaCollection {
    static func wireSchema(using recorder: WireSchemaRecorder) -> WireSchema
}

extension Array: WireSchemaCollection where Element: Decodable {
    static func wireSchema(using recorder: WireSchemaRecorder) -> WireSchema {
        .array(recorder.schema(of: Element.self))
    }
}

extension Set: WireSchemaCollection where Element: Decodable {
    static func wireSchema(using recorder: WireSchemaRecorder) -> WireSchema {
        .array(recorder.schema(of: Element.self))
    }
}

extension Optional: WireSchemaCollection where Wrapped: Decodable {
    static func wireSchema(using recorder: WireSchemaRecorder) -> WireSchema {
        .optional(recorder.schema(of: Wrapped.self))
    }
}

extension Dictionary: WireSchemaCollection where Key: Decodable, Value: Decodable {
    static func wireSchema(using recorder: WireSchemaRecorder) -> WireSchema {
        .map(key: recorder.schema(of: Key.self), value: recorder.schema(of: Value.self))
    }
}

// MARK: - Recording decoder

/// Where a recorded schema comes from: known at once, or filled in by a container that the
/// type keeps using after the field was recorded (nested containers, super decoders).
enum WireSchemaSource {
    case fixed(WireSchema)
    case keyed(name: String, fields: WireSchemaFieldList)
    case unkeyed(WireSchemaElement)
    case decoder(WireSchemaRecordingDecoder)

    func resolve() -> WireSchema {
        switch self {
        case .fixed(let schema): schema
        case .keyed(let name, let fields): .struct(name: name, fields: fields.resolved())
        case .unkeyed(let element): .array(element.resolve())
        case .decoder(let decoder): decoder.result()
        }
    }
}

/// A `Decoder` that records what a type's `init(from:)` asks for and answers with samples.
final class WireSchemaRecordingDecoder: Decoder {
    let recorder: WireSchemaRecorder
    let name: String
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// What the type asked for.
    private enum Shape {
        case none
        case keyed(WireSchemaFieldList)
        case unkeyed(WireSchemaElement)
        case single(WireSchemaElement)
    }

    private var shape = Shape.none

    init(recorder: WireSchemaRecorder, name: String, codingPath: [any CodingKey]) {
        self.recorder = recorder
        self.name = name
        self.codingPath = codingPath
    }

    func result() -> WireSchema {
        switch self.shape {
        case .none: .struct(name: self.name, fields: [])
        case .keyed(let fields): .struct(name: self.name, fields: fields.resolved())
        case .unkeyed(let element): .array(element.resolve())
        case .single(let element): element.resolve()
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let fields: WireSchemaFieldList
        if case .keyed(let existing) = self.shape {
            fields = existing
        } else {
            fields = WireSchemaFieldList()
            self.shape = .keyed(fields)
        }
        return KeyedDecodingContainer(
            WireSchemaKeyedContainer<Key>(recorder: self.recorder, name: self.name, fields: fields, codingPath: self.codingPath)
        )
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let element: WireSchemaElement
        if case .unkeyed(let existing) = self.shape {
            element = existing
        } else {
            element = WireSchemaElement()
            self.shape = .unkeyed(element)
        }
        return WireSchemaUnkeyedContainer(recorder: self.recorder, name: self.name, element: element, codingPath: self.codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        let element: WireSchemaElement
        if case .single(let existing) = self.shape {
            element = existing
        } else {
            element = WireSchemaElement()
            self.shape = .single(element)
        }
        return WireSchemaSingleValueContainer(recorder: self.recorder, element: element, codingPath: self.codingPath)
    }
}

/// Fields recorded for one struct, shared by the containers of one value.
final class WireSchemaFieldList {
    private struct Entry {
        let name: String
        let source: WireSchemaSource
        var isOptional: Bool
    }

    private var entries: [Entry] = []
    private var optionalNames: Set<String> = []

    /// The key was probed with `contains` or `decodeNil`: its value may be absent or null.
    func markOptional(_ name: String) {
        self.optionalNames.insert(name)
        if let index = self.entries.firstIndex(where: { $0.name == name }) {
            self.entries[index].isOptional = true
        }
    }

    /// Records a field the first time its key is asked for.
    func record(_ name: String, _ source: WireSchemaSource, isOptional: Bool) {
        if let index = self.entries.firstIndex(where: { $0.name == name }) {
            if isOptional { self.entries[index].isOptional = true }
            return
        }
        self.entries.append(Entry(name: name, source: source, isOptional: isOptional || self.optionalNames.contains(name)))
    }

    func resolved() -> [WireSchema.Field] {
        self.entries.map { WireSchema.Field(name: $0.name, schema: $0.source.resolve(), isOptional: $0.isOptional) }
    }
}

/// The element (or single value) recorded for one array or wrapper.
final class WireSchemaElement {
    var source: WireSchemaSource?
    var isOptional = false

    func set(_ source: WireSchemaSource) {
        if self.source == nil { self.source = source }
    }

    func resolve() -> WireSchema {
        let schema = self.source?.resolve() ?? .any
        return self.isOptional ? .optional(schema) : schema
    }
}

struct WireSchemaKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let recorder: WireSchemaRecorder
    let name: String
    let fields: WireSchemaFieldList
    let codingPath: [any CodingKey]

    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool {
        self.fields.markOptional(key.stringValue)
        return true
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        self.fields.markOptional(key.stringValue)
        return false
    }

    private func required<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        let (schema, sample) = try self.recorder.schemaAndSample(of: type)
        self.fields.record(key.stringValue, .fixed(schema), isOptional: false)
        return sample
    }

    private func optional<T: Decodable>(_ type: T.Type, _ key: Key) -> T? {
        self.fields.record(key.stringValue, .fixed(self.recorder.schema(of: type)), isOptional: true)
        return nil
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try self.required(type, key) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try self.required(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try self.required(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try self.required(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try self.required(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try self.required(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try self.required(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try self.required(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try self.required(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try self.required(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try self.required(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try self.required(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try self.required(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try self.required(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try self.required(type, key) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { self.optional(type, key) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { self.optional(type, key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { self.optional(type, key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { self.optional(type, key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { self.optional(type, key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { self.optional(type, key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { self.optional(type, key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { self.optional(type, key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { self.optional(type, key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { self.optional(type, key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { self.optional(type, key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { self.optional(type, key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { self.optional(type, key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { self.optional(type, key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { self.optional(type, key) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        let nestedName = self.name + "." + key.stringValue
        let nested = WireSchemaFieldList()
        self.fields.record(key.stringValue, .keyed(name: nestedName, fields: nested), isOptional: false)
        return KeyedDecodingContainer(
            WireSchemaKeyedContainer<NestedKey>(recorder: self.recorder, name: nestedName, fields: nested, codingPath: self.codingPath + [key])
        )
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let element = WireSchemaElement()
        self.fields.record(key.stringValue, .unkeyed(element), isOptional: false)
        return WireSchemaUnkeyedContainer(
            recorder: self.recorder,
            name: self.name + "." + key.stringValue,
            element: element,
            codingPath: self.codingPath + [key]
        )
    }

    func superDecoder() throws -> any Decoder {
        self.superDecoder(named: "super")
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        self.superDecoder(named: key.stringValue)
    }

    private func superDecoder(named name: String) -> any Decoder {
        let decoder = WireSchemaRecordingDecoder(recorder: self.recorder, name: self.name + "." + name, codingPath: self.codingPath)
        self.fields.record(name, .decoder(decoder), isOptional: false)
        return decoder
    }
}

struct WireSchemaUnkeyedContainer: UnkeyedDecodingContainer {
    let recorder: WireSchemaRecorder
    let name: String
    let element: WireSchemaElement
    let codingPath: [any CodingKey]

    /// One element is recorded; then the container reports its end.
    var count: Int? { nil }
    var isAtEnd: Bool { self.element.source != nil }
    var currentIndex: Int { self.element.source == nil ? 0 : 1 }

    mutating func decodeNil() throws -> Bool {
        self.element.isOptional = true
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, sample) = try self.recorder.schemaAndSample(of: type)
        self.element.set(.fixed(schema))
        return sample
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let fields = WireSchemaFieldList()
        self.element.set(.keyed(name: self.name + ".element", fields: fields))
        return KeyedDecodingContainer(
            WireSchemaKeyedContainer<NestedKey>(recorder: self.recorder, name: self.name + ".element", fields: fields, codingPath: self.codingPath)
        )
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let nested = WireSchemaElement()
        self.element.set(.unkeyed(nested))
        return WireSchemaUnkeyedContainer(recorder: self.recorder, name: self.name + ".element", element: nested, codingPath: self.codingPath)
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = WireSchemaRecordingDecoder(recorder: self.recorder, name: self.name + ".element", codingPath: self.codingPath)
        self.element.set(.decoder(decoder))
        return decoder
    }
}

struct WireSchemaSingleValueContainer: SingleValueDecodingContainer {
    let recorder: WireSchemaRecorder
    let element: WireSchemaElement
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        self.element.isOptional = true
        return false
    }

    private func record<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, sample) = try self.recorder.schemaAndSample(of: type)
        self.element.set(.fixed(schema))
        return sample
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try self.record(type) }
    func decode(_ type: Bool.Type) throws -> Bool { try self.record(type) }
    func decode(_ type: String.Type) throws -> String { try self.record(type) }
    func decode(_ type: Double.Type) throws -> Double { try self.record(type) }
    func decode(_ type: Float.Type) throws -> Float { try self.record(type) }
    func decode(_ type: Int.Type) throws -> Int { try self.record(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try self.record(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try self.record(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try self.record(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try self.record(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try self.record(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try self.record(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try self.record(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try self.record(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try self.record(type) }
}
