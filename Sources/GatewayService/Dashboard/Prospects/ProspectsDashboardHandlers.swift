internal import Foundation
internal import KPI
internal import PilotageProtocol
public import RPCCore
internal import RollupStore
internal import Rollups
public import Storage
internal import TenantStore
internal import Wire

/// `pilotage.dashboard.Prospects`: the prospects dashboard of the caller's firm
/// (kpi-definitions §9) at levels 1, 2 and 3, from the deal rows of `rollup_prospects` only;
/// `verify` recomputes levels 1 and 2 from the raw deals and offers with ``KPI/Prospects``.
/// Visibility: ``ProspectVisibility``.
public struct ProspectsDashboardHandlers: Sendable {
    let tenants: TenantPool
    let clock: FirmClock

    /// Creates the handlers.
    public init(tenants: TenantPool, clock: FirmClock) {
        self.tenants = tenants
        self.clock = clock
    }

    /// The service definition to register with the server.
    public var definition: ServiceDefinition {
        var service = ServiceDefinition(name: ProspectsDashboardService.name)
        service.unary(ProspectsDashboardService.summary) { request, context in
            let firm = try context.requireFirm()
            return try await ProspectsDashboard(tenants: self.tenants, clock: self.clock)
                .summary(firm: firm, actingUser: context.identity.actingUser, request: request)
        }
        service.unary(ProspectsDashboardService.series) { request, context in
            let firm = try context.requireFirm()
            return try await ProspectsDashboard(tenants: self.tenants, clock: self.clock)
                .series(firm: firm, actingUser: context.identity.actingUser, request: request)
        }
        service.unary(ProspectsDashboardService.deals) { request, context in
            let firm = try context.requireFirm()
            return try await ProspectsDashboard(tenants: self.tenants, clock: self.clock)
                .deals(firm: firm, actingUser: context.identity.actingUser, request: request)
        }
        service.serverStreaming(ProspectsDashboardService.exportDeals) { request, writer, context in
            let firm = try context.requireFirm()
            let chunks = try await ProspectsDashboard(tenants: self.tenants, clock: self.clock)
                .export(firm: firm, actingUser: context.identity.actingUser, request: request)
            for chunk in chunks {
                try await writer.write(CSVChunkMessage(text: chunk))
            }
        }
        return service
    }
}

/// Computes the prospects answers.
struct ProspectsDashboard: Sendable {
    let tenants: TenantPool
    let clock: FirmClock

    /// The visible deal rows of one fiscal year as of one day.
    struct YearRows: Sendable {
        var fiscalYear: Int
        var asOf: CalendarDate
        var rows: [ProspectRollupRow]

        /// Their summed counts.
        var counts: ProspectCounts {
            self.rows.reduce(into: ProspectCounts.zero) { $0 += $1.counts }
        }
    }

    /// What an answer is computed from, read in one rollup snapshot.
    struct Selection: Sendable {
        var context: ReceivablesSummary.Context
        var calendar: FiscalCalendar
        var visibility: ProspectVisibility
        var current: YearRows
        /// N−1 at the same day, when asked and kept.
        var previous: YearRows?
        var previousUnavailable: String?
    }

    // MARK: - Level 1

    func summary(firm: FirmID, actingUser: String?, request: ProspectsSummaryRequest) async throws -> ProspectsSummaryReply {
        let clock = self.clock
        return try await self.tenants.withTenant(firm) { database in
            let started = ContinuousClock.now
            let selection = try await database.read { connection in
                try Self.select(
                    connection: connection,
                    clock: clock,
                    actingUser: actingUser,
                    fiscalYear: request.fiscalYear,
                    units: request.units,
                    collaborators: request.collaborators,
                    maxStaleness: request.maxStalenessSeconds,
                    withPrevious: true
                )
            }
            let current = Self.figures(selection.current, calendar: selection.calendar)
            let previous = selection.previous.map { Self.figures($0, calendar: selection.calendar) }
            let rollupTime = ContinuousClock.now - started
            var verification: DashboardVerification?
            if request.verify == true {
                let referenceStarted = ContinuousClock.now
                let reference = try await database.read { connection in
                    try Self.reference(connection: connection, selection: selection)
                }
                verification = DashboardComparison.verification(
                    rollup: current.compared(prefix: "N") + (previous?.compared(prefix: "N-1") ?? []),
                    reference: reference.current.compared(prefix: "N") + (reference.previous?.compared(prefix: "N-1") ?? []),
                    rollupTime: rollupTime,
                    referenceTime: ContinuousClock.now - referenceStarted
                )
            }
            return ProspectsSummaryReply(
                definitions: Level1Report.definitions,
                freshness: selection.context.freshness,
                current: current.message,
                previous: previous?.message,
                previousUnavailable: selection.previousUnavailable,
                parts: request.explain == true ? current.parts : nil,
                verification: verification
            )
        }
    }

    static func figures(_ year: YearRows, calendar: FiscalCalendar) -> ProspectsFigures {
        ProspectsFigures(fiscalYear: year.fiscalYear, asOf: year.asOf, deals: year.rows.count, counts: year.counts, calendar: calendar)
    }

