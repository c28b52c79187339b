/// A strict RFC 8259 JSON parser producing ``FieldValue``s: numbers keep their text (exact
/// Int64), duplicate keys and nesting deeper than ``maximumDepth`` are refused.
package struct JSONValueParser {
    /// Why a text is not acceptable JSON.
    package struct SyntaxError: Error, Hashable, Sendable {
        /// 0-based byte offset of the problem.
        package var offset: Int
        /// What was wrong.
        package var message: String
    }

    /// Deepest array/object nesting accepted.
    package static let maximumDepth = 64

    /// Parses exactly one JSON value (surrounding whitespace allowed).
    package static func parse(_ bytes: ArraySlice<UInt8>) throws(SyntaxError) -> FieldValue {
        try bytes.withUnsafeBufferPointer { (pointer) throws(SyntaxError) -> FieldValue in
            var parser = Cursor(bytes: pointer)
            parser.skipWhitespace()
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.index == pointer.count else { throw parser.error("unexpected text after the JSON value") }
            return value
        }
    }

    /// Parses a JSON text given as a string.
    package static func parse(_ text: String) throws(SyntaxError) -> FieldValue {
        try Self.parse(ArraySlice(text.utf8))
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        func error(_ message: String) -> SyntaxError {
            SyntaxError(offset: self.index, message: message)
        }

        mutating func skipWhitespace() {
            while self.index < self.bytes.count {
                switch self.bytes[self.index] {
                case 0x20, 0x09, 0x0A, 0x0D: self.index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> FieldValue {
            guard self.index < self.bytes.count else { throw self.error("unexpected end of the line") }
            switch self.bytes[self.index] {
            case UInt8(ascii: "{"):
                guard depth < JSONValueParser.maximumDepth else {
                    throw self.error("nesting deeper than \(JSONValueParser.maximumDepth)")
                }
                return try self.object(depth: depth + 1)
            case UInt8(ascii: "["):
                guard depth < JSONValueParser.maximumDepth else {
                    throw self.error("nesting deeper than \(JSONValueParser.maximumDepth)")
                }
                return try self.array(depth: depth + 1)
            case UInt8(ascii: "\""):
                return .string(try self.string())
            case UInt8(ascii: "t"):
                try self.literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try self.literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try self.literal("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .number(try self.number())
            default:
                throw self.error("unexpected character '\(Unicode.Scalar(self.bytes[self.index]))'")
            }
        }

        mutating func literal(_ word: StaticString) throws(SyntaxError) {
            let count = word.utf8CodeUnitCount
            guard self.index + count <= self.bytes.count else { throw self.error("unexpected end of the line") }
            for offset in 0..<count where self.bytes[self.index + offset] != word.utf8Start[offset] {
                throw self.error("invalid literal")
            }
            self.index += count
        }

        mutating func object(depth: Int) throws(SyntaxError) -> FieldValue {
            self.index += 1
            var members: [String: FieldValue] = [:]
            self.skipWhitespace()
            if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "}") {
                self.index += 1
                return .object(members)
            }
            while true {
                self.skipWhitespace()
                guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\"") else {
                    throw self.error("expected a key in quotes")
                }
                let keyOffset = self.index
                let key = try self.string()
                self.skipWhitespace()
                guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ":") else {
                    throw self.error("expected ':' after a key")
                }
                self.index += 1
                self.skipWhitespace()
                let value = try self.value(depth: depth)
                guard members.updateValue(value, forKey: key) == nil else {
                    throw SyntaxError(offset: keyOffset, message: "duplicate key \"\(key)\"")
                }
                self.skipWhitespace()
                guard self.index < self.bytes.count else { throw self.error("unexpected end of the line in an object") }
                if self.bytes[self.index] == UInt8(ascii: ",") {
                    self.index += 1
                    continue
                }
                guard self.bytes[self.index] == UInt8(ascii: "}") else { throw self.error("expected ',' or '}'") }
                self.index += 1
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> FieldValue {
            self.index += 1
            var elements: [FieldValue] = []
            self.skipWhitespace()
            if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "]") {
                self.index += 1
                return .array(elements)
            }
            while true {
                self.skipWhitespace()
                elements.append(try self.value(depth: depth))
                self.skipWhitespace()
                guard self.index < self.bytes.count else { throw self.error("unexpected end of the line in an array") }
                if self.bytes[self.index] == UInt8(ascii: ",") {
                    self.index += 1
                    continue
                }
                guard self.bytes[self.index] == UInt8(ascii: "]") else { throw self.error("expected ',' or ']'") }
                self.index += 1
                return .array(elements)
            }
        }

        mutating func number() throws(SyntaxError) -> String {
            let start = self.index
            func digits() -> Int {
                let from = self.index
                while self.index < self.bytes.count, self.bytes[self.index] >= 0x30, self.bytes[self.index] <= 0x39 {
                    self.index += 1
                }
                return self.index - from
            }
            if self.bytes[self.index] == UInt8(ascii: "-") { self.index += 1 }
            guard self.index < self.bytes.count else { throw self.error("invalid number") }
            if self.bytes[self.index] == UInt8(ascii: "0") {
                self.index += 1
            } else if digits() == 0 {
                throw self.error("invalid number")
            }
            if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ".") {
                self.index += 1
                guard digits() > 0 else { throw self.error("invalid number") }
            }
            if self.index < self.bytes.count, self.bytes[self.index] | 0x20 == UInt8(ascii: "e") {
                self.index += 1
                if self.index < self.bytes.count,
                    self.bytes[self.index] == UInt8(ascii: "+") || self.bytes[self.index] == UInt8(ascii: "-")
                {
                    self.index += 1
                }
                guard digits() > 0 else { throw self.error("invalid number") }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self)
        }

        mutating func string() throws(SyntaxError) -> String {
            self.index += 1
            let start = self.index
            // Fast path: no escapes.
            while self.index < self.bytes.count {
                let byte = self.bytes[self.index]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: self.bytes[start..<self.index])
                    self.index += 1
                    guard let text = String(validating: slice, as: UTF8.self) else {
                        throw SyntaxError(offset: start, message: "a string is not valid UTF-8")
                    }
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                guard byte >= 0x20 else { throw self.error("control character in a string") }
                self.index += 1
            }
            var bytes = Array(UnsafeBufferPointer(rebasing: self.bytes[start..<self.index]))
            while self.index < self.bytes.count {
                let byte = self.bytes[self.index]
                switch byte {
                case UInt8(ascii: "\""):
                    self.index += 1
                    guard let text = String(validating: bytes, as: UTF8.self) else {
                        throw SyntaxError(offset: start, message: "a string is not valid UTF-8")
                    }
                    return text
                case UInt8(ascii: "\\"):
                    self.index += 1
                    guard self.index < self.bytes.count else { throw self.error("unterminated escape") }
                    let escaped = self.bytes[self.index]
                    self.index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escaped)
                    case UInt8(ascii: "b"): bytes.append(0x08)
                    case UInt8(ascii: "f"): bytes.append(0x0C)
                    case UInt8(ascii: "n"): bytes.append(0x0A)
                    case UInt8(ascii: "r"): bytes.append(0x0D)
                    case UInt8(ascii: "t"): bytes.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try self.hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard self.index + 1 < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\\"),
                                self.bytes[self.index + 1] == UInt8(ascii: "u")
                            else { throw self.error("unpaired surrogate") }
                            self.index += 2
                            let low = try self.hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw self.error("unpaired surrogate") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { throw self.error("invalid \\u escape") }
                        bytes.append(contentsOf: Array(String(Character(unicode)).utf8))
                    default:
                        throw self.error("invalid escape")
                    }
                default:
                    guard byte >= 0x20 else { throw self.error("control character in a string") }
                    bytes.append(byte)
                    self.index += 1
                }
            }
            throw self.error("unterminated string")
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard self.index + 4 <= self.bytes.count else { throw self.error("invalid \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = self.bytes[self.index]
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw self.error("invalid \\u escape")
                }
                value = value * 16 + digit
                self.index += 1
            }
            return value
        }
    }
}
