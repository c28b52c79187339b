public import Wire

/// What a FEC import read, produced and refused: the counts each rule of kpi-definitions §10 produced.
public struct FECImportReport: Sendable, Hashable {
    /// One file (or part of a split fiscal-year file).
    public struct FileSummary: Sendable, Hashable {
        /// File name.
        public var name: String
        /// Name of the fiscal year it belongs to (its first part's name).
        public var fiscalYear: String
        /// Lines read, header included.
        public var linesRead = 0
        /// Lines that were parsed into accounting lines.
        public var accountingLines = 0
        /// Lines on customer accounts.
        public var customerLines = 0
        /// Lines refused (listed in ``FECImportReport/errors``).
        public var rejectedLines = 0
        /// Field separator (`tab`, `pipe`, `semicolon`, `comma`).
        public var separator = ""
        /// The file started with a UTF-8 byte-order mark.
        public var hadByteOrderMark = false
        /// Lines that were not valid UTF-8 and were read as ISO-8859-15 / Windows-1252.
        public var legacyEncodedLines = 0
        /// Lines ended by CRLF, LF and lone CR.
        public var crlfLineEnds = 0
        public var lfLineEnds = 0
        public var crLineEnds = 0
        /// Header columns beyond the known ones (allowed by the law).
        public var extraColumns: [String] = []
        /// Earliest and latest EcritureDate of the file.
        public var firstDate: CalendarDate?
        public var lastDate: CalendarDate?

        /// Creates an empty summary.
        public init(name: String, fiscalYear: String) {
            self.name = name
            self.fiscalYear = fiscalYear
        }
    }

    /// How customer lines were classified (kpi-definitions §10.2–§10.5).
    public struct KindCounts: Sendable, Hashable {
        /// Debit lines against 70* (each is an installment).
        public var invoices = 0
        /// Credit lines against 70*.
        public var creditNotes = 0
        /// Credit lines against class 5.
        public var payments = 0
        /// Debit lines against class 5.
        public var refunds = 0
        /// Credit lines against 654* / 6714*.
        public var writeOffs = 0
        /// Other credit lines (credit adjustments), transfers between two clients included.
        public var adjustments = 0
        /// Other debit lines, transfers between two clients included.
        public var debitAdjustments = 0
        /// Customer lines of opening (AN) entries.
        public var openingLines = 0
        /// Lines of 411↔416/413 transfers of one client (no document; the installment moves).
        public var transferLines = 0

        /// Creates zero counts.
        public init() {}
    }

    /// The check that a fiscal year opens with the previous one's closing customer balances.
    public struct OpeningCheck: Sendable, Hashable {
        /// The fiscal year checked.
        public var fiscalYear: String
        /// The previous fiscal year.
        public var previousFiscalYear: String
        /// Date of the opening entries.
        public var openingDate: CalendarDate
        /// Σ closing customer balances of the previous year (cents).
        public var previousClosing: Int64
        /// Σ opening customer lines (cents).
        public var opening: Int64
        /// Clients whose opening differs from their closing.
        public var mismatches: [OpeningMismatch]

        /// Whether every client's opening equals its closing.
        public var isConsistent: Bool { self.mismatches.isEmpty }
    }

    /// A client whose opening balance differs from the previous closing. The import adds an
    /// adjustment dated on the opening date for the difference, so AR in the new year follows
    /// its own opening entries (kpi-definitions §10.4).
    public struct OpeningMismatch: Sendable, Hashable {
        /// Client key.
        public var client: String
        /// The client's customer balance at the end of the previous fiscal year (cents).
        public var previousClosing: Int64
        /// Σ of the client's opening lines (cents).
        public var opening: Int64

        /// Creates a mismatch.
        public init(client: String, previousClosing: Int64, opening: Int64) {
            self.client = client
            self.previousClosing = previousClosing
            self.opening = opening
        }
    }

    /// Lettering groups and what they produced.
    public struct LetteringSummary: Sendable, Hashable {
        /// Groups (fiscal year, client, code).
        public var groups = 0
        /// Groups whose lines sum to zero.
        public var balancedGroups = 0
        /// Groups that do not (partial payments, members in another fiscal year).
        public var unbalancedGroups = 0
        /// Allocations produced.
        public var allocations = 0

        /// Creates zero counts.
        public init() {}
    }

    /// Files read, in fiscal-year order.
    public var files: [FileSummary] = []
    /// Lines read over all files.
    public var linesRead = 0
    /// Customer-account lines over all files.
    public var customerLines = 0
    /// Classification counts.
    public var kinds = KindCounts()
    /// Records produced.
    public var clients = 0
    public var installments = 0
    public var debitDocuments = 0
    public var creditDocuments = 0
    public var allocations = 0
    /// Installments whose due date came from the file's DateEcheance column.
    public var dueDatesFromFile = 0
    /// Installments whose due date was inferred from the client's payment terms.
    public var dueDatesFromClientTerms = 0
    /// Installments whose due date was inferred as invoice date + default terms.
    public var dueDatesFromDefaultTerms = 0
    /// Customer lines with no client identity (generic account, no CompAuxNum).
    public var unidentifiedClientLines = 0
    /// Customer lines with a zero amount (skipped).
    public var zeroAmountLines = 0
    /// Opening checks, one per fiscal year that follows another.
    public var openingChecks: [OpeningCheck] = []
    /// Lettering.
    public var lettering = LetteringSummary()
    /// Warnings (aggregated per code and file).
    public var warnings: [ImportWarning] = []
    /// Rejected lines (the first ``FECImportOptions/maximumIssuesKept``).
    public var errors: [RowIssue] = []
    /// Number of rejected lines, including those not kept.
    public var errorCount = 0

    /// Installments whose due date was inferred (client terms or default).
    public var dueDatesInferred: Int {
        self.dueDatesFromClientTerms + self.dueDatesFromDefaultTerms
    }

    /// Creates an empty report.
    public init() {}
}
