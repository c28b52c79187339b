internal import Foundation
internal import KPI
internal import PilotageProtocol
public import RPCCore
internal import RollupStore
internal import Rollups
public import Storage
internal import TenantStore
internal import Wire

/// `pilotage.dashboard.Practice`: the practice dashboard of the caller's firm (kpi-definitions
/// §7) at levels 1 and 2, from rollups only (practice snapshots and daily flows of day rows,
/// monthly flows of month rows; read through the selection's slices); `verify` adds the same
/// answer recomputed from raw facts. Visibility: ``DashboardAudience``.
public struct PracticeDashboardHandlers: Sendable {
    let tenants: TenantPool
    let clock: FirmClock

    /// Creates the handlers.
    public init(tenants: TenantPool, clock: FirmClock) {
        self.tenants = tenants
        self.clock = clock
    }

    /// The service definition to register with the server.
    public var definition: ServiceDefinition {
        var service = ServiceDefinition(name: PracticeDashboardService.name)
        service.unary(PracticeDashboardService.summary) { request, context in
            let firm = try context.requireFirm()
            return try await PracticeDashboard(tenants: self.tenants, clock: self.clock)
                .summary(firm: firm, actingUser: context.identity.actingUser, request: request)
        }
        service.unary(PracticeDashboardService.series) { request, context in
            let firm = try context.requireFirm()
            return try await PracticeDashboard(tenants: self.tenants, clock: self.clock)
                .series(firm: firm, actingUser: context.identity.actingUser, request: request)
        }
        return service
    }
}

/// Computes the practice answers.
struct PracticeDashboard: Sendable {
    let tenants: TenantPool
    let clock: FirmClock

    /// What an answer is computed from, read in the rollup snapshot.
    struct Selection: Sendable {
        var context: ReceivablesSummary.Context
        /// How the selected groups are read: their slice cover and, at level 1, each
        /// collaborator's.
        var plan: SelectionPlan

        /// The selected groups (filter and visibility applied).
        var groups: [StoredGroup] { self.plan.groups }
    }

    /// The default flow period of level 1: the 90 days ending at D (kpi-definitions §1.3).
    static let defaultPeriodDays = 90

    // MARK: - Level 1

    func summary(firm: FirmID, actingUser: String?, request: PracticeSummaryRequest) async throws -> PracticeSummaryReply {
        let clock = self.clock
        return try await self.tenants.withTenant(firm) { database in
            let started = ContinuousClock.now
            let (selection, asOf, period, level1, parts) = try await database.read { connection in
                let selection = try Self.select(
                    connection: connection,
                    clock: clock,
                    actingUser: actingUser,
                    filter: request.filter,
                    maxStaleness: request.maxStalenessSeconds,
                    breakdownLimit: try ReceivablesSummary.breakdownLimit(request.breakdownLimit)
                )
                let (asOf, period) = try Self.period(request, today: selection.context.today)
                let (level1, rollupParts) = try Self.rollupLevel1(
                    reader: RollupReader(connection: connection),
                    selection: selection,
                    asOf: asOf,
                    period: period
                )
                var explained: PracticePartsMessage?
                if request.explain == true {
                    explained = PracticePartsMessage(
                        snapshot: PracticeKPI.parts(rollupParts.snapshot(at: asOf)).map { PartMessage(name: $0.name, value: $0.value) },
                        flow: PracticeKPI.parts(rollupParts.flow(over: period)).map { PartMessage(name: $0.name, value: $0.value) }
                    )
                }
                return (selection, asOf, period, level1, explained)
            }
            let rollupTime = ContinuousClock.now - started
            var verification: DashboardVerification?
            if request.verify == true {
                let referenceStarted = ContinuousClock.now
                let reference = try await database.read { connection in
                    Self.referenceLevel1(facts: try Self.facts(connection: connection, selection: selection), selection: selection, asOf: asOf, period: period)
                }
                verification = DashboardComparison.verification(
                    rollup: level1.compared,
                    reference: reference.compared,
                    rollupTime: rollupTime,
                    referenceTime: ContinuousClock.now - referenceStarted
                )
            }
            let settings = selection.context.kpi.settings.clamped
            var summary = level1.message
            summary.collaboratorsTotal = selection.plan.breakdown.totalCollaborators
            return PracticeSummaryReply(
                asOf: asOf,
                from: period.start,
                to: period.end,
                definitions: Level1Report.definitions,
                freshness: selection.context.freshness,
                clients: selection.groups.reduce(0) { $0 + $1.clients },
                groups: selection.groups.count,
                thresholds: PracticeThresholdsMessage(
                    inactivityDays: settings.inactivityDays,
                    decliningRatioPercent: settings.decliningRatioPercent,
                    decliningMinimumDocuments: settings.decliningMinimumDocuments
                ),
                summary: summary,
                parts: parts,
                verification: verification
            )
        }
    }

