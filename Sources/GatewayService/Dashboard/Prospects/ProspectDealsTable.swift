internal import Dashboards
internal import Foundation
internal import KPI
internal import PilotageProtocol
internal import RPCCore
internal import RollupStore
internal import Rollups
internal import Storage
internal import Wire

/// Level 3 of the prospects dashboard: the `deals` view, one row per visible deal of the fiscal
/// year, read from the deal rows of `rollup_prospects` (name, signatory, unit, team and counts),
/// and the `documents` view, one row per offer document of those deals, read from
/// `rollup_prospect_documents`. Pages are pinned to the rollup watermark; the export to the
/// page's watermark.
extension ProspectsDashboard {
    /// The views of `Prospects/Deals`.
    static let views = ["deals", "documents"]

    /// The `deals` columns.
    static let dealColumns = [
        TableColumn(name: "deal", title: "Deal", unit: "TEXT", searchable: true),
        TableColumn(name: "prospect", title: "Prospect", unit: "TEXT", searchable: true),
        TableColumn(name: "signatory", title: "Signatory", unit: "TEXT", searchable: true),
        TableColumn(name: "unit", title: "Organisation unit", unit: "TEXT", searchable: true),
        TableColumn(name: "team", title: "Team", unit: "TEXT", searchable: true),
        TableColumn(name: "status", title: "Status at the as-of day", unit: "TEXT"),
        TableColumn(name: "open_offers", title: "Offers in progress", unit: "COUNT"),
        TableColumn(name: "potential_cents", title: "Potential fees HT", unit: "CENTS"),
        TableColumn(name: "signed_offers", title: "Offers signed", unit: "COUNT"),
        TableColumn(name: "signed_recurring_cents", title: "Signed recurring fees HT", unit: "CENTS"),
        TableColumn(name: "signed_exceptional_cents", title: "Signed exceptional fees HT", unit: "CENTS"),
        TableColumn(name: "signed_cents", title: "Signed fees HT", unit: "CENTS"),
        TableColumn(name: "refused_offers", title: "Offers refused", unit: "COUNT"),
        TableColumn(name: "won_month", title: "Month won", unit: "TEXT"),
    ]

    /// A deal's status at the as-of day, from its counts: `ABANDONED`, `SIGNED` (an offer signed),
    /// `OFFER_SENT` (an offer in progress), `NO_DOCUMENT` (open, no offer sent or signed), else
    /// `CLOSED`.
    static func status(_ counts: ProspectCounts) -> String {
        if counts.abandonedDeals > 0 { return "ABANDONED" }
        if counts.signedOffers > 0 || !counts.wonByMonth.isEmpty { return "SIGNED" }
        if counts.openOffers > 0 { return "OFFER_SENT" }
        if counts.noDocument > 0 { return "NO_DOCUMENT" }
        return "CLOSED"
    }

    /// The table of the visible deals.
    static func dealsTable(_ year: YearRows, calendar: FiscalCalendar) -> DashboardTable {
        let months = calendar.months(ofFiscalYear: year.fiscalYear)
        let rows = year.rows.map { row in
            let counts = row.counts
            let won = counts.wonByMonth.keys.min().flatMap { months.indices.contains($0) ? months[$0] : nil }
            return TableRow(
                key: row.deal,
                values: [
                    .text(row.deal),
                    row.prospectName.map(TableValue.text) ?? .null,
                    row.signatory.map(TableValue.text) ?? .null,
                    row.organisationUnit.map(TableValue.text) ?? .null,
                    .text(row.team.joined(separator: " ")),
                    .text(Self.status(counts)),
                    .integer(counts.openOffers),
                    .kpi(.cents(counts.potentialFees)),
                    .integer(counts.signedOffers),
                    .kpi(.cents(counts.signedRecurring)),
                    .kpi(.cents(counts.signedExceptional)),
                    .kpi(.cents(counts.signedRecurring + counts.signedExceptional)),
                    .integer(counts.refusedOffers),
                    won.map { .text(String($0.start.description.prefix(7))) } ?? .null,
                ]
            )
        }
        return DashboardTable(view: "deals", columns: Self.dealColumns, rows: rows, naturalOrder: [SortKeyMessage(column: "deal")])
    }

    /// The `documents` columns.
    static let documentColumns = [
        TableColumn(name: "offer", title: "Document", unit: "TEXT", searchable: true),
        TableColumn(name: "type", title: "Type", unit: "TEXT", searchable: true),
        TableColumn(name: "template", title: "Template", unit: "TEXT", searchable: true),
        TableColumn(name: "deal", title: "Deal", unit: "TEXT", searchable: true),
        TableColumn(name: "prospect", title: "Prospect", unit: "TEXT", searchable: true),
        TableColumn(name: "status", title: "Status at the as-of day", unit: "TEXT"),
        TableColumn(name: "recurring_cents", title: "Recurring fees HT", unit: "CENTS"),
        TableColumn(name: "exceptional_cents", title: "Exceptional fees HT", unit: "CENTS"),
        TableColumn(name: "fees_cents", title: "Fees HT", unit: "CENTS"),
        TableColumn(name: "sent_on", title: "Sent", unit: "DATE"),
        TableColumn(name: "signed_on", title: "Signed", unit: "DATE"),
        TableColumn(name: "status_on", title: "Status since", unit: "DATE"),
    ]

