/// A condition that does not reject data but that the user must know about (encoding fallback,
/// non-standard separator, date format …), aggregated: one warning per code and source with the
/// number of lines concerned and the first few line numbers.
public struct ImportWarning: Hashable, Sendable, CustomStringConvertible {
    /// A stable code (`ENCODING_FALLBACK`, `SEPARATOR`, `DATE_FORMAT` …).
    public var code: String
    /// File the warning is about, when it is about one.
    public var source: String?
    /// Message of the first occurrence.
    public var message: String
    /// Number of lines (or occurrences) concerned.
    public var count: Int
    /// The first line numbers concerned (at most ``WarningCollector/exampleLimit``).
    public var exampleLines: [Int]

    /// Creates a warning.
    public init(code: String, source: String?, message: String, count: Int, exampleLines: [Int]) {
        self.code = code
        self.source = source
        self.message = message
        self.count = count
        self.exampleLines = exampleLines
    }

    public var description: String {
        var text = "\(self.code)"
        if let source = self.source { text += " (\(source))" }
        text += ": \(self.message)"
        if self.count > 1 { text += " [\(self.count) occurrences]" }
        if !self.exampleLines.isEmpty {
            text += " lines " + self.exampleLines.map(String.init).joined(separator: ", ")
            if self.count > self.exampleLines.count { text += " …" }
        }
        return text
    }
}

/// Aggregates warnings and row issues with bounded memory: warnings are merged per (code, source),
/// row issues are kept up to a limit and counted beyond it.
public struct WarningCollector: Sendable {
    /// How many line numbers a warning keeps as examples.
    public static let exampleLimit = 10

    private var order: [WarningKey] = []
    private var warningsByKey: [WarningKey: ImportWarning] = [:]
    /// The issues kept (the first ``issueLimit``).
    public private(set) var issues: [RowIssue] = []
    /// Number of issues reported, including those not kept.
    public private(set) var issueCount = 0
    /// Issues beyond this number are counted, not kept.
    public let issueLimit: Int

    private struct WarningKey: Hashable, Sendable {
        var code: String
        var source: String?
    }

    /// Creates an empty collector keeping at most `issueLimit` row issues.
    public init(issueLimit: Int = 1_000) {
        self.issueLimit = issueLimit
    }

    /// Records one occurrence of a warning.
    public mutating func warn(_ code: String, source: String?, line: Int?, _ message: @autoclosure () -> String) {
        let key = WarningKey(code: code, source: source)
        if var warning = self.warningsByKey[key] {
            warning.count += 1
            if let line, warning.exampleLines.count < Self.exampleLimit { warning.exampleLines.append(line) }
            self.warningsByKey[key] = warning
        } else {
            self.order.append(key)
            self.warningsByKey[key] = ImportWarning(
                code: code,
                source: source,
                message: message(),
                count: 1,
                exampleLines: line.map { [$0] } ?? []
            )
        }
    }

    /// Records a rejected line.
    public mutating func reject(_ issue: RowIssue) {
        self.issueCount += 1
        if self.issues.count < self.issueLimit { self.issues.append(issue) }
    }

    /// The warnings, in the order they first occurred.
    public var warnings: [ImportWarning] {
        self.order.compactMap { self.warningsByKey[$0] }
    }
}
