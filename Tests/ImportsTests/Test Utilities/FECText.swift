import Imports

/// Builds small FEC files for tests.
enum FECText {
    static let columns = [
        "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
        "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
        "ValidDate", "Montantdevise", "Idevise", "DateEcheance",
    ]

    /// One line in the 19 columns above.
    static func line(
        _ journal: String,
        _ number: String,
        _ date: String,
        _ account: String,
        aux: String = "",
        auxLabel: String = "",
        ref: String = "",
        pieceDate: String = "",
        label: String = "",
        debit: String = "0,00",
        credit: String = "0,00",
        letter: String = "",
        letterDate: String = "",
        due: String = ""
    ) -> [String] {
        [
            journal, "Journal", number, date, account, "Compte", aux, auxLabel, ref, pieceDate, label, debit, credit,
            letter, letterDate, date, "", "", due,
        ]
    }

    /// An invoice entry: 411 debit TTC, 706 credit HT, 445710 credit VAT (20 %).
    static func invoice(
        _ number: String,
        _ date: String,
        client: String,
        ref: String,
        ttc: String,
        ht: String,
        vat: String,
        letter: String = "",
        due: String = "",
        journal: String = "VT"
    ) -> [[String]] {
        [
            Self.line(
                journal,
                number,
                date,
                "411000",
                aux: client,
                auxLabel: "Client \(client)",
                ref: ref,
                debit: ttc,
                letter: letter,
                due: due
            ),
            Self.line(journal, number, date, "706000", ref: ref, credit: ht),
            Self.line(journal, number, date, "445710", ref: ref, credit: vat),
        ]
    }

    /// A bank receipt: 512 debit, 411 credit.
    static func payment(
        _ number: String,
        _ date: String,
        client: String,
        ref: String,
        amount: String,
        letter: String = ""
    ) -> [[String]] {
        [
            Self.line("BQ", number, date, "512000", ref: ref, debit: amount),
            Self.line("BQ", number, date, "411000", aux: client, ref: ref, credit: amount, letter: letter),
        ]
    }

    /// The file text.
    static func render(
        _ lines: [[String]],
        separator: String = "|",
        lineEnd: String = "\n",
        columns: [String] = FECText.columns
    ) -> String {
        ([columns] + lines).map { $0.joined(separator: separator) }.joined(separator: lineEnd) + lineEnd
    }

    /// Imports fiscal years given as texts (one text per year).
    static func importYears(_ texts: [String], options: FECImportOptions = FECImportOptions()) throws -> FECImportResult
    {
        var importer = FECImporter(options: options)
        for (index, text) in texts.enumerated() {
            try importer.addFiscalYear(parts: [MemoryByteSource(name: "year\(index + 1).txt", text: text)])
        }
        return importer.finish()
    }

    /// Imports one fiscal year given as raw bytes.
    static func importBytes(_ bytes: [UInt8], options: FECImportOptions = FECImportOptions()) throws -> FECImportResult
    {
        var importer = FECImporter(options: options)
        try importer.addFiscalYear(parts: [MemoryByteSource(name: "raw.txt", bytes: bytes)])
        return importer.finish()
    }
}
