public import Foundation
public import PilotageProtocol

/// Reads one CSV file of one entity kind, row by row, in bounded memory, keeping per-row errors.
///
/// - The header row names the columns with the contract's field names (trimmed, any case);
///   `deleted` makes a row a tombstone when true; a nested field may be split over dotted
///   columns (`team.partner`, `team.manager`); unknown columns are ignored with a warning.
/// - The separator is `;` or `,`, whichever the header uses (outside quotes); UTF-8, with or
///   without byte-order mark; RFC 4180 quoting (separators, doubled quotes and line breaks inside
///   quotes; a line break inside quotes is read as `\n`).
/// - An empty cell is an absent field. Lists and nested values use ``CompactCellSyntax`` or JSON.
///
/// A bad row gives a ``RowIssue`` with its line number, field and reason code, and reading goes
/// on. Reading blocks: run it off the cooperative pool (``batches(url:kind:maximumRows:limits:)``).
public struct CSVReader<Source: ByteSource> {
    /// The entity kind of every row.
    public let kind: EntityKind
    /// The separator found in the header (`;` or `,`).
    public let separator: Character
    /// Column names as read (trimmed, lower-cased).
    public let columns: [String]
    /// File-level warnings (unknown or duplicate columns).
    public let warnings: [ImportWarning]
    /// The limits each row is checked against.
    public let limits: RecordLimits

    private var lines: LineReader<Source>
    private let separatorByte: UInt8
    private let usedColumns: [Bool]

    /// Opens the reader and reads the header row (blocking).
    ///
    /// - Throws: ``ImportError`` `.missingHeader` for an empty file, `.missingColumn` when the
    ///   header has no `id` column (every kind but firm settings needs one).
    public init(source: Source, kind: EntityKind, limits: RecordLimits = RecordLimits()) throws {
        self.kind = kind
        self.limits = limits
        self.lines = LineReader(source: source, maximumLineLength: limits.maximumLineBytes)
        let name = source.name
        var header: ArraySlice<UInt8>?
        while let line = try self.lines.nextLine() {
            guard case .text(let bytes) = line else {
                throw ImportError(
                    code: .missingHeader,
                    message: "\(name): the header row is longer than \(limits.maximumLineBytes) bytes"
                )
            }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            header = bytes
            break
        }
        guard let header else {
            throw ImportError(
                code: .missingHeader,
                message: "\(name): the file is empty (a CSV file starts with a header row)"
            )
        }
        self.separatorByte = Self.detectSeparator(header)
        self.separator = Character(Unicode.Scalar(self.separatorByte))
        var fields: [String] = []
        switch Self.split(header, separator: self.separatorByte) {
        case .fields(let values): fields = values
        case .openQuote, .malformed:
            throw ImportError(code: .missingHeader, message: "\(name): the header row has unbalanced quotes")
        }
        self.columns = fields.map { $0.trimmingSpaces().lowercased() }
        let known = Set(kind.fieldNames + ["deleted"])
        var used: [Bool] = []
        var seen: Set<String> = []
        var collector = WarningCollector()
        for column in self.columns {
            let root = String(column.split(separator: ".", maxSplits: 1).first ?? "")
            if column.isEmpty {
                used.append(false)
            } else if !known.contains(root) {
                used.append(false)
                collector.warn(
                    "UNKNOWN_COLUMN",
                    source: name,
                    line: 1,
                    "column '\(column)' is not a field of \(kind.rawValue); it was ignored"
                )
            } else if !seen.insert(column).inserted {
                used.append(false)
                collector.warn(
                    "DUPLICATE_COLUMN",
                    source: name,
                    line: 1,
                    "column '\(column)' appears twice; the first one is read"
                )
            } else {
                used.append(true)
            }
        }
        self.usedColumns = used
        self.warnings = collector.warnings
        if kind != .firmSettings, !self.columns.contains("id") {
            throw ImportError(code: .missingColumn, message: "\(name): the header has no 'id' column")
        }
    }

