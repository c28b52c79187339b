import Foundation
import Imports
import PilotageProtocol
import Testing
import Wire

@Suite("CSV reader")
struct CSVReaderTests {
    static func read(
        _ text: String,
        kind: EntityKind,
        bytes prefix: [UInt8] = []
    ) throws -> (ReadBatch, [ImportWarning]) {
        var reader = try CSVReader(
            source: MemoryByteSource(name: "\(kind.rawValue).csv", bytes: prefix + Array(text.utf8)),
            kind: kind
        )
        var all = ReadBatch()
        while let batch = try reader.nextBatch(maximumRows: 2) {
            all.rows += batch.rows
            all.rejected += batch.rejected
        }
        return (all, reader.warnings)
    }

    @Test("separator ';' or ',' from the header, BOM tolerated, quoting per RFC 4180", arguments: [";", ","])
    func quoting(separator: String) throws {
        let s = separator
        let text =
            "id\(s)name\(s)practice_code\(s)credit_limit\r\n"
            + "A\(s)\"Dupont\(s) père \"\"et\"\" fils\"\(s)P-1\(s)300000\r\n"
            + "B\(s)\"Ligne 1\nLigne 2\"\(s)\(s)\n"
            + "C\(s)Simple\(s)\(s)0\n"
        let (batch, warnings) = try Self.read(text, kind: .client, bytes: [0xEF, 0xBB, 0xBF])
        #expect(warnings.isEmpty)
        #expect(batch.rejected.isEmpty)
        let clients = batch.rows.compactMap { $0.record as? ClientRecord }
        #expect(clients.map(\.name) == ["Dupont\(s) père \"et\" fils", "Ligne 1\nLigne 2", "Simple"])
        #expect(clients.map(\.creditLimit) == [300_000, nil, 0])
        #expect(clients.map(\.practiceCode) == ["P-1", nil, nil])
        #expect(batch.rows.map(\.line) == [2, 3, 5])
    }

    @Test("lists as '|' cells or JSON; status histories, strategy actions and teams in compact form")
    func nestedValues() throws {
        let collaborators = try Self.read(
            "id;name;roles;active\nU1;Alice;ADMIN|AGENT;true\nU2;Bob;\"[\"\"OFFER_VALIDATOR\"\"]\";0\n",
            kind: .collaborator
        ).0
        #expect(
            collaborators.rows.compactMap { ($0.record as? CollaboratorRecord)?.roles } == [
                [.admin, .agent], [.offerValidator],
            ]
        )
        #expect(collaborators.rows.compactMap { ($0.record as? CollaboratorRecord)?.active } == [true, false])

        let documents = try Self.read(
            "id,client,received_on,channel,kind,status_history,auto_published\n"
                + "D1,A,2025-01-02,EMAIL,COST,TO_REVIEW@2025-01-02|READY@2025-01-03|PUBLISHED@2025-01-05,false\n"
                + "D2,A,2025-01-02,MOBILE,SALE,\"[{\"\"status\"\":\"\"DELETED\"\",\"\"on\"\":\"\"2025-01-04\"\"}]\",\n",
            kind: .document
        ).0
        #expect(documents.rejected.isEmpty)
        let histories = documents.rows.compactMap { ($0.record as? DocumentRecord)?.statusHistory }
        #expect(histories.map { $0.map(\.status) } == [[.toReview, .ready, .published], [.deleted]])
        #expect(histories.first?.last?.on == day("2025-01-05"))

        let strategies = try Self.read(
            "id;name;actions\nS1;Seed;C-CALL:CALL:-10:C|C-MAIL:EMAIL:5:C|C-LETTER:LETTER:10:C|V-CALL:CALL:2:V30|N-SMS:SMS:1:N30\n",
            kind: .collectionStrategy
        ).0
        let actions = try #require((strategies.rows.first?.record as? CollectionStrategyRecord)?.actions)
        #expect(actions.map(\.offsetDays) == [-10, 5, 10, 2, 1])
        #expect(actions.map(\.channel) == [.call, .email, .letter, .call, .sms])
        #expect(actions.map(\.paymentMode) == ["C", "C", "C", "V30", "N30"])

