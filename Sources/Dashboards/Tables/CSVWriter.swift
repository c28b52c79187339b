/// RFC 4180 CSV lines: fields separated by commas, quoted when they hold a comma, a quote, a
/// line break or leading/trailing spaces (quotes doubled); lines end with CRLF; `nil` is empty.
public enum CSVWriter {
    /// One line.
    public static func line(_ fields: [String?]) -> String {
        fields.map { Self.field($0) }.joined(separator: ",") + "\r\n"
    }

    /// The header and every row of a table, in chunks of whole lines of about `chunkBytes`.
    public static func chunks(columns: [TableColumn], rows: [TableRow], chunkBytes: Int = 64 * 1024) -> [String] {
        Self.chunks(header: columns.map(\.name), lines: rows.lazy.map { $0.values.map(\.rendered) }, chunkBytes: chunkBytes)
    }

    /// `header` then every line, in chunks of whole lines of about `chunkBytes`.
    public static func chunks(header: [String?], lines: some Sequence<[String?]>, chunkBytes: Int = 64 * 1024) -> [String] {
        var chunks: [String] = []
        var current = Self.line(header)
        for fields in lines {
            current += Self.line(fields)
            if current.utf8.count >= chunkBytes {
                chunks.append(current)
                current = ""
            }
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    static func field(_ value: String?) -> String {
        guard let value else { return "" }
        let needsQuotes = value.contains { $0 == "," || $0 == "\"" || $0.isNewline }
            || value.first == " " || value.last == " "
        guard needsQuotes else { return value }
        var quoted = "\""
        for character in value {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }
}
