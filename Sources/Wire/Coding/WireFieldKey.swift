/// The UTF-8 bytes of a struct field key, borrowed from the buffer being decoded.
///
/// Compare it with string literals without allocating (`key == "due_date"`, or
/// `switch key { case "due_date": … }`). Valid only while the ``WireReader`` that produced it is.
public struct WireFieldKey: Hashable, CustomStringConvertible {
    /// The key's UTF-8 bytes (validated when the key was read).
    ///
    /// Safety: borrowed from the reader's buffer; the key does not outlive the reader's scope.
    @usableFromInline
    let bytes: UnsafeRawBufferPointer

    @usableFromInline
    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Length of the key in UTF-8 bytes.
    @inlinable
    public var count: Int { self.bytes.count }

    /// The key as a `String` (allocates for keys longer than 15 bytes).
    public var stringValue: String {
        // Keys are validated as UTF-8 by `WireReader.readFieldKey`; `decoding` would repair
        // anything else rather than trap.
        String(decoding: self.bytes, as: UTF8.self)
    }

    /// Same as ``stringValue``.
    public var description: String { self.stringValue }

    /// `true` when the key is exactly `other` (byte comparison, no allocation).
    @inlinable
    public static func == (lhs: WireFieldKey, rhs: StaticString) -> Bool {
        rhs.withUTF8Buffer { utf8 in WireFieldKey.equal(lhs.bytes, UnsafeRawBufferPointer(utf8)) }
    }

    /// Pattern matching against string literals in a `switch`.
    @inlinable
    public static func ~= (pattern: StaticString, value: WireFieldKey) -> Bool {
        value == pattern
    }

    /// `true` when the key is exactly `other` (byte comparison).
    @inlinable
    public func matches(_ other: String) -> Bool {
        var other = other
        return other.withUTF8 { utf8 in WireFieldKey.equal(self.bytes, UnsafeRawBufferPointer(utf8)) }
    }

    /// Byte equality.
    @inlinable
    public static func == (lhs: WireFieldKey, rhs: WireFieldKey) -> Bool {
        WireFieldKey.equal(lhs.bytes, rhs.bytes)
    }

    /// Hashes the key's bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes: self.bytes)
    }

    @inlinable
    static func equal(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var index = 0
        while index < lhs.count {
            if lhs[index] != rhs[index] { return false }
            index += 1
        }
        return true
    }
}

@available(*, unavailable, message: "a WireFieldKey borrows memory and must not leave its scope")
extension WireFieldKey: Sendable {}
