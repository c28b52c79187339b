public import Foundation
public import PilotageProtocol

/// Imports one or several consecutive fiscal-year FEC files into data-contract records
/// (clients, installments, debit and credit documents, allocations) with a report.
///
/// ```swift
/// // Both sample FECs in one call; the order of the URLs does not matter.
/// let result = try await FECImporter.importFiles([fec2024, fec2025])
/// for batch in result.batches(maximumCount: 10_000) { … }   // dependency order
/// print(result.report.kinds.invoices, result.report.dueDatesInferred)
/// ```
///
/// Reading streams each file in 1 MiB chunks; the importer keeps the customer-account lines
/// (they become records) and a bounded window of other entries, so a file of hundreds of MB with
/// few customer lines needs little memory. Records come out once every file is read, because
/// lettering groups and opening checks need whole fiscal years.
///
/// ## External ids
///
/// Ids are deterministic functions of the files, so importing the same files again is an
/// idempotent upsert, and a supplement (JSON lines, CSV) can refer to them:
///
/// | Record | Id |
/// | --- | --- |
/// | client | the client key: `CompAuxNum`, else `CompteNum` without its 3-digit prefix (`411DUPONT` → `DUPONT`), else `(unidentified)` |
/// | installment | `FEC:<invoice ref>` where the invoice ref is `PieceRef` (else `<journal>-<num>-<YYYYMMDD>`); `/<n>` is added when one invoice entry has several installments; `@<journal>-<num>-<YYYYMMDD>` when the ref was already used by another entry. An opening line of a first fiscal year gets the id its invoice would have had (`FEC:FA-A1`), so the later import of the earlier year upserts the same installment |
/// | debit / credit document | `FEC:<journal>-<num>-<YYYYMMDD>/<k>`, `k` = rank of the line among the customer lines of its entry (`FEC:BQ-3-20250110/1`) |
/// | opening difference | `FEC:OPENING-<YYYYMMDD>/<client>` (see ``FECImportReport/OpeningMismatch``) |
/// | allocation | `FEC:<source id without FEC:>><target id without FEC:>` (`FEC:BQ-3-20250110/1>FA-A1`), `#2` … if the pair repeats |
///
/// Ids longer than 128 bytes are shortened with a hash suffix.
public struct FECImporter: Sendable {
    private let options: FECImportOptions
    private var collector: WarningCollector
    private var years: [FECFiscalYear] = []

    /// Creates an importer.
    public init(options: FECImportOptions = FECImportOptions()) {
        self.options = options
        self.collector = WarningCollector(issueLimit: options.maximumIssuesKept)
    }

    /// Reads one fiscal year given as one or several parts (a split FEC repeats its header in
    /// each part). Blocking: call it off the cooperative pool.
    ///
    /// - Parameters:
    ///   - parts: the byte sources of the fiscal year, in order.
    ///   - name: the fiscal year's name in the report (defaults to the first part's name).
    /// - Throws: ``ImportError`` when a part cannot be read or is not a FEC (no header, missing
    ///   required columns). Bad lines do not throw: they are reported and skipped.
    public mutating func addFiscalYear<Source: ByteSource>(parts: [Source], name: String? = nil) throws {
        guard let first = parts.first else {
            throw ImportError(code: .invalidParameter, message: "a fiscal year needs at least one file")
        }
        var reader = FECFiscalYearReader(name: name ?? first.name, options: self.options, collector: self.collector)
        for part in parts {
            try reader.read(part)
        }
        let year = reader.finish()
        self.collector = reader.warnings
        self.years.append(year)
    }

    /// Reads one fiscal-year file.
    public mutating func addFiscalYear(file url: URL) throws {
        let source = try FileByteSource(url: url)
        defer { source.close() }
        try self.addFiscalYear(parts: [source])
    }

    /// Builds the records from every fiscal year added (they are ordered by date, consecutive
    /// years linked by their opening entries).
    public consuming func finish() -> FECImportResult {
        var builder = FECLedgerBuilder(options: self.options, collector: self.collector)
        return builder.build(years: self.years)
    }

    /// Imports fiscal-year files (one file per fiscal year, any order) off the cooperative pool.
    ///
    /// - Throws: ``ImportError`` when a file cannot be read or is not a FEC.
    public static func importFiles(
        _ urls: [URL],
        options: FECImportOptions = FECImportOptions()
    ) async throws -> FECImportResult {
        try await runOffCooperativePool(label: "imports.fec") {
            var importer = FECImporter(options: options)
            for url in urls {
                try importer.addFiscalYear(file: url)
            }
            return importer.finish()
        }
    }
}

/// The records a FEC import produced and its report.
public struct FECImportResult: Sendable, Hashable {
    /// Clients, in order of first appearance.
    public var clients: [ClientRecord]
    /// Invoice installments (and carried-forward open items of a first fiscal year).
    public var installments: [InstallmentRecord]
    /// Refunds and debit adjustments.
    public var debitDocuments: [DebitDocumentRecord]
    /// Payments, credit notes, write-offs, adjustments.
    public var creditDocuments: [CreditDocumentRecord]
    /// Allocations from lettering (method MANUAL: the FEC does not say; a supplement may re-send
    /// them with the method).
    public var allocations: [AllocationRecord]
    /// Ids of installments and credit documents made from opening (AN) lines of the first fiscal
    /// year imported: they carry AR forward and must never count as sales. The records have no
    /// field for this (see the report of the `imports` branch), so the caller must pass it on.
    public var openingItemIDs: Set<String>
    /// What was read, produced, inferred and refused.
    public var report: FECImportReport

    /// The records as batches of at most `maximumCount`, in dependency order: clients,
    /// installments, debit documents, credit documents, allocations.
    public func batches(maximumCount: Int = 10_000) -> [RecordBatch] {
        RecordBatch.chunks(self.clients, maximumCount: maximumCount, RecordBatch.clients)
            + RecordBatch.chunks(self.installments, maximumCount: maximumCount, RecordBatch.installments)
            + RecordBatch.chunks(self.debitDocuments, maximumCount: maximumCount, RecordBatch.debitDocuments)
            + RecordBatch.chunks(self.creditDocuments, maximumCount: maximumCount, RecordBatch.creditDocuments)
            + RecordBatch.chunks(self.allocations, maximumCount: maximumCount, RecordBatch.allocations)
    }
}
