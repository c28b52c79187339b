import Foundation
import Imports
import PilotageProtocol
import Testing
import Wire

/// Real-world deviations of kpi-research-notes §B.3, each on a small file written here.
@Suite("FEC format deviations")
struct FECDeviationTests {
    static let basic: [[String]] =
        FECText.invoice(
            "1",
            "20250105",
            client: "C1",
            ref: "F1",
            ttc: "1200,00",
            ht: "1000,00",
            vat: "200,00",
            letter: "A",
            due: "20250204"
        )
        + FECText.payment("2", "20250120", client: "C1", ref: "R1", amount: "1200,00", letter: "A")

    /// The same tiny ledger must come out of every variant of the file.
    static func expectBasicLedger(
        _ result: FECImportResult,
        errors: Int = 0,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.installments.map(\.amount) == [120_000], sourceLocation: sourceLocation)
        #expect(result.installments.first?.amountHT == 100_000, sourceLocation: sourceLocation)
        #expect(result.creditDocuments.map(\.amount) == [120_000], sourceLocation: sourceLocation)
        #expect(result.allocations.map(\.amount) == [120_000], sourceLocation: sourceLocation)
        #expect(result.report.errorCount == errors, sourceLocation: sourceLocation)
    }

    @Test("UTF-8 byte-order mark is stripped and reported")
    func byteOrderMark() throws {
        let result = try FECText.importBytes([0xEF, 0xBB, 0xBF] + Array(FECText.render(Self.basic).utf8))
        Self.expectBasicLedger(result)
        #expect(result.report.files[0].hadByteOrderMark)
        #expect(!result.report.warnings.contains { $0.code == "ENCODING_FALLBACK" })
    }

    @Test("line ends: lone CR, CRLF, LF, and a mix; no line end after the last line", arguments: ["\r", "\r\n", "\n"])
    func lineEnds(lineEnd: String) throws {
        var text = FECText.render(Self.basic, lineEnd: lineEnd)
        text.removeLast(lineEnd.count)
        let result = try FECText.importYears([text])
        Self.expectBasicLedger(result)
        let file = result.report.files[0]
        #expect(file.linesRead == 6)
        #expect(file.crLineEnds == (lineEnd == "\r" ? 5 : 0))
        #expect(file.crlfLineEnds == (lineEnd == "\r\n" ? 5 : 0))
        #expect(file.lfLineEnds == (lineEnd == "\n" ? 5 : 0))
    }

    @Test("a CRLF split across two read chunks counts as one line end")
    func crlfAcrossChunks() throws {
        let text = "a\r\nb\rc\n\r\nd"
        for chunk in 1...4 {
            var reader = LineReader(source: MemoryByteSource(text: text), chunkSize: chunk)
            var lines: [String] = []
            while let line = try reader.nextLine() {
                guard case .text(let bytes) = line else {
                    Issue.record("unexpected long line")
                    return
                }
                lines.append(String(decoding: bytes, as: UTF8.self))
            }
            #expect(lines == ["a", "b", "c", "", "d"], "chunk size \(chunk)")
            #expect(reader.lineEnds.crlf == 2 && reader.lineEnds.cr == 1 && reader.lineEnds.lf == 1)
        }
    }

    @Test("separators: tab and pipe silently; semicolon and comma with a warning", arguments: ["\t", "|", ";", ","])
    func separators(separator: String) throws {
        // A comma-separated file cannot use decimal commas: its amounts use points (warned too).
        let lines =
            separator != "," ? Self.basic : Self.basic.map { $0.map { $0.replacingOccurrences(of: ",", with: ".") } }
        let result = try FECText.importYears([FECText.render(lines, separator: separator)])
        Self.expectBasicLedger(result)
        let warned = result.report.warnings.contains { $0.code == "SEPARATOR" }
        #expect(warned == (separator == ";" || separator == ","))
        #expect(result.report.warnings.contains { $0.code == "DECIMAL_POINT" } == (separator == ","))
    }

    @Test("fixed-width padding, zero-padded amounts, leading-space sign, trailing separator")
    func paddedFields() throws {
        let padded =
            "JournalCode |JournalLib|EcritureNum|EcritureDate|CompteNum |CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|MontantDevise|Idevise|\n"
            + "VT   |Ventes|1   |20250105|411000    |Clients|C1        |Client 1|F1   |20250105|Facture| 000000000001200,00| 000000000000000,00|A  |20250120|20250105|-000000000001437,12|USD|\n"
            + "VT   |Ventes|1   |20250105|706000    |Ventes||| F1 |20250105|Facture|0000000000000,00|0000000001000,00|||20250105|||\n"
            + "VT   |Ventes|1   |20250105|445710    |TVA|||F1|20250105|Facture|0,00|200,00|||20250105|||\n"
            + "BQ   |Banque|2   |20250120|512000    |Banque|||R1|20250120|Virement|1200,00|0,00|||20250120|||\n"
            + "BQ   |Banque|2   |20250120|411000    |Clients|C1        |Client 1|R1|20250120|Virement|0,00|+1200,00|A  |20250120|20250120|||\n"
        let result = try FECText.importYears([padded])
        Self.expectBasicLedger(result)
        #expect(result.clients.map(\.id) == ["C1"])
        #expect(result.installments.first?.id == "FEC:F1")
        #expect(result.creditDocuments.first?.id == "FEC:BQ-2-20250120/1")
        // No DateEcheance column here: the due date is inferred (+30 days) and counted.
        #expect(result.installments.first?.dueDate == day("2025-02-04"))
        #expect(result.report.dueDatesFromDefaultTerms == 1)
    }

    @Test("amounts: sign first or last, decimal point with a warning, more than two decimals refused")
    func amounts() {
        #expect(
            FECValueParser.amount(ArraySlice(" -000000000001437,12".utf8)) == .value(-143_712, usedDecimalPoint: false)
        )
        #expect(FECValueParser.amount(ArraySlice("1437,12-".utf8)) == .value(-143_712, usedDecimalPoint: false))
        #expect(FECValueParser.amount(ArraySlice("12.5".utf8)) == .value(1_250, usedDecimalPoint: true))
        #expect(FECValueParser.amount(ArraySlice("7".utf8)) == .value(700, usedDecimalPoint: false))
        #expect(FECValueParser.amount(ArraySlice("".utf8)) == .value(0, usedDecimalPoint: false))
        #expect(FECValueParser.amount(ArraySlice("1,2500".utf8)) == .value(125, usedDecimalPoint: false))
        #expect(FECValueParser.amount(ArraySlice("1,255".utf8)) == .invalid("amount has more than two decimals"))
        #expect(FECValueParser.amount(ArraySlice("1 234,00".utf8)) == .invalid("not an amount"))
        #expect(FECValueParser.amount(ArraySlice("abc".utf8)) == .invalid("not an amount"))
        #expect(FECValueParser.amount(ArraySlice("99999999999999999999".utf8)) == .invalid("amount out of range"))
    }

    @Test("a negative amount in the Debit column is a credit")
    func negativeDebit() throws {
        let lines =
            FECText.invoice("1", "20250105", client: "C1", ref: "F1", ttc: "1200,00", ht: "1000,00", vat: "200,00")
            + [
                FECText.line("BQ", "2", "20250120", "512000", ref: "R1", debit: "300,00"),
                FECText.line("BQ", "2", "20250120", "411000", aux: "C1", ref: "R1", debit: "-300,00"),
            ]
        let result = try FECText.importYears([FECText.render(lines)])
        #expect(result.creditDocuments.map(\.kind) == [.payment])
        #expect(result.creditDocuments.map(\.amount) == [30_000])
        #expect(result.report.kinds.payments == 1)
    }

    @Test("dates DD/MM/YYYY and DDMMYYYY are read day first, with a warning")
    func dayFirstDates() throws {
        let lines =
            FECText.invoice(
                "1",
                "05/01/2025",
                client: "C1",
                ref: "F1",
                ttc: "1200,00",
                ht: "1000,00",
                vat: "200,00",
                due: "04022025"
            )
        let result = try FECText.importYears([FECText.render(lines)])
        #expect(result.installments.first?.invoiceDate == day("2025-01-05"))
        #expect(result.installments.first?.dueDate == day("2025-02-04"))
        let warning = try #require(result.report.warnings.first { $0.code == "DATE_FORMAT" })
        #expect(warning.count == 4)
        #expect(warning.exampleLines == [2, 2, 3, 4])
    }

    @Test("extra columns after the 18th are allowed; DateEcheance is found wherever it is")
    func extraColumns() throws {
        let columns = Array(FECText.columns.prefix(18)) + ["CodeAnalytique", "DateEcheance", "Commentaire"]
        let lines = FECText.invoice(
            "1",
            "20250105",
            client: "C1",
            ref: "F1",
            ttc: "1200,00",
            ht: "1000,00",
            vat: "200,00",
            due: "20250315"
        )
        .map { Array($0.prefix(18)) + ["ANA", $0[18], "note"] }
        let result = try FECText.importYears([FECText.render(lines, columns: columns)])
        #expect(result.installments.first?.dueDate == day("2025-03-15"))
        #expect(result.report.files[0].extraColumns == ["codeanalytique", "commentaire"])
        #expect(result.report.dueDatesFromFile == 1)
    }

    @Test("missing due dates are inferred from client terms, else +30 days, and counted")
    func inferredDueDates() throws {
        var options = FECImportOptions()
        options.clientPaymentTermsDays = ["C2": 45]
        let lines =
            FECText.invoice("1", "20250105", client: "C1", ref: "F1", ttc: "120,00", ht: "100,00", vat: "20,00")
            + FECText.invoice("2", "20250110", client: "C2", ref: "F2", ttc: "240,00", ht: "200,00", vat: "40,00")
            + FECText.invoice(
                "3",
                "20250110",
                client: "C2",
                ref: "F3",
                ttc: "240,00",
                ht: "200,00",
                vat: "40,00",
                due: "20250120"
            )
        let result = try FECText.importYears([FECText.render(lines)], options: options)
        #expect(result.installments.map(\.dueDate) == [day("2025-02-04"), day("2025-02-24"), day("2025-01-20")])
        #expect(result.report.dueDatesFromDefaultTerms == 1)
        #expect(result.report.dueDatesFromClientTerms == 1)
        #expect(result.report.dueDatesFromFile == 1)
        #expect(result.report.dueDatesInferred == 2)
        #expect(result.clients.first { $0.id == "C2" }?.paymentTermsDays == 45)
    }

    @Test("lowercase journal codes: 'an' is an opening journal, 've' a sales journal")
    func lowercaseJournals() throws {
        let lines =
            [
                FECText.line(
                    "an",
                    "1",
                    "20250101",
                    "411000",
                    aux: "C1",
                    ref: "F0",
                    pieceDate: "20241201",
                    label: "Report",
                    debit: "500,00",
                    due: "20241231"
                ),
                FECText.line("an", "1", "20250101", "120000", credit: "500,00"),
            ]
            + FECText.invoice(
                "2",
                "20250105",
                client: "C1",
                ref: "F1",
                ttc: "1200,00",
                ht: "1000,00",
                vat: "200,00",
                journal: "ve"
            )
        let result = try FECText.importYears([FECText.render(lines)])
        #expect(result.report.kinds.openingLines == 1)
        #expect(result.report.kinds.invoices == 1)
        #expect(result.openingItemIDs == ["FEC:F0"])
        #expect(result.installments.first { $0.id == "FEC:F0" }?.invoiceDate == day("2024-12-01"))
        #expect(result.installments.first { $0.id == "FEC:F1" }?.id == "FEC:F1")
    }

    @Test("a bad line is skipped and reported with its number; the rest is imported")
    func badLine() throws {
        var lines = Self.basic
        lines.insert(FECText.line("OD", "9", "20251399", "411000", aux: "C1", debit: "10,00"), at: 2)
        lines.insert(FECText.line("OD", "10", "20250110", "411000", aux: "C1", debit: "dix euros"), at: 3)
        lines.insert(FECText.line("OD", "11", "20250110", "", aux: "C1", debit: "10,00"), at: 4)
        let result = try FECText.importYears([FECText.render(lines)])
        Self.expectBasicLedger(result, errors: 3)
        let errors = result.report.errors.map { "\($0.line) \($0.field ?? "-") \($0.reason)" }
        #expect(errors == ["4 EcritureDate BAD_VALUE", "5 Debit BAD_VALUE", "6 CompteNum MISSING_FIELD"])
        #expect(result.report.files[0].rejectedLines == 3)
        #expect(result.report.errors.allSatisfy { $0.source == "year1.txt" })
    }

    @Test("a line with more fields than the header is malformed unless pipes in EcritureLib explain it")
    func pipeInLabel() throws {
        var lines = Self.basic
        lines[0][10] = "Facture | acompte | solde"
        let result = try FECText.importYears([FECText.render(lines)])
        Self.expectBasicLedger(result)
        #expect(result.report.warnings.contains { $0.code == "PIPE_IN_LABEL" && $0.exampleLines == [2] })
        var tabbed = Self.basic
        tabbed[0].append("x")
        let second = try FECText.importYears([FECText.render(tabbed, separator: "\t")])
        #expect(second.report.errors.map(\.reason) == [.malformed])
        #expect(second.installments.isEmpty)
    }

    @Test("ISO-8859-15 and Windows-1252 files are read after strict UTF-8 fails, with a warning")
    func legacyEncodings() throws {
        func bytes(label: [UInt8]) -> [UInt8] {
            let header = Array(FECText.render([]).utf8)
            let line =
                Array("VT|Ventes|1|20250105|411000|Clients|C1|".utf8) + label
                + Array("|F1|20250105|x|120,00|0,00|||20250105|||\n".utf8)
            let rest = Array("VT|Ventes|1|20250105|706000|Ventes|||F1|20250105|x|0,00|120,00|||20250105|||\n".utf8)
            return header + line + rest
        }
        // "Société €" in Latin-9 (€ = 0xA4) and in cp1252 (€ = 0x80).
        let latin9 = try FECText.importBytes(bytes(label: [0x53, 0x6F, 0x63, 0x69, 0xE9, 0x74, 0xE9, 0x20, 0xA4]))
        #expect(latin9.clients.first?.name == "Société €")
        #expect(
            latin9.report.warnings.contains { $0.code == "ENCODING_FALLBACK" && $0.message.contains("ISO-8859-15") }
        )
        let cp1252 = try FECText.importBytes(bytes(label: [0x53, 0x6F, 0x63, 0x69, 0xE9, 0x74, 0xE9, 0x20, 0x80]))
        #expect(cp1252.clients.first?.name == "Société €")
        #expect(
            cp1252.report.warnings.contains { $0.code == "ENCODING_FALLBACK" && $0.message.contains("Windows-1252") }
        )
        let utf8 = try FECText.importBytes(bytes(label: Array("Société €".utf8)))
        #expect(utf8.clients.first?.name == "Société €")
        #expect(!utf8.report.warnings.contains { $0.code == "ENCODING_FALLBACK" })
    }

    @Test("Montant + Sens instead of Debit + Credit")
    func amountAndDirection() throws {
        var columns = FECText.columns
        columns[11] = "Montant"
        columns[12] = "Sens"
        let lines = Self.basic.map { fields -> [String] in
            var fields = fields
            let debit = fields[11]
            let credit = fields[12]
            let isDebit = debit != "0,00"
            fields[11] = isDebit ? debit : credit
            fields[12] = isDebit ? "D" : "C"
            return fields
        }
        Self.expectBasicLedger(try FECText.importYears([FECText.render(lines, columns: columns)]))
    }

    @Test("a split fiscal year: parts each repeat the header")
    func splitParts() throws {
        let first = FECText.render(Array(Self.basic.prefix(3)))
        let second = FECText.render(Array(Self.basic.suffix(2)))
        var importer = FECImporter()
        try importer.addFiscalYear(
            parts: [
                MemoryByteSource(name: "part1.txt", text: first), MemoryByteSource(name: "part2.txt", text: second),
            ],
            name: "FY2025"
        )
        let result = importer.finish()
        Self.expectBasicLedger(result)
        #expect(result.report.files.map(\.name) == ["part1.txt", "part2.txt"])
        #expect(result.report.files.allSatisfy { $0.fiscalYear == "FY2025" })
    }

    @Test("a header repeated inside a file is skipped with a warning; blank lines are ignored")
    func repeatedHeader() throws {
        let text = FECText.render(Array(Self.basic.prefix(3))) + "\n   \n" + FECText.render(Array(Self.basic.suffix(2)))
        let result = try FECText.importYears([text])
        Self.expectBasicLedger(result)
        #expect(result.report.warnings.contains { $0.code == "REPEATED_HEADER" && $0.exampleLines == [7] })
    }

    @Test("a file that is not a FEC throws a typed error; a missing required column too")
    func notAFEC() throws {
        #expect(throws: ImportError.self) { try FECText.importYears(["hello|world\n1|2\n"]) }
        do {
            _ = try FECText.importYears(["hello|world\n"])
        } catch let error as ImportError {
            #expect(error.code == .missingHeader)
            #expect(error.message.contains("year1.txt"))
        }
        do {
            _ = try FECText.importYears([FECText.render([], columns: FECText.columns.filter { $0 != "Debit" })])
            Issue.record("a FEC without Debit must be refused")
        } catch let error as ImportError {
            #expect(error.code == .missingColumn)
            #expect(error.message.contains("Debit"))
        }
        #expect(throws: ImportError.self) { try FECText.importYears([""]) }
    }

    @Test("a line longer than the limit is reported, not held in memory")
    func tooLongLine() throws {
        var reader = LineReader(
            source: MemoryByteSource(text: "short\n" + String(repeating: "x", count: 5_000) + "\nafter"),
            maximumLineLength: 1_000,
            chunkSize: 256
        )
        var seen: [String] = []
        while let line = try reader.nextLine() {
            switch line {
            case .text(let bytes): seen.append(String(decoding: bytes, as: UTF8.self))
            case .tooLong(let length): seen.append("too long \(length)")
            }
        }
        #expect(seen == ["short", "too long 5000", "after"])
    }
}
