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
/// year, read from the deal rows of `rollup_prospects` (their unit, team and counts). Pages are
/// pinned to the rollup watermark; the export to the page's watermark.
extension ProspectsDashboard {
    /// The views of `Prospects/Deals`.
    static let views = ["deals"]

    /// The `deals` columns.
    static let dealColumns = [
        TableColumn(name: "deal", title: "Deal", unit: "TEXT", searchable: true),
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
        let selection = try await self.tenants.withTenant(firm) { database in
            try await database.read { connection in
                try Self.select(
                    connection: connection,
                    clock: clock,
                    actingUser: actingUser,
                    fiscalYear: request.fiscalYear,
                    units: request.unit.map { [$0] },
                    collaborators: request.filter?.collaborators,
                    maxStaleness: request.maxStalenessSeconds,
                    withPrevious: false
                )
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
        return (selection, Self.dealsTable(selection.current, calendar: selection.calendar), TablePin(watermark: watermark, scope: scope))
    }

    /// `Prospects/Deals`: one page.
    func deals(firm: FirmID, actingUser: String?, request: TableRequest) async throws -> TableReply {
        let (selection, table, pin) = try await self.table(firm: firm, actingUser: actingUser, request: request)
        let page: TablePage
        do {
            page = try table.page(TableQuery(request: request), pin: pin)
        } catch {
            throw Self.rpcError(error)
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
            throw Self.rpcError(error)
        }
    }

    /// The RPC status of a table error.
    static func rpcError(_ error: DashboardError) -> RPCError {
        switch error.code {
        case .invalidArgument: RPCError(code: .invalidArgument, message: error.message)
        case .failedPrecondition: RPCError(code: .failedPrecondition, message: error.message)
        case .resourceExhausted: RPCError(code: .resourceExhausted, message: error.message)
        }
    }
}