    // MARK: - Level 2

    /// The level-2 KPI ids.
    static let seriesIDs = ["PP-WON-MONTHLY", "PP-WON-FEES", "PP-OPEN", "PP-POTENTIAL", "PP-SIGNED", "PP-BUDGET"]

    func series(firm: FirmID, actingUser: String?, request: SeriesRequest) async throws -> SeriesReply {
        let kpis = try SeriesRange.kpis(request.kpis, valid: Self.seriesIDs)
        if let periodicity = request.periodicity, periodicity != .month {
            throw RPCError(
                code: .invalidArgument,
                message: "the prospects series are by fiscal month (MONTH); \(periodicity.rawValue) is not available"
            )
        }
        let clock = self.clock
        return try await self.tenants.withTenant(firm) { database in
            let started = ContinuousClock.now
            let selection = try await database.read { connection in
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
            let figures = Self.figures(selection.current, calendar: selection.calendar)
            let range = try Self.range(request, figures: figures)
            let series = Self.series(figures, kpis: kpis, range: range, explain: request.explain == true)
            let rollupTime = ContinuousClock.now - started
            var verification: DashboardVerification?
            if request.verify == true {
                let referenceStarted = ContinuousClock.now
                let reference = try await database.read { connection in
                    try Self.reference(connection: connection, selection: selection)
                }
                verification = DashboardComparison.verification(
                    rollup: Self.compared(series),
                    reference: Self.compared(Self.series(reference.current, kpis: kpis, range: range, explain: false)),
                    rollupTime: rollupTime,
                    referenceTime: ContinuousClock.now - referenceStarted
                )
            }
            return SeriesReply(
                from: range.start,
                to: range.end,
                periodicity: .month,
                definitions: Level1Report.definitions,
                freshness: selection.context.freshness,
                selected: selection.current.rows.count,
                series: Self.messages(series),
                verification: verification
            )
        }
    }

    /// The months shown: the fiscal year's months up to its as-of day, within `from…to`.
    static func range(_ request: SeriesRequest, figures: ProspectsFigures) throws -> Period {
        let year = Period(uncheckedStart: figures.months.first?.start ?? figures.asOf, end: figures.months.last?.end ?? figures.asOf)
        let start = Swift.max(request.from ?? year.start, year.start)
        let end = Swift.min(request.to ?? figures.asOf, figures.asOf, year.end)
        guard start <= end else {
            throw RPCError(
                code: .invalidArgument,
                message: "\(request.from?.description ?? "…")…\(request.to?.description ?? "…") does not meet fiscal year \(figures.fiscalYear) up to \(figures.asOf)"
            )
        }
        return Period(uncheckedStart: start, end: end)
    }

    /// One point of a level-2 series.
    struct Point: Sendable {
        var label: String
        var start: CalendarDate
        var end: CalendarDate
        var value: KPIValue
        var parts: [PartMessage]?
    }

    /// The points: won months over the range; the snapshot figures at the as-of day only.
    static func series(_ figures: ProspectsFigures, kpis: [String], range: Period, explain: Bool) -> [(String, [Point])] {
        let months = figures.wonMonths.filter { $0.period.end >= range.start && $0.period.start <= range.end }
        return kpis.map { id in
            switch id {
            case "PP-WON-MONTHLY", "PP-WON-FEES":
                let points = months.map { month in
                    let index = figures.months.firstIndex(of: month.period) ?? 0
                    let won = figures.counts.wonByMonth[index]
                    return Point(
                        label: month.label,
                        start: month.period.start,
                        end: Swift.min(month.period.end, range.end),
                        value: id == "PP-WON-MONTHLY" ? month.prospects : month.fees,
                        parts: explain
                            ? [
                                PartMessage(name: "WON_PROSPECTS", value: "\(won?.prospects ?? 0)"),
                                PartMessage(name: "WON_FEES", value: (won?.fees ?? .zero).description),
                            ] : nil
                    )
                }
                return (id, points)
            default:
                guard let month = months.last(where: { $0.period.contains(figures.asOf) }) else { return (id, []) }
                let point = Point(
                    label: month.label,
                    start: month.period.start,
                    end: figures.asOf,
                    value: figures.value(id) ?? .count(0),
                    parts: explain ? figures.parts : nil
                )
                return (id, [point])
            }
        }
    }

    static func messages(_ series: [(String, [Point])]) -> [SeriesMessage] {
        series.map { id, points in
            SeriesMessage(
                kpi: id,
                points: points.map {
                    SeriesPointMessage(start: $0.start, end: $0.end, label: $0.label, value: Level1Report.value($0.value), parts: $0.parts)
                }
            )
        }
    }

    static func compared(_ series: [(String, [Point])]) -> [ComparedValue] {
        series.flatMap { id, points in
            points.map { ComparedValue(name: "\(id) \($0.label)", date: $0.end, value: $0.value) }
        }
    }

    // MARK: - Steps (inside a read transaction, on the reader's queue)

    /// Visibility, staleness, fiscal years, fingerprints and the visible deal rows.
    static func select(
        connection: SQLiteConnection,
        clock: FirmClock,
        actingUser: String?,
        fiscalYear: Int?,
        units: [String]?,
        collaborators: [String]?,
        maxStaleness: Double?,
        withPrevious: Bool
    ) throws -> Selection {
        let visibility = try ProspectVisibility.resolve(
            actingUser: actingUser,
            units: units,
            collaborators: collaborators,
            connection: connection
        )
        let context = try ReceivablesSummary.context(connection: connection, clock: clock)
        if let maxStaleness {
            try ReceivablesSummary.checkStaleness(context.freshness, limit: maxStaleness)
        }
        let calendar = context.kpi.settings.clamped.fiscalCalendar
        let currentYear = calendar.fiscalYear(containing: context.today)
        let year = fiscalYear ?? currentYear
        guard year == currentYear || year == currentYear - 1 else {
            throw RPCError(
                code: .invalidArgument,
                message: "fiscal_year \(year): the rollups hold the current (\(currentYear)) and the previous (\(currentYear - 1)) fiscal years"
            )
        }
        let reader = RollupReader(connection: connection)
        func rows(_ year: Int, sameDayPrevious: Bool) throws -> YearRows {
            let state = try reader.prospectPartition(fiscalYear: year)
            if let state, state.fingerprint != context.fingerprint {
                throw RollupStoreError(
                    code: .settingsChanged,
                    message: "prospects rollups of fiscal year \(year) were computed with other settings than the firm's current ones; "
                        + "they are being recomputed"
                )
            }
            // The rows are those of the day the partition was computed for (today once published;
            // the freshness says when the roll-over is pending).
            let computed = state?.computedFor ?? context.today
            let asOf = sameDayPrevious ? calendar.sameDayPreviousFiscalYear(computed) : computed
            let visible = try reader.prospectRows(fiscalYear: year, asOf: asOf).filter {
                visibility.sees(unit: $0.organisationUnit, team: $0.team)
            }
            return YearRows(fiscalYear: year, asOf: asOf, rows: visible)
        }
        let current = try rows(year, sameDayPrevious: false)
        var previous: YearRows?
        var unavailable: String?
        if withPrevious {
            if year == currentYear {
                previous = try rows(year - 1, sameDayPrevious: true)
            } else {
                unavailable = "the rollups keep fiscal year \(year - 1) at no day: they hold the current and the previous fiscal years"
            }
        }
        return Selection(
            context: context,
            calendar: calendar,
            visibility: visibility,
            current: current,
            previous: previous,
            previousUnavailable: unavailable
        )
    }

    /// The same figures from the raw deals and offers (verification): the acting user's visible
    /// deals by ``KPI/Prospects/visibleDeals(for:filter:)``, or the firm's deals narrowed by the
    /// filter; each year's dashboard at the same as-of day as the rollup answer.
    static func reference(connection: SQLiteConnection, selection: Selection) throws -> (current: ProspectsFigures, previous: ProspectsFigures?) {
        let decoder = WireDecoder()
        var deals: [DealFact] = []
        var offers: [OfferFact] = []
        var collaborators: [CollaboratorFact] = []
        var units: [OrganisationUnitFact] = []
        for record in try FactRecords(connection: connection).firmRecords(kinds: [.deal, .offerDocument, .collaborator, .organisationUnit]) {
            let payload = [UInt8](record.payload)
            switch record.kind {
            case .deal: deals.append(FactMapper.deal(try decoder.decode(DealRecord.self, from: payload)))
            case .offerDocument: offers.append(FactMapper.offer(try decoder.decode(OfferDocumentRecord.self, from: payload)))
            case .collaborator: collaborators.append(FactMapper.collaborator(try decoder.decode(CollaboratorRecord.self, from: payload)))
            case .organisationUnit: units.append(FactMapper.organisationUnit(try decoder.decode(OrganisationUnitRecord.self, from: payload)))
            default: break
            }
        }
        let prospects = Prospects(deals: deals, offers: offers, collaborators: collaborators, units: units, calendar: selection.calendar)
        let visibility = selection.visibility
        let visible: [DealFact]
        if let user = visibility.userFact {
            visible = try prospects.visibleDeals(for: user, filter: visibility.prospectFilter)
        } else {
            visible = deals.filter { visibility.matchesFilter(unit: $0.organisationUnit, team: $0.team.members) }
        }
        func figures(_ year: YearRows) -> ProspectsFigures {
            let dashboard = prospects.dashboard(of: visible, fiscalYear: year.fiscalYear, asOf: year.asOf)
            return ProspectsFigures(
                fiscalYear: year.fiscalYear,
                asOf: year.asOf,
                deals: visible.filter { $0.fiscalYear == year.fiscalYear }.count,
                counts: ProspectCounts(dashboard),
                calendar: selection.calendar
            )
        }
        return (figures(selection.current), selection.previous.map(figures))
    }
}
