/// Prints ``JSONValue``s as RFC 8259 text: compact, or pretty with two-space indentation.
///
/// Strings are escaped minimally (`"`, `\`, control characters); other characters are written
/// as UTF-8. Numbers are written as their literal text.
package enum JSONPrinter {
    /// The text of `value`: compact, or pretty with two-space indentation and `": "`.
    package static func print(_ value: JSONValue, pretty: Bool) -> String {
        var output = ""
        Self.write(value, into: &output, pretty: pretty, indent: 0)
        return output
    }

    private static func write(_ value: JSONValue, into output: inout String, pretty: Bool, indent: Int) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number): output += number.text
        case .string(let string): Self.writeString(string, into: &output)
        case .array(let elements):
            guard !elements.isEmpty else {
                output += "[]"
                return
            }
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                if pretty { Self.newline(into: &output, indent: indent + 1) }
                Self.write(element, into: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { Self.newline(into: &output, indent: indent) }
            output += "]"
        case .object(let members):
            guard !members.isEmpty else {
                output += "{}"
                return
            }
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                if pretty { Self.newline(into: &output, indent: indent + 1) }
                Self.writeString(member.key, into: &output)
                output += pretty ? ": " : ":"
                Self.write(member.value, into: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { Self.newline(into: &output, indent: indent) }
            output += "}"
        }
    }

    private static func newline(into output: inout String, indent: Int) {
        output += "\n"
        output += String(repeating: "  ", count: indent)
    }

    /// Appends `string` as a JSON string literal.
    package static func writeString(_ string: String, into output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
