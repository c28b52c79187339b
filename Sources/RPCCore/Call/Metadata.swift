/// Key/value pairs sent with a call (in HEADERS) and with its status (trailers, in STATUS).
///
/// Keys are lowercase ASCII (`a`–`z`, `0`–`9`, `-`, `_`, `.`), 1–255 bytes; values are UTF-8
/// text. Order is kept and a key may repeat; ``subscript(_:)`` reads the first value. Keys are
/// lowercased when added, so lookups are case-insensitive.
///
/// ```swift
/// var metadata: Metadata = [MetadataKey.tenant: "cabinet-dupont"]
/// metadata[MetadataKey.requestID] = "req-42"
/// ```
public struct Metadata: Hashable, Sendable, ExpressibleByDictionaryLiteral, Sequence, CustomStringConvertible {
    /// One key/value pair.
    public struct Element: Hashable, Sendable {
        /// The lowercase key.
        public var key: String
        /// The value.
        public var value: String

        /// Creates a pair; the key is lowercased.
        public init(key: String, value: String) {
            self.key = Metadata.normalized(key)
            self.value = value
        }
    }

    /// Keys are strings (lowercased).
    public typealias Key = String
    /// Values are UTF-8 strings.
    public typealias Value = String

    /// The pairs, in order.
    public private(set) var elements: [Element]

    /// Creates empty metadata.
    public init() {
        self.elements = []
    }

    /// Creates metadata from pairs, in order.
    public init(_ pairs: [(String, String)]) {
        self.elements = pairs.map { Element(key: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral pairs: (String, String)...) {
        self.init(pairs)
    }

    /// The number of pairs.
    public var count: Int { self.elements.count }
    /// Whether there are no pairs.
    public var isEmpty: Bool { self.elements.isEmpty }

    /// The first value for `key`; setting replaces every value for `key` (or removes them with `nil`).
    public subscript(_ key: String) -> String? {
        get {
            let key = Self.normalized(key)
            return self.elements.first(where: { $0.key == key })?.value
        }
        set {
            let key = Self.normalized(key)
            var kept: [Element] = []
            kept.reserveCapacity(self.elements.count + 1)
            var isReplaced = false
            for element in self.elements {
                if element.key != key {
                    kept.append(element)
                } else if !isReplaced, let newValue {
                    kept.append(Element(key: key, value: newValue))
                    isReplaced = true
                }
            }
            if !isReplaced, let newValue {
                kept.append(Element(key: key, value: newValue))
            }
            self.elements = kept
        }
    }

    /// `key` lowercased, without allocating when it already is.
    @inline(__always)
    static func normalized(_ key: String) -> String {
        key.utf8.allSatisfy { $0 < UInt8(ascii: "A") || $0 > UInt8(ascii: "Z") } ? key : key.lowercased()
    }

    /// Every value for `key`, in order.
    public func values(for key: String) -> [String] {
        let key = Self.normalized(key)
        return self.elements.filter { $0.key == key }.map(\.value)
    }

    /// Appends a pair, keeping existing values for the same key.
    public mutating func add(_ key: String, _ value: String) {
        self.elements.append(Element(key: key, value: value))
    }

    /// Appends a pair whose key is known to be valid and lowercase (decoded from the wire).
    package mutating func appendUnchecked(key: String, value: String) {
        var element = Element(key: "", value: value)
        element.key = key
        self.elements.append(element)
    }

    /// Reserves room for `count` pairs.
    package mutating func reserveCapacity(_ count: Int) {
        self.elements.reserveCapacity(count)
    }

    /// Appends every pair of `other`.
    public mutating func add(contentsOf other: Metadata) {
        self.elements.append(contentsOf: other.elements)
    }

    public func makeIterator() -> IndexingIterator<[Element]> {
        self.elements.makeIterator()
    }

    public var description: String {
        "[" + self.elements.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "]"
    }

    /// Whether `key` is a syntactically valid metadata key.
    public static func isValidKey(_ key: some StringProtocol) -> Bool {
        let utf8 = key.utf8
        guard !utf8.isEmpty, utf8.count <= 255 else { return false }
        return utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }
}

/// Well-known metadata keys (see `WIRE.md` §4).
public enum MetadataKey {
    /// The firm (tenant) the call acts on.
    public static let tenant = "pilotage-tenant"
    /// The credential: `Bearer <key>`.
    public static let authorization = "authorization"
    /// The collaborator the call acts for.
    public static let user = "pilotage-user"
    /// A caller-chosen id that correlates logs; the server generates one when absent and
    /// echoes it in the trailers.
    public static let requestID = "pilotage-request-id"
    /// Prefix reserved for the protocol itself; user metadata must not start with it.
    public static let reservedPrefix = "pilotage-rpc-"
}
