import Dashboards
import KPI
import PilotageProtocol
import Testing
import Wire

@Suite("Level-3 tables")
struct DashboardTableTests {
    /// Clients c00…c24 with a name, an amount (every third one null) and a date.
    static func table() -> DashboardTable {
        let columns = [
            TableColumn(name: "client", title: "Client", unit: "TEXT", searchable: true),
            TableColumn(name: "name", title: "Name", unit: "TEXT", searchable: true),
            TableColumn(name: "ar_cents", title: "AR", unit: "CENTS"),
            TableColumn(name: "since", title: "Since", unit: "DATE"),
        ]
        let rows = (0..<25).map { index in
            let id = index < 10 ? "c0\(index)" : "c\(index)"
            return TableRow(
                key: id,
                values: [
                    .text(id),
                    .text(index % 2 == 0 ? "Boulangerie \(index)" : "garage \(index)"),
                    index % 3 == 0 ? .null : .integer(Int64((index * 7) % 11) * 100),
                    .date(CalendarDate(year: 2025, month: 1, day: 1 + index)!),
                ]
            )
        }
        return DashboardTable(view: "clients", columns: columns, rows: rows, naturalOrder: [SortKeyMessage(column: "client")])
    }

    @Test("numbers sort as numbers, ties broken by the key, nulls last in both directions")
    func sorting() throws {
        let table = Self.table()
        let ascending = try table.ordered(search: nil, sort: [SortKeyMessage(column: "ar_cents")])
        let descending = try table.ordered(search: nil, sort: [SortKeyMessage(column: "ar_cents", descending: true)])
        for rows in [ascending, descending] {
            let amounts = rows.map { row -> Int64? in if case .integer(let value) = row.values[2] { value } else { nil } }
            let present = amounts.prefix { $0 != nil }.map { $0! }
            #expect(present.count == 16)
            #expect(amounts.dropFirst(16).allSatisfy { $0 == nil })
            let sorted = rows == ascending ? present.sorted() : present.sorted(by: >)
            #expect(present == sorted)
        }
        // Among equal amounts the row key decides, ascending.
        let zeroKeys = ascending.filter { $0.values[2] == .integer(0) }.map(\.key)
        #expect(zeroKeys == zeroKeys.sorted())
        #expect(zeroKeys.count == 2)
    }

    @Test("search is a case-insensitive substring of the key or a searchable column")
    func search() throws {
        let table = Self.table()
        let garages = try table.ordered(search: "GARAGE", sort: nil)
        #expect(garages.count == 12)
        #expect(try table.ordered(search: "c2", sort: nil).map(\.key) == ["c20", "c21", "c22", "c23", "c24"])
        // Amounts are not searchable: "700" finds nothing.
        #expect(try table.ordered(search: "700", sort: nil).isEmpty)
    }

    @Test("cursor pages cover every row once, in order; the cursor refuses another query or a moved watermark")
    func paging() throws {
        let table = Self.table()
        let pin = TablePin(watermark: 7, scope: "clients|2025-03-31|all")
        var cursor: String?
        var keys: [String] = []
        var pages = 0
        repeat {
            let page = try table.page(TableQuery(sort: [SortKeyMessage(column: "since", descending: true)], pageSize: 10, cursor: cursor), pin: pin)
            #expect(page.totalRows == 25)
            keys += page.rows.map(\.key)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 3)
        let expected = try table.ordered(search: nil, sort: [SortKeyMessage(column: "since", descending: true)]).map(\.key)
        #expect(keys == expected)
        #expect(Set(keys).count == 25)

        let first = try table.page(TableQuery(pageSize: 10), pin: pin)
        let next = try #require(first.nextCursor)
        #expect(throws: DashboardError.self) {
            try table.page(TableQuery(search: "garage", pageSize: 10, cursor: next), pin: pin)
        }
        do {
            _ = try table.page(TableQuery(pageSize: 10, cursor: next), pin: TablePin(watermark: 8, scope: pin.scope))
            Issue.record("a moved watermark must refuse the cursor")
        } catch {
            #expect(error.code == .failedPrecondition)
        }
        #expect(throws: DashboardError(.invalidArgument, "malformed cursor 'garbage'")) {
            try table.page(TableQuery(cursor: "garbage"), pin: pin)
        }
    }

    @Test("unknown sort column and page sizes out of range are INVALID_ARGUMENT")
    func limits() {
        let table = Self.table()
        for query in [TableQuery(sort: [SortKeyMessage(column: "nope")]), TableQuery(pageSize: 0), TableQuery(pageSize: 1_001)] {
            do {
                _ = try table.page(query, pin: TablePin(watermark: 1, scope: ""))
                Issue.record("\(query) must be refused")
            } catch {
                #expect(error.code == .invalidArgument)
            }
        }
    }

    @Test("CSV: header of column names, RFC 4180 quoting, CRLF, nulls empty, chunks of whole lines")
    func csv() {
        #expect(CSVWriter.line(["a", nil, "b,c", "say \"hi\"", "two\nlines", " pad"]) == "a,,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\" pad\"\r\n")
        let table = Self.table()
        let chunks = CSVWriter.chunks(columns: table.columns, rows: table.rows, chunkBytes: 100)
        #expect(chunks.count > 1)
        #expect(chunks.allSatisfy { $0.hasSuffix("\r\n") })
        let lines = chunks.joined().split(separator: "\r\n", omittingEmptySubsequences: true)
        #expect(lines.first == "client,name,ar_cents,since")
        #expect(lines.count == 26)
        #expect(lines[1] == "c00,Boulangerie 0,,2025-01-01")
        #expect(lines[2] == "c01,garage 1,700,2025-01-02")
    }

    @Test("KPI cells render rounded and sort by their exact value (9.5 before 81.4, not as text)")
    func kpiCells() throws {
        let columns = [TableColumn(name: "client", title: "Client", unit: "TEXT"), TableColumn(name: "dso", title: "DSO", unit: "DAYS")]
        let values: [KPIValue] = [
            KPIValue.checked(Rational(651, 8), unit: .days, rounding: .r1),
            KPIValue.checked(Rational(19, 2), unit: .days, rounding: .r1),
            .null(.noSales, unit: .days, rounding: .r1),
        ]
        let rows = values.enumerated().map { TableRow(key: "k\($0.offset)", values: [.text("k\($0.offset)"), .kpi($0.element)]) }
        let table = DashboardTable(view: "clients", columns: columns, rows: rows)
        let ordered = try table.ordered(search: nil, sort: [SortKeyMessage(column: "dso")])
        #expect(ordered.map(\.key) == ["k1", "k0", "k2"])
        #expect(ordered.map { $0.message.cells[1] } == ["9.5", "81.4", nil])
    }
}
