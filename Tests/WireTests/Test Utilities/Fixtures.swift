internal import Foundation
internal import Wire

// Value types used across the Wire tests: plain synthesized Codable types, enums of both kinds,
// a recursive type, and types with hand-written fast paths.

struct Point: Codable, Hashable, Sendable {
    var x: Int64
    var y: Int64
}

struct Line: Codable, Hashable, Sendable {
    var from: Point
    var to: Point
    var label: String?
}

enum Color: String, Codable, CaseIterable, Hashable, Sendable {
    case red = "RED"
    case green = "GREEN"
}

enum Shape: Codable, Hashable, Sendable {
    case circle(radius: Int64)
    case square(side: Int64)
    case empty
}

extension Shape: WireSchemaProviding {
    /// Synthesized keyed shape: one field named after the case.
    static var wireSchema: WireSchema {
        .struct(
            name: "Shape",
            fields: [
                .init(name: "circle", schema: .struct(name: "Shape.circle", fields: [.init(name: "radius", schema: .int)]), isOptional: true),
                .init(name: "square", schema: .struct(name: "Shape.square", fields: [.init(name: "side", schema: .int)]), isOptional: true),
                .init(name: "empty", schema: .struct(name: "Shape.empty", fields: []), isOptional: true),
            ]
        )
    }

    static var wireSchemaSample: Shape? { .empty }
}

/// Every scalar kind, optionals, collections and special types in one struct.
struct Kitchen: Codable, Hashable, Sendable {
    var flag: Bool
    var small: Int8
    var medium: Int32
    var large: Int64
    var unsigned: UInt64
    var byte: UInt8
    var ratio: Double
    var single: Float
    var text: String
    var blob: Data
    var day: CalendarDate
    var at: Date
    var maybe: Int?
    var color: Color
    var shape: Shape
    var list: [Int64?]
    var names: [String]
    var scores: [String: Int64]
    var byID: [Int64: String]
    var nested: [[Point]]

    enum CodingKeys: String, CodingKey {
        case flag, small, medium, large, unsigned, byte, ratio, single, text, blob, day, at, maybe, color, shape, list, names
        case scores, byID = "by_id", nested
    }
}

/// A recursive tree.
struct Tree: Codable, Hashable, Sendable {
    var name: String
    var children: [Tree]
    var parent: String?
}

/// A row with a calendar date, for coding-path tests (`rows.3.due_date`).
struct Row: Codable, Hashable, Sendable {
    var id: String
    var dueDate: CalendarDate
    var amount: Int64

    enum CodingKeys: String, CodingKey {
        case id
        case dueDate = "due_date"
        case amount
    }
}

struct Batch: Codable, Hashable, Sendable {
    var rows: [Row]
}

// MARK: - Fast-path types

/// A fast-path type whose Codable conformance is synthesized.
struct Money: Codable, Hashable, Sendable, WireFastCodable {
    var cents: Int64
    var currency: String
    var note: String?

    init(cents: Int64, currency: String, note: String? = nil) {
        self.cents = cents
        self.currency = currency
        self.note = note
    }

    func encode(to writer: inout WireWriter) throws(WireError) {
        writer.writeStructHeader(fieldCount: self.note == nil ? 2 : 3)
        writer.writeFieldKey("cents")
        writer.writeInt(self.cents)
        writer.writeFieldKey("currency")
        writer.writeString(self.currency)
        if let note = self.note {
            writer.writeFieldKey("note")
            writer.writeString(note)
        }
    }

    init(from reader: inout WireReader) throws(WireError) {
        var cents: Int64?
        var currency: String?
        var note: String?
        try reader.forEachField { (key, reader) throws(WireError) in
            switch key {
            case "cents": cents = try reader.readInt64()
            case "currency": currency = try reader.readString()
            case "note": note = try reader.readNullIfPresent() ? nil : try reader.readString()
            default: break
            }
        }
        guard let cents else { throw WireError.keyNotFound("cents") }
        guard let currency else { throw WireError.keyNotFound("currency") }
        self.init(cents: cents, currency: currency, note: note)
    }
}

/// A Codable type that contains fast-path values at depth, in arrays and optionals.
struct Ledger: Codable, Hashable, Sendable {
    var owner: String
    var balance: Money
    var entries: [Money]
    var pending: Money?
    var byDay: [String: Money]
}

/// A fast-path type that contains a plain Codable value (the fast path calls back into Codable).
struct Envelope: Codable, Hashable, Sendable, WireFastCodable {
    var line: Line
    var tags: [String]

