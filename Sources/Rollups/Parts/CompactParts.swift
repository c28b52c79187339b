public import KPI
public import Wire

/// A parts value stored in a rollup row: written as one Wire **array of integers** (`WIRE.md`
/// §6.5; an element beyond `Int64` is a decimal string), positional, led by a layout number.
///
/// Why positional: a group's day row is written for every day of every month, so field names
/// (as Codable's struct encoding writes them) would make rows several times larger; an array of
/// small varints is a few dozen bytes, still renders as JSON with the generic Wire tools, and
/// reading it is a tight loop. The layout number of each type changes whenever its field list
/// does (old rows then fail to decode with ``RollupError/Code/malformedParts`` instead of being
/// misread; partitions are recomputed after an upgrade).
public protocol CompactParts: Sendable {
    /// Layout number written first; unique per type and layout.
    static var compactLayout: Int64 { get }
    /// Appends the fields, in layout order.
    func pack(into packer: inout IntegerPacker)
    /// Reads the fields, in layout order.
    init(unpacking unpacker: inout IntegerUnpacker) throws
}

extension CompactParts {
    /// The stored bytes.
    public var compactEncoded: [UInt8] {
        var packer = IntegerPacker()
        packer.append(Self.compactLayout)
        self.pack(into: &packer)
        return packer.encoded()
    }

    /// Decodes stored bytes.
    ///
    /// - Throws: ``RollupError`` `.malformedParts` when the bytes are not this type's layout.
    public init(compactEncoded bytes: [UInt8]) throws {
        var unpacker = try IntegerUnpacker(bytes)
        let layout = try unpacker.int64()
        guard layout == Self.compactLayout else {
            throw RollupError(
                code: .malformedParts,
                message: "parts of layout \(layout) where \(Self.self) (layout \(Self.compactLayout)) was expected"
            )
        }
        try self.init(unpacking: &unpacker)
        guard unpacker.isAtEnd else {
            throw RollupError(code: .malformedParts, message: "\(Self.self): \(unpacker.remaining) value(s) after the last field")
        }
    }
}

/// Collects the integers of a ``CompactParts`` value.
public struct IntegerPacker: Sendable {
    private var values: [Int128] = []

    /// An empty packer.
    public init() {
        self.values.reserveCapacity(32)
    }

    /// Appends a value.
    public mutating func append(_ value: Int128) {
        self.values.append(value)
    }

    /// Appends a value.
    public mutating func append(_ value: Int64) {
        self.values.append(Int128(value))
    }

    /// Appends a value.
    public mutating func append(_ value: Int) {
        self.values.append(Int128(value))
    }

    /// Appends a value.
    public mutating func append(_ value: WideInt) {
        self.values.append(value.value)
    }

    /// Appends a count and the elements of a vector.
    public mutating func append(vector: [WideInt]) {
        self.append(vector.count)
        for value in vector { self.append(value) }
    }

    /// The Wire array.
    func encoded() -> [UInt8] {
        var writer = WireWriter(capacity: self.values.count * 2 + 4)
        writer.writeArrayHeader(count: self.values.count)
        for value in self.values {
            if let small = Int64(exactly: value) {
                writer.writeInt(small)
            } else {
                writer.writeString(String(value))
            }
        }
        return writer.takeBytes()
    }
}

/// Reads the integers of a ``CompactParts`` value, checking every access.
public struct IntegerUnpacker: Sendable {
    private let values: [Int128]
    private var index = 0

    /// Decodes the Wire array in one pass into one array (this runs for every rollup row a
    /// dashboard reads: no intermediate array of optionals).
    init(_ bytes: [UInt8]) throws {
        var notInteger: Int?
        let values: [Int128]
        do {
            values = try WireDecoder().withReader(over: bytes) { reader throws(WireError) -> [Int128] in
                let count = try reader.readArrayHeader()
                var values: [Int128] = []
                values.reserveCapacity(count)
                for position in 0..<count {
                    if try reader.peekTag() == .string {
                        guard let value = Int128(try reader.readString()) else {
                            notInteger = position
                            return values
                        }
                        values.append(value)
                    } else {
                        values.append(Int128(try reader.readInt64()))
                    }
                }
                guard reader.isAtEnd else {
                    throw WireError(code: .trailingBytes, message: "bytes after the parts array")
                }
                return values
            }
        } catch {
            throw RollupError(code: .malformedParts, message: "parts blob does not decode: \(error)")
        }
        if let position = notInteger {
            throw RollupError(code: .malformedParts, message: "element \(position) of a parts blob is not an integer")
        }
        self.values = values
    }

    /// Whether every value was read.
    public var isAtEnd: Bool { self.index == self.values.count }

    /// Values not read yet.
    public var remaining: Int { self.values.count - self.index }

    /// The next value.
    public mutating func next() throws -> Int128 {
        guard self.index < self.values.count else {
            throw RollupError(code: .malformedParts, message: "parts blob ends after \(self.values.count) value(s)")
        }
        defer { self.index += 1 }
        return self.values[self.index]
    }

    /// The next value as a wide sum.
    public mutating func wide() throws -> WideInt {
        WideInt(try self.next())
    }

    /// The next value as `Int64`.
    public mutating func int64() throws -> Int64 {
        let value = try self.next()
        guard let narrow = Int64(exactly: value) else {
            throw RollupError(code: .malformedParts, message: "value \(value) does not fit a 64-bit count")
        }
        return narrow
    }

    /// The next value as `Int`.
    public mutating func int() throws -> Int {
        Int(try self.int64())
    }

    /// A count (0…1,000,000) then that many wide values.
    public mutating func vector() throws -> [WideInt] {
        let count = try self.count()
        var result: [WideInt] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try self.wide()) }
        return result
    }

    /// A count of following entries, checked against what remains.
    public mutating func count(perEntry: Int = 1) throws -> Int {
        let count = try self.int()
        guard count >= 0, count * perEntry <= self.remaining else {
            throw RollupError(code: .malformedParts, message: "count \(count) exceeds the \(self.remaining) value(s) left")
        }
        return count
    }

    /// A calendar date stored as days since 1970-01-01.
    public mutating func date() throws -> CalendarDate {
        let days = try self.int64()
        guard let narrow = Int32(exactly: days), let date = CalendarDate(daysSinceEpoch: narrow) else {
            throw RollupError(code: .malformedParts, message: "\(days) is not a valid day number")
        }
        return date
    }
}
