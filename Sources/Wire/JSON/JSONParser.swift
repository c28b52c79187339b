/// A strict RFC 8259 JSON parser.
///
/// No extensions: no comments, no trailing commas, no single quotes, no `NaN`; duplicate object
/// keys and lone surrogate escapes are errors; nesting is bounded. Errors are ``WireError`` with
/// code ``WireError/Code/invalidJSON`` and a message giving line and column (1-based, columns
/// in characters).
package struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private let maxDepth: Int

    /// Parses `text` as one JSON value (surrounding whitespace allowed).
    package static func parse(_ text: String, maxDepth: Int = WireLimits.default.maxDepth) throws(WireError) -> JSONValue {
        var parser = JSONParser(bytes: Array(text.utf8), maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    /// Parses UTF-8 bytes as one JSON value; invalid UTF-8 is an error.
    package static func parse(utf8 bytes: [UInt8], maxDepth: Int = WireLimits.default.maxDepth) throws(WireError) -> JSONValue {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw WireError(code: .invalidJSON, message: "JSON text is not valid UTF-8")
        }
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    private init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private mutating func parseDocument() throws(WireError) -> JSONValue {
        self.skipWhitespace()
        let value = try self.parseValue(depth: 0)
        self.skipWhitespace()
        guard self.index == self.bytes.count else {
            throw self.error("unexpected \(self.describeCurrent()) after the JSON value")
        }
        return value
    }

    // MARK: - Errors

    private func error(_ message: String, at offset: Int? = nil) -> WireError {
        let offset = Swift.min(offset ?? self.index, self.bytes.count)
        var line = 1
        var lineStart = 0
        for position in 0..<offset where self.bytes[position] == UInt8(ascii: "\n") {
            line += 1
            lineStart = position + 1
        }
        let column = String(decoding: self.bytes[lineStart..<offset], as: UTF8.self).count + 1
        return WireError(code: .invalidJSON, message: "line \(line), column \(column): \(message)")
    }

    private func describeCurrent() -> String {
        guard self.index < self.bytes.count else { return "end of input" }
        let byte = self.bytes[self.index]
        if byte >= 0x20, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16))"
    }

    // MARK: - Values

    private mutating func skipWhitespace() {
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case 0x20, 0x09, 0x0A, 0x0D: self.index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(WireError) -> JSONValue {
        guard self.index < self.bytes.count else { throw self.error("expected a value, found end of input") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return try self.parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try self.parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"): try self.expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try self.expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try self.expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try self.parseNumber())
        default: throw self.error("expected a value, found \(self.describeCurrent())")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(WireError) {
        let start = self.index
        let matches = literal.withUTF8Buffer { utf8 -> Bool in
            guard self.bytes.count - start >= utf8.count else { return false }
            for offset in 0..<utf8.count where self.bytes[start + offset] != utf8[offset] { return false }
            return true
        }
        guard matches else { throw self.error("invalid literal, expected \(literal)") }
        self.index += literal.utf8CodeUnitCount
    }

    private mutating func parseObject(depth: Int) throws(WireError) -> JSONValue {
        guard depth <= self.maxDepth else { throw self.error("JSON nested deeper than \(self.maxDepth)") }
        self.index += 1  // {
        var members: [JSONMember] = []
        var keys = Set<String>()
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "}") {
            self.index += 1
            return .object(members)
        }
        while true {
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\"") else {
                throw self.error("expected a member name in double quotes, found \(self.describeCurrent())")
            }
            let keyStart = self.index
            let key = try self.parseString()
            guard keys.insert(key).inserted else {
                throw self.error("duplicate member name \"\(key)\"", at: keyStart)
            }
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ":") else {
                throw self.error("expected ':' after a member name, found \(self.describeCurrent())")
            }
            self.index += 1
            self.skipWhitespace()
            members.append(JSONMember(key: key, value: try self.parseValue(depth: depth)))
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.error("unterminated object") }
            if self.bytes[self.index] == UInt8(ascii: ",") {
                self.index += 1
                continue
            }
            if self.bytes[self.index] == UInt8(ascii: "}") {
                self.index += 1
                return .object(members)
            }
            throw self.error("expected ',' or '}' in an object, found \(self.describeCurrent())")
        }
    }

    private mutating func parseArray(depth: Int) throws(WireError) -> JSONValue {
        guard depth <= self.maxDepth else { throw self.error("JSON nested deeper than \(self.maxDepth)") }
        self.index += 1  // [
        var elements: [JSONValue] = []
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "]") {
            self.index += 1
            return .array(elements)
        }
        while true {
            self.skipWhitespace()
            elements.append(try self.parseValue(depth: depth))
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.error("unterminated array") }
            if self.bytes[self.index] == UInt8(ascii: ",") {
                self.index += 1
                continue
            }
            if self.bytes[self.index] == UInt8(ascii: "]") {
                self.index += 1
                return .array(elements)
            }
            throw self.error("expected ',' or ']' in an array, found \(self.describeCurrent())")
        }
    }

    private mutating func parseNumber() throws(WireError) -> JSONNumber {
        let start = self.index
        var isInteger = true
        if self.bytes[self.index] == UInt8(ascii: "-") { self.index += 1 }
        guard self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) else {
            throw self.error("expected a digit in a number")
        }
        if self.bytes[self.index] == UInt8(ascii: "0") {
            self.index += 1
            if self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) {
                throw self.error("leading zeros are not allowed in numbers", at: start)
            }
        } else {
            self.skipDigits()
        }
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ".") {
            isInteger = false
            self.index += 1
            guard self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) else {
                throw self.error("expected a digit after the decimal point")
            }
            self.skipDigits()
        }
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "e") || self.bytes[self.index] == UInt8(ascii: "E") {
            isInteger = false
            self.index += 1
            if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "+") || self.bytes[self.index] == UInt8(ascii: "-") {
                self.index += 1
            }
            guard self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) else {
                throw self.error("expected a digit in the exponent")
            }
            self.skipDigits()
        }
        return JSONNumber(text: String(decoding: self.bytes[start..<self.index], as: UTF8.self), isInteger: isInteger)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) { self.index += 1 }
    }

    private mutating func parseString() throws(WireError) -> String {
        let start = self.index
        self.index += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = self.index
        while true {
            guard self.index < self.bytes.count else { throw self.error("unterminated string", at: start) }
            let byte = self.bytes[self.index]
            if byte == UInt8(ascii: "\"") {
                let string = String(decoding: self.bytes[runStart..<self.index], as: UTF8.self)
                self.index += 1
                if scalars.isEmpty { return string }
                scalars.append(contentsOf: string.unicodeScalars)
                return String(scalars)
            }
            if byte < 0x20 {
                throw self.error("control character 0x\(String(byte, radix: 16)) must be escaped in a string")
            }
            if byte != UInt8(ascii: "\\") {
                self.index += 1
                continue
            }
            scalars.append(contentsOf: String(decoding: self.bytes[runStart..<self.index], as: UTF8.self).unicodeScalars)
            scalars.append(try self.parseEscape())
            runStart = self.index
        }
    }

    private mutating func parseEscape() throws(WireError) -> Unicode.Scalar {
        let start = self.index
        self.index += 1  // backslash
        guard self.index < self.bytes.count else { throw self.error("unterminated escape", at: start) }
        let byte = self.bytes[self.index]
        self.index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try self.parseHex4()
            if (0xD800..<0xDC00).contains(first) {
                guard self.index + 1 < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\\"),
                    self.bytes[self.index + 1] == UInt8(ascii: "u")
                else { throw self.error("high surrogate \\u\(String(first, radix: 16)) not followed by a low surrogate", at: start) }
                self.index += 2
                let second = try self.parseHex4()
                guard (0xDC00..<0xE000).contains(second) else {
                    throw self.error("high surrogate not followed by a low surrogate", at: start)
                }
                let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                guard let scalar = Unicode.Scalar(value) else { throw self.error("invalid escape", at: start) }
                return scalar
            }
            guard let scalar = Unicode.Scalar(first) else {
                throw self.error("lone low surrogate \\u\(String(first, radix: 16))", at: start)
            }
            return scalar
        default:
            throw self.error("invalid escape '\\\(Character(Unicode.Scalar(byte)))'", at: start)
        }
    }

    private mutating func parseHex4() throws(WireError) -> UInt32 {
        guard self.bytes.count - self.index >= 4 else { throw self.error("expected 4 hex digits after \\u") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw self.error("expected 4 hex digits after \\u")
            }
            value = value << 4 | digit
            self.index += 1
        }
        return value
    }
}