    /// D and P of a level-1 request: P = `from…to` when given (then D = `to`), else the 90 days
    /// ending at D.
    static func period(_ request: PracticeSummaryRequest, today: CalendarDate) throws -> (CalendarDate, Period) {
        switch (request.from, request.to) {
        case (let from?, let to?):
            if let asOf = request.asOf, asOf != to {
                throw RPCError(code: .invalidArgument, message: "as_of \(asOf) differs from the period end \(to) (D is the period end)")
            }
            let asOf = try ReceivablesSummary.asOf(to, today: today)
            guard from <= to else { throw RPCError(code: .invalidArgument, message: "from \(from) is after to \(to)") }
            return (asOf, Period(uncheckedStart: from, end: to))
        case (nil, nil):
            let asOf = try ReceivablesSummary.asOf(request.asOf, today: today)
            return (asOf, PracticeLevel1.window(endingAt: asOf, length: Self.defaultPeriodDays))
        default:
            throw RPCError(code: .invalidArgument, message: "give both from and to for an explicit period, or neither")
        }
    }

    // MARK: - Level 2

    func series(firm: FirmID, actingUser: String?, request: SeriesRequest) async throws -> SeriesReply {
        let kpis = try SeriesRange.kpis(request.kpis, valid: PracticeKPI.allIDs)
        let clock = self.clock
        return try await self.tenants.withTenant(firm) { database in
            let started = ContinuousClock.now
            let (selection, range, rollupSeries) = try await database.read { connection in
                let selection = try Self.select(
                    connection: connection,
                    clock: clock,
                    actingUser: actingUser,
                    filter: request.filter,
                    maxStaleness: request.maxStalenessSeconds,
                    breakdownLimit: 0
                )
                let range = try SeriesRange(
                    request: request,
                    today: selection.context.today,
                    calendar: selection.context.kpi.settings.clamped.fiscalCalendar
                )
                let parts = try Self.parts(
                    reader: RollupReader(connection: connection),
                    selection: selection,
                    snapshotDates: range.buckets.map(\.period.end),
                    flowPeriods: range.buckets.map(\.period)
                )
                let values = RollupPracticeValues(parts: parts, firstDataDate: selection.context.kpi.firstDataDate)
                let series = Self.series(values: values, kpis: kpis, range: range, explain: request.explain == true ? parts : nil)
                return (selection, range, series)
            }
            let rollupTime = ContinuousClock.now - started
            var verification: DashboardVerification?
            if request.verify == true {
                let referenceStarted = ContinuousClock.now
                let reference = try await database.read { connection in
                    let facts = try Self.facts(connection: connection, selection: selection)
                    let values = ReferencePracticeValues(
                        facts: facts,
                        settings: selection.context.kpi.settings,
                        firstDataDate: selection.context.kpi.firstDataDate
                    )
                    return Self.series(values: values, kpis: kpis, range: range, explain: nil)
                }
                verification = DashboardComparison.verification(
                    rollup: Self.compared(rollupSeries),
                    reference: Self.compared(reference),
                    rollupTime: rollupTime,
                    referenceTime: ContinuousClock.now - referenceStarted
                )
            }
            return SeriesReply(
                from: range.from,
                to: range.to,
                periodicity: range.periodicity,
                definitions: Level1Report.definitions,
                freshness: selection.context.freshness,
                selected: selection.groups.reduce(0) { $0 + $1.clients },
                series: rollupSeries.map { id, points in
                    SeriesMessage(
                        kpi: id,
                        points: points.map {
                            SeriesPointMessage(
                                start: $0.bucket.period.start,
                                end: $0.bucket.period.end,
                                label: $0.bucket.label,
                                value: Level1Report.value($0.value),
                                parts: $0.parts
                            )
                        }
                    )
                },
                verification: verification
            )
        }
    }

