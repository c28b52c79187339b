// Writes a generated demo firm as JSON lines and reports how fast it was generated.
//
//   swift run -c release DemoGenerator --size large --output /tmp/firm.jsonl
//   swift run -c release DemoGenerator --size large --no-output          # generation only
//   swift run -c release DemoGenerator --fec-lines 1000000               # FEC import speed
//
// Options: --size small|medium|large (small), --seed N (1), --today YYYY-MM-DD (2025-03-31),
// --fiscal-start-month M (1), --output PATH|- (stdout), --no-output, --runs N (1).
// Statistics go to standard error, one line per run and a median line.

import Foundation
import Imports
import PilotageProtocol
import Wire

struct Options {
    var size = DemoFirmSize.small
    var seed: UInt64 = 1
    var today = CalendarDate(year: 2025, month: 3, day: 31)!
    var fiscalStartMonth = 1
    var output: String? = "-"
    var runs = 1
    var fecLines: Int?
    var fecFile: String?
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("DemoGenerator: \(message)\n".utf8))
    exit(64)
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst()
    func value(_ name: String) -> String {
        guard let next = arguments.popFirst() else { fail("\(name) needs a value") }
        return next
    }
    while let argument = arguments.popFirst() {
        switch argument {
        case "--size":
            guard let size = DemoFirmSize(rawValue: value(argument)) else { fail("--size is small, medium or large") }
            options.size = size
        case "--seed":
            guard let seed = UInt64(value(argument)) else { fail("--seed needs an unsigned integer") }
            options.seed = seed
        case "--today":
            guard let today = CalendarDate(value(argument)) else { fail("--today needs YYYY-MM-DD") }
            options.today = today
        case "--fiscal-start-month":
            guard let month = Int(value(argument)), (1...12).contains(month) else {
                fail("--fiscal-start-month is 1–12")
            }
            options.fiscalStartMonth = month
        case "--output": options.output = value(argument)
        case "--no-output": options.output = nil
        case "--runs":
            guard let runs = Int(value(argument)), runs > 0 else { fail("--runs needs a positive integer") }
            options.runs = runs
        case "--fec-lines":
            guard let lines = Int(value(argument)), lines > 0 else { fail("--fec-lines needs a positive integer") }
            options.fecLines = lines
        case "--fec-file": options.fecFile = value(argument)
        case "--help", "-h":
            print(
                "usage: DemoGenerator [--size small|medium|large] [--seed N] [--today YYYY-MM-DD] [--fiscal-start-month M] [--output PATH|-] [--no-output] [--runs N] [--fec-lines N]"
            )
            exit(0)
        default: fail("unknown argument \(argument)")
        }
    }
    return options
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func report(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Generates (and writes) the firm once; returns (records, seconds).
func generateOnce(_ options: Options, write: Bool) throws -> (Int, Double, [EntityKind: Int]) {
    var parameters = DemoFirmParameters(
        size: options.size,
        today: options.today,
        seed: options.seed,
        fiscalYearStartMonth: options.fiscalStartMonth
    )
    parameters.batchSize = 5_000
    var generator = try DemoFirmGenerator(parameters: parameters)
    let handle: FileHandle? =
        if !write || options.output == nil {
            nil
        } else if options.output == "-" {
            FileHandle.standardOutput
        } else {
            { () -> FileHandle in
                let path = options.output ?? "-"
                guard FileManager.default.createFile(atPath: path, contents: nil),
                    let handle = FileHandle(forWritingAtPath: path)
                else { fail("cannot write \(path)") }
                return handle
            }()
        }
    let writer = JSONLinesWriter()
    var buffer: [UInt8] = []
    var counts: [EntityKind: Int] = [:]
    var total = 0
    let clock = ContinuousClock()
    let start = clock.now
    while let batch = generator.next() {
        counts[batch.kind, default: 0] += batch.count
        total += batch.count
        if let handle {
            buffer += try writer.lines(for: batch)
            if buffer.count > 1 << 20 {
                handle.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
    }
    if let handle, !buffer.isEmpty { handle.write(Data(buffer)) }
    if let handle, options.output != "-" { try handle.close() }
    return (total, seconds(clock.now - start), counts)
}

/// Writes a synthetic FEC of about `lines` lines (invoices and payments of 2 000 clients) and
/// times its import.
func fecBenchmark(lines: Int, runs: Int, keep: String?) throws {
    let url =
        keep.map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("demo-bench-\(getpid()).fec")
    defer { if keep == nil { try? FileManager.default.removeItem(at: url) } }
    if let keep, FileManager.default.fileExists(atPath: keep) {
        try timeFECImport(url: url, lines: lines, bytes: 0, runs: runs)
        return
    }
    var text =
        "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise\n"
    var random = Xoshiro256(seed: 7)
    var written = 0
    var entry = 0
    var data = Data()
    while written < lines {
        entry += 1
        let client = "C\(random.below(2_000))"
        let day = 1 + random.below(28)
        let month = 1 + random.below(12)
        let date = "2024\(month < 10 ? "0" : "")\(month)\(day < 10 ? "0" : "")\(day)"
        let ht = 100 + random.below(5_000)
        let letter = random.chance(0.7) ? "L\(entry)" : ""
        text +=
            "VT|Ventes|\(entry)|\(date)|411000|Clients|\(client)|Client \(client)|F\(entry)|\(date)|Facture F\(entry)|\(ht * 12 / 10),00|0,00|\(letter)||\(date)||\n"
        text +=
            "VT|Ventes|\(entry)|\(date)|706000|Prestations|||F\(entry)|\(date)|Facture F\(entry)|0,00|\(ht),00|||\(date)||\n"
        text +=
            "VT|Ventes|\(entry)|\(date)|445710|TVA|||F\(entry)|\(date)|Facture F\(entry)|0,00|\(ht * 2 / 10),00|||\(date)||\n"
        text += "OD|Divers|X\(entry)|\(date)|606000|Achats|||A\(entry)|\(date)|Achat|\(ht),00|0,00|||\(date)||\n"
        text +=
            "OD|Divers|X\(entry)|\(date)|401000|Fournisseurs|F1|Fournisseur|A\(entry)|\(date)|Achat|0,00|\(ht),00|||\(date)||\n"
        written += 5
        if !letter.isEmpty {
            entry += 1
            text +=
                "BQ|Banque|\(entry)|\(date)|512000|Banque|||R\(entry)|\(date)|Virement|\(ht * 12 / 10),00|0,00|||\(date)||\n"
            text +=
                "BQ|Banque|\(entry)|\(date)|411000|Clients|\(client)|Client \(client)|R\(entry)|\(date)|Virement|0,00|\(ht * 12 / 10),00|\(letter)||\(date)||\n"
            written += 2
        }
        if text.utf8.count > 1 << 20 {
            data.append(contentsOf: text.utf8)
            text = ""
        }
    }
    data.append(contentsOf: text.utf8)
    try data.write(to: url)
    try timeFECImport(url: url, lines: written, bytes: data.count, runs: runs)
}

func timeFECImport(url: URL, lines written: Int, bytes: Int, runs: Int) throws {
    var timings: [Double] = []
    for run in 1...runs {
        let clock = ContinuousClock()
        let start = clock.now
        var importer = FECImporter()
        try importer.addFiscalYear(file: url)
        let result = importer.finish()
        let elapsed = seconds(clock.now - start)
        timings.append(elapsed)
        report(
            "fec run \(run): \(result.report.linesRead) lines, \(result.installments.count) installments, "
                + "\(result.creditDocuments.count) credits, \(result.allocations.count) allocations in \(String(format: "%.2f", elapsed)) s = "
                + "\(Int(Double(result.report.linesRead) / elapsed)) lines/s"
        )
    }
    let best = median(timings)
    let size = bytes > 0 ? ", \(Int(Double(bytes) / best / 1_048_576)) MiB/s" : ""
    report("fec median: \(String(format: "%.2f", best)) s, \(Int(Double(written) / best)) lines/s\(size)")
}

let options = parseOptions()
do {
    if let lines = options.fecLines {
        try fecBenchmark(lines: lines, runs: options.runs, keep: options.fecFile)
        exit(0)
    }
    var timings: [Double] = []
    var records = 0
    for run in 1...options.runs {
        let (total, elapsed, counts) = try generateOnce(options, write: run == options.runs)
        timings.append(elapsed)
        records = total
        let detail = EntityKind.dependencyOrder.compactMap { kind in counts[kind].map { "\(kind.rawValue)=\($0)" } }
            .joined(separator: " ")
        report(
            "run \(run): \(total) records in \(String(format: "%.2f", elapsed)) s = \(Int(Double(total) / elapsed)) records/s\(run == options.runs && options.output != nil ? " (with JSON output)" : "")"
        )
        if run == options.runs { report("  \(detail)") }
    }
    let middle = median(timings)
    report(
        "median: \(String(format: "%.2f", middle)) s, \(Int(Double(records) / middle)) records/s (size \(options.size.rawValue), seed \(options.seed))"
    )
} catch {
    report("DemoGenerator: \(error)")
    exit(1)
}