    /// The entity kind a file name stands for (`client.csv`, `credit_document.CSV`), if any.
    public static func entityKind(forFileName name: String) -> EntityKind? {
        let lowered = name.lowercased()
        guard lowered.hasSuffix(".csv") else { return nil }
        return EntityKind(rawValue: String(lowered.dropLast(4)))
    }

    /// The next row, accepted or rejected; `nil` at the end.
    public mutating func nextRow() throws -> RowOutcome? {
        let name = self.lines.source.name
        var cells: [String] = []
        var pending: [UInt8] = []
        var startLine = 0
        while let line = try self.lines.nextLine() {
            let number = self.lines.lineNumber
            guard case .text(var bytes) = line else {
                return .rejected(
                    RowIssue(
                        source: name,
                        line: startLine == 0 ? number : startLine,
                        reason: .malformed,
                        message: "row longer than \(self.limits.maximumLineBytes) bytes"
                    )
                )
            }
            if startLine == 0 {
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                startLine = number
            } else {
                // Continuation of a quoted cell: join with the line break it contained.
                pending.append(0x0A)
                pending.append(contentsOf: bytes)
                bytes = pending[...]
                guard pending.count <= self.limits.maximumLineBytes else {
                    return .rejected(
                        RowIssue(
                            source: name,
                            line: startLine,
                            reason: .malformed,
                            message: "row longer than \(self.limits.maximumLineBytes) bytes"
                        )
                    )
                }
            }
            switch Self.split(bytes, separator: self.separatorByte) {
            case .openQuote:
                pending = Array(bytes)
                continue
            case .malformed(let message):
                return .rejected(RowIssue(source: name, line: startLine, reason: .malformed, message: message))
            case .fields(let values):
                cells = values
            }
            return self.makeRow(cells, line: startLine, source: name)
        }
        if startLine != 0 {
            return .rejected(
                RowIssue(
                    source: name,
                    line: startLine,
                    reason: .malformed,
                    message: "a quoted cell is not closed before the end of the file"
                )
            )
        }
        return nil
    }

    /// Up to `maximumRows` rows (accepted and rejected); `nil` at the end.
    public mutating func nextBatch(maximumRows: Int) throws -> ReadBatch? {
        var batch = ReadBatch()
        while batch.count < max(1, maximumRows), let outcome = try self.nextRow() {
            switch outcome {
            case .accepted(let row): batch.rows.append(row)
            case .rejected(let issue): batch.rejected.append(issue)
            }
        }
        return batch.count == 0 ? nil : batch
    }