    /// One computed point of a level-2 series.
    struct Point: Sendable {
        var bucket: Bucket
        var value: KPIValue
        var parts: [PartMessage]?
    }

    /// Every requested KPI over the buckets: snapshot KPIs at each bucket end, flow KPIs over it.
    static func series(values: some PracticeValues, kpis: [String], range: SeriesRange, explain: PracticeRollupParts?)
        -> [(String, [Point])]
    {
        let snapshots = range.buckets.map { values.snapshotValues(at: $0.period.end) }
        let flows = range.buckets.map { values.flowValues(over: $0.period) }
        return kpis.map { id in
            let isFlow = PracticeKPI.isFlow(id)
            let points = range.buckets.indices.map { index in
                let bucket = range.buckets[index]
                let value = (isFlow ? flows[index] : snapshots[index])[id] ?? .null(.noData, unit: .count, rounding: .r0)
                let parts = explain.map { parts in
                    (isFlow ? PracticeKPI.parts(parts.flow(over: bucket.period)) : PracticeKPI.parts(parts.snapshot(at: bucket.period.end)))
                        .map { PartMessage(name: $0.name, value: $0.value) }
                }
                return Point(bucket: bucket, value: value, parts: parts)
            }
            return (id, points)
        }
    }

    static func compared(_ series: [(String, [Point])]) -> [ComparedValue] {
        series.flatMap { id, points in
            points.map { ComparedValue(name: "\(id) \($0.bucket.label)", date: $0.bucket.period.end, value: $0.value) }
        }
    }

    // MARK: - Steps (inside a read transaction, on the reader's queue)

    /// Context, staleness, visibility, filter and settings fingerprints of a request; the
    /// selection's plan with `breakdownLimit` lines per axis (shared with the receivables
    /// answers of the same filter).
    static func select(
        connection: SQLiteConnection,
        clock: FirmClock,
        actingUser: String?,
        filter: ClientFilterMessage?,
        maxStaleness: Double?,
        breakdownLimit: Int
    ) throws -> Selection {
        let audience = try DashboardAudience.resolve(actingUser: actingUser, connection: connection)
        let context = try ReceivablesSummary.context(connection: connection, clock: clock)
        if let maxStaleness {
            try ReceivablesSummary.checkStaleness(context.freshness, limit: maxStaleness)
        }
        let kpiFilter = audience.restrict(filter)?.kpiFilter ?? ClientFilter()
        let plan = SelectionPlanCache.shared.plan(.init(file: context.file, filter: kpiFilter, breakdownLimit: breakdownLimit)) {
            SelectionPlan(filter: kpiFilter, breakdownLimit: breakdownLimit, context: context)
        }
        try ReceivablesSummary.checkFingerprints(RollupReader(connection: connection), groups: plan.groups, current: context.fingerprint)
        return Selection(context: context, plan: plan)
    }