    init(line: Line, tags: [String]) {
        self.line = line
        self.tags = tags
    }

    func encode(to writer: inout WireWriter) throws(WireError) {
        writer.writeStructHeader(fieldCount: 2)
        writer.writeFieldKey("line")
        try writer.write(self.line)
        writer.writeFieldKey("tags")
        writer.writeArrayHeader(count: self.tags.count)
        for tag in self.tags { writer.writeString(tag) }
    }

    init(from reader: inout WireReader) throws(WireError) {
        var line: Line?
        var tags: [String]?
        try reader.forEachField { (key, reader) throws(WireError) in
            switch key {
            case "line": line = try reader.read(Line.self)
            case "tags": tags = try reader.readArray { (reader) throws(WireError) in try reader.readString() }
            default: break
            }
        }
        guard let line else { throw WireError.keyNotFound("line") }
        guard let tags else { throw WireError.keyNotFound("tags") }
        self.init(line: line, tags: tags)
    }
}

// MARK: - Random values

extension SplitMix64 {
    mutating func point() -> Point {
        Point(x: self.edgyInt64(), y: self.edgyInt64())
    }

    mutating func line() -> Line {
        Line(from: self.point(), to: self.point(), label: self.bool() ? self.string() : nil)
    }

    mutating func calendarDate() -> CalendarDate {
        let span = UInt64(CalendarDate.max.daysSinceEpoch - CalendarDate.min.daysSinceEpoch + 1)
        return CalendarDate(daysSinceEpoch: CalendarDate.min.daysSinceEpoch + Int32(self.next() % span)) ?? .min
    }

    /// An instant on a whole microsecond within ±200 years of 1970 (exactly representable).
    mutating func instant() -> Date {
        let micros = Int64(bitPattern: self.next() % 12_600_000_000_000_000) - 6_300_000_000_000_000
        return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    mutating func kitchen() -> Kitchen {
        Kitchen(
            flag: self.bool(),
            small: Int8(truncatingIfNeeded: self.next()),
            medium: Int32(truncatingIfNeeded: self.next()),
            large: self.edgyInt64(),
            unsigned: self.next() >> (self.next() % 64),
            byte: UInt8(truncatingIfNeeded: self.next()),
            ratio: [0, -0.0, 1.5, -2.25, .infinity, -.infinity, 1e-300, .greatestFiniteMagnitude, Double(self.edgyInt64()) / 7][Int(self.next() % 9)],
            single: Float(Int32(truncatingIfNeeded: self.next() % 100_000)) / 8,
            text: self.string(maxLength: 40),
            blob: Data((0..<Int(self.next() % 20)).map { _ in UInt8(truncatingIfNeeded: self.next()) }),
            day: self.calendarDate(),
            at: self.instant(),
            maybe: self.bool() ? Int(self.edgyInt64()) : nil,
            color: self.bool() ? .red : .green,
            shape: [Shape.circle(radius: self.edgyInt64()), .square(side: self.edgyInt64()), .empty][Int(self.next() % 3)],
            list: (0..<Int(self.next() % 6)).map { _ in self.bool() ? self.edgyInt64() : nil },
            names: (0..<Int(self.next() % 4)).map { _ in self.string() },
            scores: Dictionary((0..<Int(self.next() % 5)).map { _ in (self.string(), self.edgyInt64()) }, uniquingKeysWith: { first, _ in first }),
            byID: Dictionary((0..<Int(self.next() % 5)).map { _ in (self.edgyInt64(), self.string()) }, uniquingKeysWith: { first, _ in first }),
            nested: (0..<Int(self.next() % 3)).map { _ in (0..<Int(self.next() % 3)).map { _ in self.point() } }
        )
    }

    mutating func tree(depth: Int = 0) -> Tree {
        let childCount = depth >= 4 ? 0 : Int(self.next() % 3)
        return Tree(
            name: self.string(),
            children: (0..<childCount).map { _ in self.tree(depth: depth + 1) },
            parent: self.bool() ? self.string() : nil
        )
    }

    mutating func money() -> Money {
        Money(cents: self.edgyInt64(), currency: self.bool() ? "EUR" : "XPF", note: self.bool() ? self.string() : nil)
    }

    mutating func ledger() -> Ledger {
        Ledger(
            owner: self.string(),
            balance: self.money(),
            entries: (0..<Int(self.next() % 5)).map { _ in self.money() },
            pending: self.bool() ? self.money() : nil,
            byDay: Dictionary((0..<Int(self.next() % 3)).map { _ in (self.string(), self.money()) }, uniquingKeysWith: { first, _ in first })
        )
    }
}
