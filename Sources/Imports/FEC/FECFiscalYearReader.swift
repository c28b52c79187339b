internal import Foundation
internal import Wire

/// Reads the parts of one fiscal-year FEC into a ``FECFiscalYear``: header, separator, encoding,
/// line ends, field shapes (kpi-research-notes §B.3), then the customer lines and a summary of
/// every entry that has one. Bad lines are reported with their number and skipped.
///
/// Memory: customer lines are kept (they become records); entries without customer lines are
/// kept only within a window of recent entries (``FECImportOptions/entryWindow``).
package struct FECFiscalYearReader {
    package private(set) var year: FECFiscalYear
    private let options: FECImportOptions
    private var collector: WarningCollector
    private var windowQueue: [FECEntryKey] = []
    private var windowHead = 0
    private var fields: [Range<Int>] = []
    /// The entry of the previous line, kept out of the dictionary while its lines follow each
    /// other (the usual case), so a line costs no hashing.
    private var current: FECEntry?

    /// Starts a fiscal year named `name`; warnings and issues go to `collector`.
    package init(name: String, options: FECImportOptions, collector: WarningCollector) {
        self.year = FECFiscalYear(name: name)
        self.options = options
        self.collector = collector
    }

    /// The collector, with what this reader added.
    package var warnings: WarningCollector { self.collector }

    /// Reads one part (a file; a split fiscal year has several, each with its header).
    ///
    /// - Throws: ``ImportError`` when the part cannot be read or has no FEC header.
    package mutating func read<Source: ByteSource>(_ source: Source) throws {
        var reader = LineReader(source: source)
        let name = source.name
        var summary = FECImportReport.FileSummary(name: name, fiscalYear: self.year.name)
        guard let first = try reader.nextLine() else {
            throw ImportError(
                code: .missingHeader,
                message: "\(name): the file is empty (a FEC starts with its header line)"
            )
        }
        guard case .text(let headerBytes) = first else {
            throw ImportError(code: .missingHeader, message: "\(name): the first line is too long to be a FEC header")
        }
        let header = try FECHeader.parse(headerBytes, source: name)
        summary.separator = header.separatorName
        summary.extraColumns = header.extraColumns
        if header.separator == 0x3B || header.separator == 0x2C {
            self.collector.warn(
                "SEPARATOR",
                source: name,
                line: 1,
                "fields are separated by '\(header.separator == 0x3B ? ";" : ",")', not a tab or '|' as the FEC requires"
            )
        }
        while let line = try reader.nextLine() {
            let number = reader.lineNumber
            switch line {
            case .tooLong(let length):
                summary.rejectedLines += 1
                self.collector.reject(
                    RowIssue(
                        source: name,
                        line: number,
                        reason: .malformed,
                        message: "line of \(length) bytes is longer than the limit of \(reader.maximumLineLength)"
                    )
                )
            case .text(let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                if FECHeader.looksLikeHeader(bytes) {
                    self.collector.warn(
                        "REPEATED_HEADER",
                        source: name,
                        line: number,
                        "a header line repeated inside the file was skipped"
                    )
                    continue
                }
                do {
                    try self.parseLine(bytes, number: number, header: header, source: name, summary: &summary)
                    summary.accountingLines += 1
                } catch let issue as LineIssue {
                    summary.rejectedLines += 1
                    self.collector.reject(
                        RowIssue(
                            source: name,
                            line: number,
                            field: issue.field,
                            reason: issue.reason,
                            message: issue.message
                        )
                    )
                }
            }
        }
        summary.linesRead = reader.lineNumber
        summary.hadByteOrderMark = reader.hadByteOrderMark
        summary.crlfLineEnds = reader.lineEnds.crlf
        summary.lfLineEnds = reader.lineEnds.lf
        summary.crLineEnds = reader.lineEnds.cr
        self.year.files.append(summary)
    }

    /// Ends the fiscal year: drops entries without customer lines, checks every entry balances.
    package mutating func finish() -> FECFiscalYear {
        self.flushCurrentEntry()
        while self.windowHead < self.windowQueue.count {
            self.evictOldestEntry()
        }
        self.windowQueue = []
        self.windowHead = 0
        for key in self.year.entries.keys.sorted() {
            guard let entry = self.year.entries[key] else { continue }
            if entry.balance != 0 { self.warnUnbalanced(entry) }
            if entry.customerLineIndices.isEmpty { self.year.entries[key] = nil }
        }
        return self.year
    }

    private mutating func flushCurrentEntry() {
        if let entry = self.current {
            self.current = nil
            self.year.entries[entry.key] = entry
        }
    }

    // MARK: - One line

    private struct LineIssue: Error {
        var field: String?
        var reason: RowReason
        var message: String
    }

    private mutating func parseLine(
        _ bytes: ArraySlice<UInt8>,
        number: Int,
        header: FECHeader,
        source: String,
        summary: inout FECImportReport.FileSummary
    ) throws {
        self.splitFields(bytes, separator: header.separator)
        if self.fields.count > header.fieldCount {
            let extra = self.fields[header.fieldCount...]
            if extra.allSatisfy({ $0.isEmpty }) {
                self.fields.removeSubrange(header.fieldCount...)
            } else if header.separator == 0x7C, let labelIndex = header.index(of: .entryLabel) {
                let surplus = self.fields.count - header.fieldCount
                let merged = self.fields[labelIndex].lowerBound..<self.fields[labelIndex + surplus].upperBound
                self.fields.replaceSubrange(labelIndex...(labelIndex + surplus), with: [merged])
                self.collector.warn(
                    "PIPE_IN_LABEL",
                    source: source,
                    line: number,
                    "the line has \(header.fieldCount + surplus) fields for \(header.fieldCount) columns; the extra '|' were taken as part of EcritureLib"
                )
            } else {
                throw LineIssue(
                    reason: .malformed,
                    message: "the line has \(self.fields.count) fields, the header \(header.fieldCount)"
                )
            }
        } else if self.fields.count < header.fieldCount {
            self.collector.warn(
                "SHORT_LINE",
                source: source,
                line: number,
                "the line has fewer fields than the header; the missing trailing fields were taken as empty"
            )
        }
        var encoding = TextDecoding.Encoding.utf8
        if !TextDecoding.isASCII(bytes) {
            encoding = TextDecoding.detect(bytes)
            if encoding != .utf8 {
                summary.legacyEncodedLines += 1
                self.collector.warn(
                    "ENCODING_FALLBACK",
                    source: source,
                    line: number,
                    "the file is not valid UTF-8; lines were read as \(encoding.rawValue)"
                )
            }
        }
        let base = bytes.startIndex
        func raw(_ column: FECColumn) -> ArraySlice<UInt8> {
            guard let index = header.index(of: column), index < self.fields.count else { return [] }
            let range = self.fields[index]
            return bytes[(base + range.lowerBound)..<(base + range.upperBound)]
        }
        func text(_ column: FECColumn) -> String {
            var slice = raw(column)
            while let first = slice.first, first == 0x20 { slice.removeFirst() }
            while let last = slice.last, last == 0x20 { slice.removeLast() }
            return TextDecoding.decode(slice, as: encoding)
        }
        func required(_ column: FECColumn) throws -> String {
            let value = text(column)
            guard !value.isEmpty else {
                throw LineIssue(
                    field: column.displayName,
                    reason: .missingField,
                    message: "\(column.displayName) is empty"
                )
            }
            return value
        }
        func date(_ column: FECColumn, isRequired: Bool) throws -> CalendarDate? {
            switch FECValueParser.date(raw(column)) {
            case .empty:
                if isRequired {
                    throw LineIssue(
                        field: column.displayName,
                        reason: .missingField,
                        message: "\(column.displayName) is empty"
                    )
                }
                return nil
            case .value(let value, let isNonStandard):
                if isNonStandard {
                    self.collector.warn(
                        "DATE_FORMAT",
                        source: source,
                        line: number,
                        "dates are not written YYYYMMDD (e.g. \(column.displayName) '\(text(column))'); they were read day first"
                    )
                }
                return value
            case .invalid:
                if isRequired {
                    throw LineIssue(
                        field: column.displayName,
                        reason: .badValue,
                        message: "\(column.displayName) '\(text(column))' is not a date YYYYMMDD"
                    )
                }
                self.collector.warn(
                    "BAD_OPTIONAL_DATE",
                    source: source,
                    line: number,
                    "\(column.displayName) '\(text(column))' is not a date; it was ignored"
                )
                return nil
            }
        }
        func amount(_ column: FECColumn) throws -> Int64 {
            switch FECValueParser.amount(raw(column)) {
            case .value(let value, let usedDecimalPoint):
                if usedDecimalPoint {
                    self.collector.warn(
                        "DECIMAL_POINT",
                        source: source,
                        line: number,
                        "amounts use '.' as decimal separator instead of ','"
                    )
                }
                return value
            case .invalid(let reason):
                throw LineIssue(
                    field: column.displayName,
                    reason: .badValue,
                    message: "\(column.displayName) '\(text(column))': \(reason)"
                )
            }
        }

        let journal = try required(.journalCode)
        let entryNumber = try required(.entryNumber)
        let account = try required(.accountNumber)
        guard let entryDate = try date(.entryDate, isRequired: true) else { return }
        let signed: Int64
        if header.usesAmountAndDirection {
            let value = try amount(.amount)
            switch text(.direction).uppercased() {
            case "D", "+1", "1", "+": signed = value
            case "C", "-1", "-": signed = -value
            default:
                throw LineIssue(
                    field: "Sens",
                    reason: .badValue,
                    message: "Sens '\(text(.direction))' is not D, C, +1 or -1"
                )
            }
        } else {
            signed = try amount(.debit) - amount(.credit)
        }

        let key = FECEntryKey(journal: journal, number: entryNumber, date: entryDate)
        var entry: FECEntry
        if let current = self.current, current.key == key {
            entry = current
            self.current = nil
        } else {
            self.flushCurrentEntry()
            if let existing = self.year.entries.removeValue(forKey: key) {
                entry = existing
            } else {
                entry = FECEntry(key: key, firstLine: number, source: source)
                entry.journalLabelSaysOpening = FECLedgerBuilder.saysOpening(text(.journalLabel))
                self.windowQueue.append(key)
                if self.windowQueue.count - self.windowHead > self.options.entryWindow { self.evictOldestEntry() }
            }
        }
        defer { self.current = entry }
        self.year.firstDate = min(self.year.firstDate ?? entryDate, entryDate)
        self.year.lastDate = max(self.year.lastDate ?? entryDate, entryDate)
        summary.firstDate = min(summary.firstDate ?? entryDate, entryDate)
        summary.lastDate = max(summary.lastDate ?? entryDate, entryDate)

        if self.options.customerAccountPrefixes.contains(where: { account.hasPrefix($0) }) {
            summary.customerLines += 1
            var client = text(.auxiliaryNumber)
            var isUnidentified = false
            if client.isEmpty {
                let suffix = String(account.dropFirst(3))
                if suffix.isEmpty || suffix.allSatisfy({ $0 == "0" }) {
                    client = FECLedgerBuilder.unidentifiedClient
                    isUnidentified = true
                } else {
                    client = suffix
                }
            }
            var clientName = text(.auxiliaryLabel)
            if clientName.isEmpty { clientName = isUnidentified ? client : text(.accountLabel) }
            if clientName.isEmpty { clientName = client }
            let line = FECCustomerLine(
                line: number,
                source: source,
                entry: key,
                account: account,
                client: client,
                isUnidentified: isUnidentified,
                clientName: clientName,
                reference: text(.pieceReference),
                pieceDate: try date(.pieceDate, isRequired: false),
                label: text(.entryLabel),
                amount: signed,
                letteringCode: text(.letteringCode),
                letteringDate: try date(.letteringDate, isRequired: false),
                dueDate: try date(.dueDate, isRequired: false),
                ordinal: entry.customerLineIndices.count + 1
            )
            entry.customerLineIndices.append(self.year.customerLines.count)
            self.year.customerLines.append(line)
        } else {
            let counterpart: FECCounterparts =
                if account.hasPrefix("70") {
                    .sales
                } else if account.hasPrefix("5") {
                    .cash
                } else if account.hasPrefix("654") || account.hasPrefix("6714") {
                    .writeOff
                } else if account.hasPrefix("445") {
                    .tax
                } else {
                    .other
                }
            entry.counterparts.insert(counterpart)
            if counterpart == .sales {
                entry.salesLines.append((text(.pieceReference), -signed))
            }
        }
        entry.balance += signed
    }

    private mutating func splitFields(_ bytes: ArraySlice<UInt8>, separator: UInt8) {
        self.fields.removeAll(keepingCapacity: true)
        bytes.withUnsafeBufferPointer { pointer in
            var start = 0
            for index in 0..<pointer.count where pointer[index] == separator {
                self.fields.append(start..<index)
                start = index + 1
            }
            self.fields.append(start..<pointer.count)
        }
    }

    // MARK: - Entry window

    private mutating func evictOldestEntry() {
        let key = self.windowQueue[self.windowHead]
        self.windowHead += 1
        if self.windowHead > 4_096, self.windowHead * 2 > self.windowQueue.count {
            self.windowQueue.removeFirst(self.windowHead)
            self.windowHead = 0
        }
        guard let entry = self.year.entries[key], entry.customerLineIndices.isEmpty else { return }
        if entry.balance != 0 { self.warnUnbalanced(entry) }
        self.year.entries[key] = nil
    }

    private mutating func warnUnbalanced(_ entry: FECEntry) {
        self.collector.warn(
            "UNBALANCED_ENTRY",
            source: entry.source,
            line: entry.firstLine,
            "entry \(entry.key.journal) \(entry.key.number) of \(entry.key.date) does not balance (debit − credit = \(FECLedgerBuilder.formatCents(entry.balance)))"
        )
    }
}