    /// The table of the visible deals' offer documents.
    static func documentsTable(_ documents: [ProspectDocumentRollupRow], deals: [ProspectRollupRow]) -> DashboardTable {
        let names = Dictionary(deals.map { ($0.deal, $0.prospectName) }, uniquingKeysWith: { first, _ in first })
        func date(_ value: CalendarDate?) -> TableValue { value.map(TableValue.date) ?? .null }
        let rows = documents.compactMap { document -> TableRow? in
            guard let name = names[document.deal] else { return nil }
            return TableRow(
                key: document.offer,
                values: [
                    .text(document.offer),
                    .text(document.type),
                    document.template.map(TableValue.text) ?? .null,
                    .text(document.deal),
                    name.map(TableValue.text) ?? .null,
                    document.status.map(TableValue.text) ?? .null,
                    .kpi(.cents(WideInt(document.feesRecurring))),
                    .kpi(.cents(WideInt(document.feesExceptional))),
                    .kpi(.cents(WideInt(document.feesRecurring) + WideInt(document.feesExceptional))),
                    date(document.sentOn),
                    date(document.signedOn),
                    date(document.statusOn),
                ]
            )
        }
        return DashboardTable(view: "documents", columns: Self.documentColumns, rows: rows, naturalOrder: [SortKeyMessage(column: "offer")])
    }

    /// The rows of a table request, with the pin its pages carry.
    func table(firm: FirmID, actingUser: String?, request: TableRequest) async throws -> (Selection, DashboardTable, TablePin) {
        let view = request.view ?? "deals"
        guard Self.views.contains(view) else {
            throw RPCError(code: .invalidArgument, message: "unknown view '\(view)'; views: \(Self.views.joined(separator: ", "))")
        }
        if let asOf = request.asOf {
            throw RPCError(code: .invalidArgument, message: "as_of \(asOf): the deals are read at the rollups' day; omit as_of")
        }
        let clock = self.clock
        let (selection, documents) = try await self.tenants.withTenant(firm) { database in
            try await database.read { connection in
                let selection = try Self.select(
                    connection: connection,
                    clock: clock,
                    actingUser: actingUser,
                    fiscalYear: request.fiscalYear,
                    units: request.unit.map { [$0] },
                    collaborators: request.filter?.collaborators,
                    maxStaleness: request.maxStalenessSeconds,
                    withPrevious: false
                )
                let documents =
                    view == "documents"
                    ? try RollupReader(connection: connection).prospectDocuments(
                        fiscalYear: selection.current.fiscalYear,
                        asOf: selection.current.asOf
                    ) : []
                return (selection, documents)
            }
        }
        let watermark = selection.context.freshness.watermarkSequence
        if let pinned = request.watermark, pinned != watermark {
            throw RPCError(
                code: .failedPrecondition,
                message: "the rollups moved since watermark \(pinned) (now \(watermark)); read the first page again"
            )
        }
        let visibility = selection.visibility
        let scope = [
            "prospects", view, "fy\(selection.current.fiscalYear)", selection.current.asOf.description,
            "user=\(visibility.user?.id ?? "")",
            "units=\((visibility.units ?? []).sorted().joined(separator: ","))",
            "collaborators=\((visibility.collaborators ?? []).sorted().joined(separator: ","))",
        ].joined(separator: "|")
        let table =
            view == "documents"
            ? Self.documentsTable(documents, deals: selection.current.rows)
            : Self.dealsTable(selection.current, calendar: selection.calendar)
        return (selection, table, TablePin(watermark: watermark, scope: scope))
    }

    /// `Prospects/Deals`: one page.
    func deals(firm: FirmID, actingUser: String?, request: TableRequest) async throws -> TableReply {
        let (selection, table, pin) = try await self.table(firm: firm, actingUser: actingUser, request: request)
        let page: TablePage
        do {
            page = try table.page(TableQuery(request: request), pin: pin)
        } catch {
            throw RPCError(error)
        }
        return TableReply(
            view: table.view,
            asOf: selection.current.asOf,
            definitions: Level1Report.definitions,
            freshness: selection.context.freshness,
            watermark: pin.watermark,
            columns: table.columns.map(\.message),
            rows: page.rows.map(\.message),
            totalRows: page.totalRows,
            nextCursor: page.nextCursor
        )
    }

    /// `Prospects/ExportDeals`: every row in the page order, as CSV chunks.
    func export(firm: FirmID, actingUser: String?, request: TableRequest) async throws -> [String] {
        let (_, table, _) = try await self.table(firm: firm, actingUser: actingUser, request: request)
        do {
            return CSVWriter.chunks(columns: table.columns, rows: try table.ordered(search: request.search, sort: request.sort))
        } catch {
            throw RPCError(error)
        }
    }
}
