package import Wire

/// Identity of an accounting entry: the lines sharing journal, entry number and entry date.
package struct FECEntryKey: Hashable, Sendable, Comparable {
    /// JournalCode as written.
    package var journal: String
    /// EcritureNum as written.
    package var number: String
    /// EcritureDate.
    package var date: CalendarDate

    /// `<journal>-<number>-<YYYYMMDD>`, the stem of line-based external ids.
    package var stem: String {
        let (year, month, day) = self.date.components
        let digits = String(year * 10_000 + month * 100 + day)
        return "\(self.journal)-\(self.number)-\(digits)"
    }

    package static func < (lhs: FECEntryKey, rhs: FECEntryKey) -> Bool {
        (lhs.date, lhs.journal, lhs.number) < (rhs.date, rhs.journal, rhs.number)
    }
}

/// The kinds of counterpart account an entry has besides customer accounts.
package struct FECCounterparts: OptionSet, Hashable, Sendable {
    package var rawValue: UInt8
    package init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 70* sales.
    package static let sales = FECCounterparts(rawValue: 1)
    /// Class 5 (bank, cash, cheques to cash).
    package static let cash = FECCounterparts(rawValue: 2)
    /// 654* / 6714* losses on receivables.
    package static let writeOff = FECCounterparts(rawValue: 4)
    /// 445* VAT.
    package static let tax = FECCounterparts(rawValue: 8)
    /// Anything else (665, 658, 758, 666, 766, 491 …).
    package static let other = FECCounterparts(rawValue: 16)
}

/// One accounting entry, summarised: what its counterparts are and which customer lines it has.
package struct FECEntry: Sendable {
    package var key: FECEntryKey
    /// Line number of its first line.
    package var firstLine: Int
    /// Source (file part) of its first line.
    package var source: String
    /// Counterpart kinds seen.
    package var counterparts: FECCounterparts = []
    /// 70* lines: reference and net credit (credit − debit) in cents.
    package var salesLines: [(reference: String, amount: Int64)] = []
    /// Indices into the fiscal year's customer lines.
    package var customerLineIndices: [Int] = []
    /// Σ debit − credit over all lines (0 for a balanced entry).
    package var balance: Int64 = 0
    /// JournalLib says "A nouveaux".
    package var journalLabelSaysOpening = false
}

/// One line on a customer account (411*, 413*, 416*), with what the importer needs from it.
package struct FECCustomerLine: Sendable {
    /// Physical line number in its source.
    package var line: Int
    /// Source (file part) name.
    package var source: String
    package var entry: FECEntryKey
    /// CompteNum.
    package var account: String
    /// Client key (CompAuxNum, else CompteNum without its prefix, else `(unidentified)`).
    package var client: String
    /// The line had no client identity.
    package var isUnidentified: Bool
    /// CompAuxLib, else CompteLib.
    package var clientName: String
    /// PieceRef.
    package var reference: String
    /// PieceDate.
    package var pieceDate: CalendarDate?
    /// EcritureLib.
    package var label: String
    /// Debit − credit, in cents (negative for a credit).
    package var amount: Int64
    /// EcritureLet (case-sensitive), empty when unlettered.
    package var letteringCode: String
    /// DateLet.
    package var letteringDate: CalendarDate?
    /// DateEcheance (extra column).
    package var dueDate: CalendarDate?
    /// 1-based position among the customer lines of its entry.
    package var ordinal: Int
}

/// Everything the importer keeps of one fiscal-year FEC (one file, possibly in several parts).
package struct FECFiscalYear: Sendable {
    /// Name of the fiscal year's source.
    package var name: String
    /// Entries that have at least one customer line.
    package var entries: [FECEntryKey: FECEntry] = [:]
    /// Customer lines in file order.
    package var customerLines: [FECCustomerLine] = []
    /// Earliest EcritureDate.
    package var firstDate: CalendarDate?
    /// Latest EcritureDate.
    package var lastDate: CalendarDate?
    /// Per-part summaries.
    package var files: [FECImportReport.FileSummary] = []

    package init(name: String) {
        self.name = name
    }
}