    private func makeRow(_ cells: [String], line: Int, source: String) -> RowOutcome {
        guard cells.count <= self.columns.count else {
            return .rejected(
                RowIssue(
                    source: source,
                    line: line,
                    reason: .malformed,
                    message: "the row has \(cells.count) cells, the header \(self.columns.count)"
                )
            )
        }
        var fields: [String: FieldValue] = [:]
        for (index, cell) in cells.enumerated() where self.usedColumns[index] {
            guard !cell.allSatisfy({ $0 == " " || $0 == "\t" }) else { continue }
            let column = self.columns[index]
            let parts = column.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                var members: [String: FieldValue] = [:]
                if case .object(let existing) = fields[parts[0]] { members = existing }
                members[parts[1]] = .cell(cell)
                fields[parts[0]] = .object(members)
            } else if fields[column] == nil {
                fields[column] = .cell(cell)
            }
        }
        return RowBuilder.build(kind: self.kind, fields: fields, line: line, source: source, limits: self.limits)
    }

    // MARK: - Tokenizing

    private enum SplitResult {
        case fields([String])
        case openQuote
        case malformed(String)
    }

    /// The separator used by the header outside quotes: `;` when it has more of them than `,`.
    private static func detectSeparator(_ header: ArraySlice<UInt8>) -> UInt8 {
        var inQuotes = false
        var semicolons = 0
        var commas = 0
        for byte in header {
            if byte == 0x22 { inQuotes.toggle() }
            guard !inQuotes else { continue }
            if byte == 0x3B { semicolons += 1 }
            if byte == 0x2C { commas += 1 }
        }
        return semicolons > commas ? 0x3B : 0x2C
    }

    /// Splits one row (RFC 4180); `.openQuote` when a quoted cell goes on past the end.
    private static func split(_ bytes: ArraySlice<UInt8>, separator: UInt8) -> SplitResult {
        var fields: [String] = []
        var current: [UInt8] = []
        var index = bytes.startIndex
        var inQuotes = false
        var wasQuoted = false
        func finish() -> String? {
            defer {
                current.removeAll(keepingCapacity: true)
                wasQuoted = false
            }
            return String(validating: current, as: UTF8.self)
        }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if inQuotes {
                if byte == 0x22 {
                    if index + 1 < bytes.endIndex, bytes[index + 1] == 0x22 {
                        current.append(0x22)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(byte)
                }
            } else if byte == separator {
                guard let field = finish() else { return .malformed("a cell is not valid UTF-8") }
                fields.append(field)
            } else if byte == 0x22 {
                guard current.isEmpty, !wasQuoted else {
                    return .malformed("a quote inside an unquoted cell (quote the whole cell and double inner quotes)")
                }
                inQuotes = true
                wasQuoted = true
            } else if wasQuoted {
                if byte == 0x20 || byte == 0x09 {
                    index += 1
                    continue
                }
                return .malformed("text after the closing quote of a cell")
            } else {
                current.append(byte)
            }
            index += 1
        }
        if inQuotes { return .openQuote }
        guard let field = finish() else { return .malformed("a cell is not valid UTF-8") }
        fields.append(field)
        return .fields(fields)
    }
}

extension CSVReader where Source == FileByteSource {
    /// Batches of the CSV file at `url` (of `kind`, else the kind its name says), read on a
    /// private queue, never on the cooperative pool.
    public static func batches(
        url: URL,
        kind: EntityKind? = nil,
        maximumRows: Int = 10_000,
        limits: RecordLimits = RecordLimits()
    ) -> BlockingBatchSequence<ReadBatch> {
        BlockingBatchSequence(label: "imports.csv") {
            guard let kind = kind ?? Self.entityKind(forFileName: url.lastPathComponent) else {
                throw ImportError(
                    code: .unknownEntityKind,
                    message:
                        "\(url.lastPathComponent): the file name does not name an entity kind (client.csv, installment.csv …)"
                )
            }
            let source = try FileByteSource(url: url)
            var reader = try CSVReader(source: source, kind: kind, limits: limits)
            return {
                let batch = try reader.nextBatch(maximumRows: maximumRows)
                if batch == nil { source.close() }
                return batch
            }
        }
    }
}

/// The CSV files of a directory, one per entity kind.
public enum CSVDirectory: Sendable {
    /// The `<kind>.csv` files of `directory` in dependency order, and the other files, ignored.
    ///
    /// - Throws: ``ImportError`` `.unreadableSource` when the directory cannot be listed.
    public static func files(in directory: URL) throws -> (files: [(kind: EntityKind, url: URL)], ignored: [URL]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw ImportError(
                code: .unreadableSource,
                message: "cannot list \(directory.path): \(error.localizedDescription)"
            )
        }
        var byKind: [EntityKind: URL] = [:]
        var ignored: [URL] = []
        for name in names.sorted() {
            let url = directory.appendingPathComponent(name)
            if let kind = CSVReader<FileByteSource>.entityKind(forFileName: name), byKind[kind] == nil {
                byKind[kind] = url
            } else {
                ignored.append(url)
            }
        }
        let files = EntityKind.dependencyOrder.compactMap { kind in byKind[kind].map { (kind: kind, url: $0) } }
        return (files, ignored)
    }
}

extension CSVReader: Sendable where Source: Sendable {}
