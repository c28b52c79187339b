internal import Foundation
internal import Imports
internal import PilotageProtocol
internal import RPCCore
internal import ServerSupport
internal import Wire

/// `pilotage import fec|csv|jsonl`: reads a file (streaming), sends it as ingestion batches in
/// dependency order, shows progress, and prints one final report merging the rows refused while
/// reading and the rows the gateway rejected, each pointing back to its line.
enum ImportCommand {
    static func run(_ context: CommandContext) async throws {
        var context = context
        let format = try context.arguments.nextPositional("format (fec, csv, jsonl)")
        let paths = context.arguments.remainingPositionals
        guard !paths.isEmpty || format == "demo" else { throw UsageError("import \(format) needs a file") }
        let batchSize = try context.arguments.integer("--batch-size", default: 5_000, in: 1...1_000_000)
        let source =
            format == "demo"
            ? "demo:size=\(context.arguments.value("--size") ?? "small"),seed=\(context.arguments.value("--seed") ?? "42")"
            : "\(format):" + paths.joined(separator: ",")
        let options = IngestOptions(allOrNothing: context.arguments.flag("--all-or-nothing"), source: source)
        let progress = ProgressReporter(label: "import \(format)", plain: context.arguments.flag("--no-progress"))
        var sender = BatchSender(context: context, options: options, progress: progress)
        var fecReport: FECImportReport?
        switch format {
        case "fec":
            let result = try await FECImporter.importFiles(paths.map { URL(fileURLWithPath: $0) })
            fecReport = result.report
            sender.total = result.clients.count + result.installments.count + result.debitDocuments.count
                + result.creditDocuments.count + result.allocations.count
            for batch in result.batches(maximumCount: batchSize) {
                try await sender.send(batch.records.map { ImportRow(line: nil, kind: batch.kind, id: $0.id, content: .record($0)) })
            }
            for issue in result.report.errors { sender.summary.readIssues.append(issue) }
        case "csv":
            guard paths.count == 1 else { throw UsageError("import csv takes one directory or file") }
            let url = URL(fileURLWithPath: paths[0])
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw UsageError("no such file or directory: \(url.path)")
            }
            let kind = try context.arguments.value("--kind").map(Self.kind)
            let files = isDirectory.boolValue ? try CSVDirectory.files(in: url).files.map { ($0.kind as EntityKind?, $0.url) } : [(kind, url)]
            for (fileKind, file) in files {
                for try await batch in CSVReader<FileByteSource>.batches(url: file, kind: fileKind, maximumRows: batchSize) {
                    try await sender.send(batch)
                }
            }
        case "demo":
            guard paths.isEmpty else { throw UsageError("import demo takes no file") }
            var parameters = try Self.demoParameters(context.arguments)
            parameters.batchSize = batchSize
            sender.total = nil
            for try await batch in DemoFirmGenerator.batches(parameters: parameters) {
                try await sender.send(batch.records.map { ImportRow(line: nil, kind: batch.kind, id: $0.id, content: .record($0)) })
            }
        case "jsonl":
            guard paths.count == 1 else { throw UsageError("import jsonl takes one file") }
            for try await batch in JSONLinesReader<FileByteSource>.batches(url: URL(fileURLWithPath: paths[0]), maximumRows: batchSize) {
                try await sender.send(batch)
            }
        default:
            throw UsageError("unknown import format '\(format)' (fec, csv, jsonl, demo)")
        }
        progress.finish()
        let summary = sender.summary
        if context.output.json {
            context.output.print(try CLIOutput.prettyJSON(summary.json(fec: fecReport)))
        } else {
            context.output.print(summary.text(fec: fecReport))
        }
    }

    /// `--size small|medium|large`, `--seed N`, `--today YYYY-MM-DD` (default: today, UTC).
    static func demoParameters(_ arguments: CommandLineArguments) throws -> DemoFirmParameters {
        let sizeName = arguments.value("--size") ?? "small"
        guard let size = DemoFirmSize(rawValue: sizeName) else {
            throw UsageError("--size expects \(DemoFirmSize.allCases.map(\.rawValue).joined(separator: ", ")), got '\(sizeName)'")
        }
        let today: CalendarDate
        if let text = arguments.value("--today") {
            guard let date = CalendarDate(text) else { throw UsageError("--today expects YYYY-MM-DD, got '\(text)'") }
            today = date
        } else {
            let days = Int32(Date().timeIntervalSince1970 / 86_400)
            today = CalendarDate(daysSinceEpoch: days) ?? CalendarDate.min
        }
        let seed = try arguments.integer("--seed", default: 42, in: 0...Int.max)
        let parameters = DemoFirmParameters(size: size, today: today, seed: UInt64(seed))
        try parameters.validate()
        return parameters
    }

    static func kind(_ text: String) throws -> EntityKind {
        guard let kind = EntityKind(rawValue: text) else {
            throw UsageError("unknown entity kind '\(text)' (\(EntityKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return kind
    }
}

/// One row to send, with where it came from.
struct ImportRow {
    var line: Int?
    var kind: EntityKind
    var id: String
    var content: ReadRow.Content
}

/// Sends rows as batches and accumulates the final report.
struct BatchSender {
    let context: CommandContext
    let options: IngestOptions
    let progress: ProgressReporter
    var total: Int?
    var summary = ImportSummary()
    private let encoder = WireEncoder()

    init(context: CommandContext, options: IngestOptions, progress: ProgressReporter) {
        self.context = context
        self.options = options
        self.progress = progress
    }

    /// Sends what a file reader accepted; the rows it refused go to the report.
    mutating func send(_ batch: ReadBatch) async throws {
        self.summary.readIssues += batch.rejected
        self.summary.read += batch.rejected.count
        try await self.send(batch.rows.map { ImportRow(line: $0.line, kind: $0.kind, id: $0.id, content: $0.content) })
    }

    /// Sends `rows` as one batch (one transaction on the gateway).
    mutating func send(_ rows: [ImportRow]) async throws {
        guard !rows.isEmpty else { return }
        var ingestRows: [IngestRow] = []
        ingestRows.reserveCapacity(rows.count)
        for row in rows {
            let payload: [UInt8]
            switch row.content {
            case .record(let record): payload = try self.encoder.encode(record)
            case .tombstone: payload = try self.encoder.encode(RecordHeader(id: row.id, deleted: true))
            }
            ingestRows.append(IngestRow(kind: row.kind, payload: Data(payload)))
        }
        let options = self.options
        let report = try await self.context.client.clientStreaming(
            IngestionService.ingestBatch,
            metadata: self.context.metadata,
            deadline: self.context.deadline
        ) { writer in
            // Chunks of 1,000 rows keep every frame far below the 4 MiB limit.
            var first = true
            for start in stride(from: 0, to: ingestRows.count, by: 1_000) {
                let chunk = Array(ingestRows[start..<min(start + 1_000, ingestRows.count)])
                try await writer.write(IngestChunk(options: first ? options : nil, rows: chunk))
                first = false
            }
        }
        self.summary.add(report, rows: rows)
        self.summary.read += rows.count
        self.progress.update(
            done: self.summary.read,
            total: self.total,
            status: "landed \(self.summary.landed), unchanged \(self.summary.unchanged), rejected \(self.summary.rejectedCount)"
        )
    }
}

/// The final report of an import.
struct ImportSummary {
    var read = 0
    var batches = 0
    var landed = 0
    var unchanged = 0
    var deleted = 0
    var dueDatesInferred = 0
    var uncommittedBatches = 0
    var readIssues: [RowIssue] = []
    var serverRejections: [(line: Int?, rejection: RowRejection)] = []

    var rejectedCount: Int { self.readIssues.count + self.serverRejections.count }

    mutating func add(_ report: IngestReport, rows: [ImportRow]) {
        self.batches += 1
        self.landed += report.landed
        self.unchanged += report.unchanged
        self.deleted += report.deleted
        self.dueDatesInferred += report.dueDatesInferred
        if !report.committed { self.uncommittedBatches += 1 }
        for rejection in report.rejections {
            let line = rows.indices.contains(rejection.index) ? rows[rejection.index].line : nil
            self.serverRejections.append((line, rejection))
        }
    }

    /// Rejections per reason code, client- and server-side together.
    var byReason: [(String, Int)] {
        var counts: [String: Int] = [:]
        for issue in self.readIssues { counts[issue.reason.rawValue, default: 0] += 1 }
        for entry in self.serverRejections { counts[entry.rejection.reason.rawValue, default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }
    }

    func text(fec: FECImportReport?) -> String {
        var lines: [String] = []
        if let fec {
            lines.append("FEC: \(fec.linesRead) lines read, \(fec.customerLines) on customer accounts")
            let kinds = fec.kinds
            lines.append(
                "  invoices \(kinds.invoices), payments \(kinds.payments), credit notes \(kinds.creditNotes), refunds \(kinds.refunds), "
                    + "write-offs \(kinds.writeOffs), adjustments \(kinds.adjustments + kinds.debitAdjustments), "
                    + "opening lines \(kinds.openingLines), transfer lines \(kinds.transferLines)"
            )
            lines.append(
                "  due dates: \(fec.dueDatesFromFile) from the file, \(fec.dueDatesInferred) inferred "
                    + "(\(fec.dueDatesFromClientTerms) client terms, \(fec.dueDatesFromDefaultTerms) invoice date + 30 days)"
            )
            for warning in fec.warnings.prefix(10) { lines.append("  warning: \(warning)") }
            for check in fec.openingChecks where !check.isConsistent {
                lines.append("  opening of \(check.fiscalYear) differs from the closing of \(check.previousFiscalYear) for \(check.mismatches.count) client(s)")
            }
        }
        lines.append("rows read   \(self.read) in \(self.batches) batch(es)")
        lines.append("landed      \(self.landed)")
        lines.append("unchanged   \(self.unchanged)")
        lines.append("deleted     \(self.deleted)")
        lines.append("rejected    \(self.rejectedCount)")
        for (reason, count) in self.byReason { lines.append("  \(reason.padding(toLength: 20, withPad: " ", startingAt: 0)) \(count)") }
        if self.dueDatesInferred > 0 { lines.append("due dates inferred by the gateway: \(self.dueDatesInferred)") }
        if self.uncommittedBatches > 0 { lines.append("batches not committed (all-or-nothing with rejections): \(self.uncommittedBatches)") }
        let shown = self.readIssues.prefix(20).map { "  line \($0.line)  \($0.recordID ?? "-")  \($0.field ?? "-")  \($0.reason)  \($0.message)" }
            + self.serverRejections.prefix(20).map { entry in
                let where_ = entry.line.map { "line \($0)" } ?? "row \(entry.rejection.index)"
                return "  \(where_)  \(entry.rejection.kind.rawValue) \(entry.rejection.id ?? "-")  \(entry.rejection.field ?? "-")  "
                    + "\(entry.rejection.reason.rawValue)  \(entry.rejection.message)"
            }
        if !shown.isEmpty {
            lines.append("first rejections:")
            lines += shown
        }
        return lines.joined(separator: "\n")
    }

    struct JSONReport: Encodable {
        struct Rejection: Encodable {
            var line: Int?
            var kind: String?
            var id: String?
            var field: String?
            var reason: String
            var message: String
        }
        var read: Int
        var batches: Int
        var landed: Int
        var unchanged: Int
        var deleted: Int
        var rejected: Int
        var rejectedByReason: [String: Int]
        var dueDatesInferred: Int
        var uncommittedBatches: Int
        var rejections: [Rejection]
    }

    func json(fec: FECImportReport?) -> JSONReport {
        JSONReport(
            read: self.read,
            batches: self.batches,
            landed: self.landed,
            unchanged: self.unchanged,
            deleted: self.deleted,
            rejected: self.rejectedCount,
            rejectedByReason: Dictionary(uniqueKeysWithValues: self.byReason),
            dueDatesInferred: self.dueDatesInferred + (fec?.dueDatesInferred ?? 0),
            uncommittedBatches: self.uncommittedBatches,
            rejections: self.readIssues.map { .init(line: $0.line, kind: nil, id: $0.recordID, field: $0.field, reason: $0.reason.rawValue, message: $0.message) }
                + self.serverRejections.map {
                    .init(line: $0.line, kind: $0.rejection.kind.rawValue, id: $0.rejection.id, field: $0.rejection.field, reason: $0.rejection.reason.rawValue, message: $0.rejection.message)
                }
        )
    }
}