    /// The level-1 answer of the selection at `asOf` over `period`, from rollups, and the parts
    /// it was computed from (explain).
    static func rollupLevel1(reader: RollupReader, selection: Selection, asOf: CalendarDate, period: Period) throws
        -> (PracticeLevel1, PracticeRollupParts)
    {
        let parts = try Self.parts(
            reader: reader,
            selection: selection,
            snapshotDates: PracticeLevel1.snapshotDates(asOf: asOf),
            flowPeriods: PracticeLevel1.flowPeriods(asOf: asOf, period: period)
        )
        let first = selection.context.kpi.firstDataDate
        let collaborators = try Self.collaboratorValues(reader: reader, plan: selection.plan, asOf: asOf, firstDataDate: first)
        let level1 = PracticeLevel1(values: RollupPracticeValues(parts: parts, firstDataDate: first), asOf: asOf, period: period, collaborators: collaborators)
        return (level1, parts)
    }

    /// The same answer from the selection's raw `facts` (verification), for the same collaborators.
    static func referenceLevel1(facts: [ClientFacts], selection: Selection, asOf: CalendarDate, period: Period) -> PracticeLevel1 {
        let settings = selection.context.kpi.settings
        let first = selection.context.kpi.firstDataDate
        let collaborators = Self.collaboratorValues(
            facts: facts,
            of: Set(selection.plan.breakdown.collaborators.map(\.key)),
            settings: settings,
            firstDataDate: first
        )
        return PracticeLevel1(
            values: ReferencePracticeValues(facts: facts, settings: settings, firstDataDate: first),
            asOf: asOf,
            period: period,
            collaborators: collaborators
        )
    }

    /// The practice parts of the selection, read through its slice cover.
    static func parts(
        reader: RollupReader,
        selection: Selection,
        snapshotDates: [CalendarDate],
        flowPeriods: [Period]
    ) throws -> PracticeRollupParts {
        try reader.practiceParts(
            selection: try reader.selection(selection.plan.cover),
            groups: selection.groups,
            firstDays: try GroupFirstDaysCache.shared.firstDays(reader: reader, file: selection.context.file),
            calendar: selection.context.kpi.settings.clamped.fiscalCalendar,
            snapshotDates: snapshotDates,
            flowPeriods: flowPeriods
        )
    }

    /// The raw facts of the selected clients (verification only).
    static func facts(connection: SQLiteConnection, selection: Selection) throws -> [ClientFacts] {
        let rollups = TenantRollups(connection: connection)
        var clients: [String] = []
        for group in selection.groups { clients += try rollups.members(ofGroup: group.id) }
        return try FactRecords(connection: connection).clientFacts(clients, mapper: FactMapper(settings: selection.context.settings))
    }

    /// The values at D of the plan's collaborators (`breakdown_limit` of them, those with the most
    /// clients) from their breakdown line's cover (their slice, mostly).
    /// Only the to-do counts are shown by collaborator, and those are exact from stored rows
    /// alone (``RollupStore/RollupReader/storedPracticeSnapshots(of:at:)``).
    static func collaboratorValues(
        reader: RollupReader,
        plan: SelectionPlan,
        asOf: CalendarDate,
        firstDataDate: CalendarDate?
    ) throws -> [(String, any PracticeValues)] {
        let entries = plan.breakdown.collaborators
        // Line covers follow `breakdown.entries`: offices, modes, then collaborators.
        let covers = Array(plan.lineCovers.suffix(entries.count))
        let snapshots = try reader.storedPracticeSnapshots(of: try reader.selections(covers), at: asOf)
        return zip(entries, snapshots).map { entry, snapshot in
            (entry.key, RollupPracticeValues(parts: PracticeRollupParts(snapshots: [asOf: snapshot]), firstDataDate: firstDataDate))
        }
    }

    /// The values of each of `collaborators` from their clients' raw facts.
    static func collaboratorValues(
        facts: [ClientFacts],
        of collaborators: Set<String>,
        settings: KPISettings,
        firstDataDate: CalendarDate?
    ) -> [(String, any PracticeValues)] {
        collaborators.map { collaborator in
            (
                collaborator,
                ReferencePracticeValues(
                    facts: facts.filter { $0.client.assignedCollaborators.contains(collaborator) },
                    settings: settings,
                    firstDataDate: firstDataDate
                )
            )
        }
    }
}