        let deals = try Self.read(
            "id;prospect_name;fiscal_year;team.partner;team.manager;status_history\nDL1;Boulangerie;2025;P1;M1;OPEN@2025-01-10|WON@2025-02-01\n"
                + "DL2;Garage;2024;;;\nDL3;Café;2025;;;\n",
            kind: .deal
        ).0
        let teams = deals.rows.compactMap { ($0.record as? DealRecord)?.team }
        #expect(teams == [DealTeam(partner: "P1", manager: "M1"), DealTeam(), DealTeam()])
        let teamCell = try Self.read(
            "id;prospect_name;fiscal_year;team\nDL1;X;2025;partner=P1|client_lead=L1\n",
            kind: .deal
        ).0
        #expect((teamCell.rows.first?.record as? DealRecord)?.team == DealTeam(partner: "P1", clientLead: "L1"))
    }

    struct BadRow: Sendable, CustomTestStringConvertible {
        var kind: EntityKind
        var text: String
        var field: String?
        var reason: Imports.RowReason
        var testDescription: String { "\(self.reason) \(self.field ?? "-")" }
    }

    static let badRows: [BadRow] = [
        BadRow(
            kind: .installment,
            text: "id;client;invoice_id;invoice_date;amount\nF1;;F1;2025-01-15;100\n",
            field: "client",
            reason: .missingField
        ),
        BadRow(
            kind: .installment,
            text: "id;client;invoice_id;invoice_date;amount\nF1;A;F1;2025-01-15;cent\n",
            field: "amount",
            reason: .badType
        ),
        BadRow(
            kind: .installment,
            text: "id;client;invoice_id;invoice_date;amount\nF1;A;F1;2025-01-15;100,5\n",
            field: "amount",
            reason: .badType
        ),
        BadRow(
            kind: .installment,
            text: "id;client;invoice_id;invoice_date;amount\nF1;A;F1;15/01/2025;100\n",
            field: "invoice_date",
            reason: .badValue
        ),
        BadRow(
            kind: .installment,
            text: "id;client;invoice_id;invoice_date;amount\nF1;A;F1;2025-01-15;-100\n",
            field: "amount",
            reason: .badValue
        ),
        BadRow(
            kind: .installment,
            text:
                "id;client;invoice_id;invoice_date;amount\n\(String(repeating: "i", count: 129));A;F1;2025-01-15;100\n",
            field: "id",
            reason: .tooLong
        ),
        BadRow(kind: .client, text: "id;name;doubtful\nA;Alpha;maybe\n", field: "doubtful", reason: .badType),
        BadRow(
            kind: .client,
            text: "id;name;bookkeeping_mode\nA;Alpha;SOMETIMES\n",
            field: "bookkeeping_mode",
            reason: .badValue
        ),
        BadRow(
            kind: .client,
            text: "id;name;assigned_collaborators\nA;Alpha;U1|\(String(repeating: "u", count: 200))\n",
            field: "assigned_collaborators[1]",
            reason: .tooLong
        ),
        BadRow(
            kind: .collaborator,
            text: "id;name;roles\nU1;Alice;ADMIN|CHIEF\n",
            field: "roles[1]",
            reason: .badValue
        ),
        BadRow(
            kind: .document,
            text: "id;client;received_on;channel;kind;status_history\nD1;A;2025-01-02;EMAIL;COST;READY 2025-01-03\n",
            field: "status_history",
            reason: .badValue
        ),
        BadRow(
            kind: .collectionStrategy,
            text: "id;name;actions\nS;N;CALL:CALL\n",
            field: "actions",
            reason: .badValue
        ),
        BadRow(
            kind: .collectionStrategy,
            text: "id;name;actions\nS;N;CALL:CALL:soon\n",
            field: "actions[0].offset_days",
            reason: .badType
        ),
        BadRow(kind: .client, text: "id;name\nA;Alpha;extra\n", field: nil, reason: .malformed),
        BadRow(kind: .client, text: "id;name\nA;\"Alpha\" Beta\n", field: nil, reason: .malformed),
        BadRow(kind: .client, text: "id;name\nA;Al\"pha\n", field: nil, reason: .malformed),
        BadRow(kind: .client, text: "id;name\nA;\"Alpha\n", field: nil, reason: .malformed),
    ]

    @Test("per-row errors keep the row number, field and reason code", arguments: Self.badRows)
    func badRow(_ bad: BadRow) throws {
        let (batch, _) = try Self.read(bad.text, kind: bad.kind)
        let issue = try #require(batch.rejected.first)
        #expect(batch.rejected.count == 1)
        #expect(batch.rows.isEmpty)
        #expect(issue.line == 2)
        #expect(issue.field == bad.field)
        #expect(issue.reason == bad.reason)
        #expect(issue.source == "\(bad.kind.rawValue).csv")
    }

    @Test("a bad row does not stop the file")
    func goesOn() throws {
        let (batch, _) = try Self.read("id;name;credit_limit\nA;Alpha;x\nB;Beta;10\n\nC;;\nD;Delta;\n", kind: .client)
        #expect(batch.rows.map(\.id) == ["B", "D"])
        #expect(
            batch.rejected.map { "\($0.line) \($0.recordID ?? "-") \($0.reason)" } == [
                "2 A BAD_TYPE", "5 C MISSING_FIELD",
            ]
        )
    }

    @Test("a 'deleted' column makes tombstones; unknown columns are warned and ignored")
    func tombstonesAndUnknownColumns() throws {
        let (batch, warnings) = try Self.read("id;name;colour;deleted\nA;Alpha;red;\nB;;;true\n", kind: .client)
        #expect(batch.rows.map(\.id) == ["A", "B"])
        #expect(
            batch.rows.map { if case .tombstone = $0.content { "tombstone" } else { "record" } } == [
                "record", "tombstone",
            ]
        )
        #expect(warnings.map(\.code) == ["UNKNOWN_COLUMN"])
    }

    @Test("a file without header or without id column is refused with a typed error")
    func fileErrors() {
        #expect(throws: ImportError.self) { try CSVReader(source: MemoryByteSource(text: ""), kind: .client) }
        do {
            _ = try CSVReader(
                source: MemoryByteSource(name: "client.csv", text: "name;credit_limit\nA;1\n"),
                kind: .client
            )
            Issue.record("a client file without id must be refused")
        } catch let error as ImportError {
            #expect(error.code == .missingColumn)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("file names name entity kinds; a directory is read in dependency order")
    func directory() async throws {
        #expect(CSVReader<MemoryByteSource>.entityKind(forFileName: "credit_document.CSV") == .creditDocument)
        #expect(CSVReader<MemoryByteSource>.entityKind(forFileName: "clients.csv") == nil)
        try await withTemporaryDirectoryAsync { directory in
            try Data("id;client;invoice_id;invoice_date;amount\nF1;A;F1;2025-01-15;100\n".utf8)
                .write(to: directory.appendingPathComponent("installment.csv"))
            try Data("id,name\nA,Alpha\nB,Beta\n".utf8).write(to: directory.appendingPathComponent("client.csv"))
            try Data("notes".utf8).write(to: directory.appendingPathComponent("README.txt"))
            let (files, ignored) = try CSVDirectory.files(in: directory)
            #expect(files.map(\.kind) == [.client, .installment])
            #expect(ignored.map(\.lastPathComponent) == ["README.txt"])
            var ids: [String] = []
            for file in files {
                for try await batch in CSVReader.batches(url: file.url, maximumRows: 1) {
                    ids += batch.rows.map(\.id)
                }
            }
            #expect(ids == ["A", "B", "F1"])
            await #expect(throws: ImportError.self) {
                for try await _ in CSVReader.batches(url: directory.appendingPathComponent("README.txt")) {}
            }
        }
    }

    @Test("the CSV field names are exactly the JSON keys of fully populated records")
    func fieldNamesMatchRecords() throws {
        let writer = JSONLinesWriter()
        let full: [RecordBatch] = FullRecords.all
        for batch in full {
            for record in batch.records {
                let line = try writer.line(for: record)
                guard case .object(let object) = try JSONValueParser.parse(ArraySlice(line.dropLast())) else {
                    Issue.record("not an object")
                    continue
                }
                let keys = Set(object.keys).subtracting(["entity"]).subtracting(
                    JSONLinesWriter.recordHasKindField(batch.kind) ? [] : ["kind"]
                )
                #expect(
                    keys == Set(batch.kind.fieldNames).subtracting(batch.kind == .firmSettings ? ["id"] : []),
                    "\(batch.kind)"
                )
            }
        }
        #expect(Set(full.map(\.kind)) == Set(EntityKind.allCases))
    }
}

/// Async variant of `withTemporaryDirectory`.
func withTemporaryDirectoryAsync<T>(_ body: (URL) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("imports-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}
