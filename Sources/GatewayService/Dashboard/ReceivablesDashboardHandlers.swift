internal import Foundation
internal import KPI
internal import PilotageProtocol
public import RPCCore
internal import RollupStore
internal import Rollups
internal import ServerSupport
public import Storage
internal import TenantStore
internal import Wire

/// `pilotage.dashboard.Receivables`: the receivables dashboards of the caller's firm, from
/// rollups only; `verify` adds the same answer recomputed from raw facts.
public struct ReceivablesDashboardHandlers: Sendable {
    let tenants: TenantPool
    let clock: FirmClock

    /// Creates the handlers.
    public init(tenants: TenantPool, clock: FirmClock) {
        self.tenants = tenants
        self.clock = clock
    }

    /// The service definition to register with the server.
    public var definition: ServiceDefinition {
        var service = ServiceDefinition(name: ReceivablesDashboardService.name)
        service.unary(ReceivablesDashboardService.summary) { request, context in
            let firm = try context.requireFirm()
            return try await ReceivablesSummary(tenants: self.tenants, clock: self.clock).answer(
                firm: firm,
                request: request,
                actingUser: context.identity.actingUser
            )
        }
        service.unary(ReceivablesDashboardService.series) { request, context in
            let firm = try context.requireFirm()
            return try await ReceivablesSeries(tenants: self.tenants, clock: self.clock).answer(
                firm: firm,
                request: request,
                actingUser: context.identity.actingUser
            )
        }
        return service
    }
}

/// Computes `Receivables/Summary` answers; shared with the firm verification of `Status/Verify`.
struct ReceivablesSummary: Sendable {
    let tenants: TenantPool
    let clock: FirmClock

    /// What a rollup answer is computed from, read in one snapshot.
    struct Context: Sendable {
        var kpi: KPIContext
        var fingerprint: String
        var today: CalendarDate
        var freshness: Freshness
        var groups: [StoredGroup]
        var settings: FirmSettingsRecord?

        /// The slices of the firm's groups (every group of the firm, before any filter).
        var sliceIndex: SliceIndex
        /// The filter axes of the firm's groups (positions in the firm's `groups`).
        var axesIndex: GroupAxesIndex
        /// The file and the version of its groups.
        var file: FirmGroupsCache.FileVersion
        /// Collaborator names by id.
        var names: [String: String]
    }

    /// The reply to one request, for the audience of `actingUser` (metadata `pilotage-user`).
    func answer(firm: FirmID, request: ReceivablesSummaryRequest, actingUser: String? = nil) async throws -> ReceivablesSummaryReply {
        let clock = self.clock
        return try await self.tenants.withTenant(firm) { database in
            let started = ContinuousClock.now
            let (context, rollup) = try await database.read { connection in
                let audience = try DashboardAudience.resolve(actingUser: actingUser, connection: connection)
                let filter = audience.restrict(request.filter)?.kpiFilter ?? ClientFilter()
                let context = try Self.context(connection: connection, clock: clock)
                if let limit = request.maxStalenessSeconds {
                    try Self.checkStaleness(context.freshness, limit: limit)
                }
                let asOf = try Self.asOf(request.asOf, today: context.today)
                let limit = try Self.breakdownLimit(request.breakdownLimit)
                let plan = SelectionPlanCache.shared.plan(.init(file: context.file, filter: filter, breakdownLimit: limit)) {
                    SelectionPlan(filter: filter, breakdownLimit: limit, context: context)
                }
                let groups = plan.groups
                let reader = RollupReader(connection: connection)
                try Self.checkFingerprints(reader, groups: groups, current: context.fingerprint)
                let selection = try reader.selection(plan.cover)
                let parts = try reader.receivablesLevel1Parts(selection: selection, asOf: asOf, context: context.kpi)
                let level1 = ReceivablesLevel1(evaluator: ReceivablesKPI(source: parts, context: context.kpi), asOf: asOf)
                let names = context.names
                let breakdown = plan.breakdown
                let lines = try SectionLines(
                    reader: reader,
                    selection: groups.isEmpty ? nil : plan.cover,
                    breakdown: breakdown,
                    lineCovers: plan.lineCovers,
                    totalKeys: ReceivablesSectionsReport.keys(asOf: asOf, today: context.today, settings: context.kpi.settings),
                    lineKeys: ReceivablesSectionsReport.lineKeys(asOf: asOf, settings: context.kpi.settings),
                    agedKeys: ReceivablesSectionsReport.agedLineKeys(asOf: asOf)
                )
                var explain: [ExplainedValueMessage]?
                if request.explain == true {
                    explain = ReceivablesExplain.values(source: parts, asOf: asOf, context: context.kpi)
                        + ReceivablesExplain.sectionValues(source: lines.parts(of: .selection), asOf: asOf, context: context.kpi)
                }
                var evaluators: [ReceivablesSectionsReport.Line: ReceivablesKPI<KeyedReceivablesParts>] = [:]
                let sections = Self.sections(asOf: asOf, context: context, breakdown: breakdown, names: names) { line in
                    if let known = evaluators[line] { return known }
                    let evaluator = ReceivablesKPI(source: lines.parts(of: line), context: context.kpi)
                    evaluators[line] = evaluator
                    return evaluator
                }
                var selected = context
                selected.groups = groups
                return (selected, Rollup(level1: level1, sections: sections, explain: explain, names: names, breakdownLimit: limit))
            }
            let rollupTime = ContinuousClock.now - started
            let level1 = rollup.level1
            var verification: VerificationResult?
            var sectionsVerification: DashboardVerification?
            if request.verify == true {
                let referenceStarted = ContinuousClock.now
                // CPU-heavy: on the reader's queue, never on the cooperative pool.
                let (reference, referenceSections) = try await database.read { connection in
                    let facts = try Self.facts(connection: connection, groups: context.groups, context: context)
                    let reference = ReceivablesLevel1(
                        evaluator: ReceivablesReference(facts.values.joined(), context: context.kpi),
                        asOf: level1.asOf
                    )
                    let sections = Self.sections(
                        asOf: level1.asOf,
                        context: context,
                        breakdown: Self.breakdown(of: context.groups).limited(to: rollup.breakdownLimit),
                        names: rollup.names
                    ) { line in
                        ReceivablesReference(
                            context.groups.filter { line.includes($0.profile) }.flatMap { facts[$0.id] ?? [] },
                            context: context.kpi
                        )
                    }
                    return (reference, sections)
                }
                let referenceTime = (ContinuousClock.now - referenceStarted).seconds * 1000
                let differences = Level1Report.differences(rollup: level1, reference: reference)
                verification = VerificationResult(
                    equal: differences.isEmpty,
                    reference: Level1Report.message(reference),
                    differences: differences,
                    rollupMilliseconds: rollupTime.seconds * 1000,
                    referenceMilliseconds: referenceTime
                )
                let sectionDifferences = ReceivablesSectionsReport.differences(
                    rollup: rollup.sections,
                    reference: referenceSections,
                    asOf: level1.asOf
                )
                sectionsVerification = DashboardVerification(
                    equal: sectionDifferences.isEmpty,
                    differences: sectionDifferences,
                    rollupMilliseconds: rollupTime.seconds * 1000,
                    referenceMilliseconds: referenceTime
                )
            }
            return ReceivablesSummaryReply(
                asOf: level1.asOf,
                definitions: Level1Report.definitions,
                freshness: context.freshness,
                clients: context.groups.reduce(0) { $0 + $1.clients },
                groups: context.groups.count,
                summary: Level1Report.message(level1),
                verification: verification,
                sections: rollup.sections,
                explain: rollup.explain,
                sectionsVerification: sectionsVerification
            )
        }
    }

    /// What the rollup pass computes.
    struct Rollup: Sendable {
        var level1: ReceivablesLevel1
        var sections: ReceivablesSectionsMessage
        var explain: [ExplainedValueMessage]?
        var names: [String: String]
        var breakdownLimit: Int
    }

    /// The breakdown lines of `groups` (members in the order of `groups`).
    static func breakdown(of groups: [StoredGroup]) -> ReceivablesSectionsReport.Breakdown {
        ReceivablesSectionsReport.Breakdown(members: groups.map { ReceivablesSectionsReport.Member(profile: $0.profile, clients: $0.clients) })
    }

    /// The sections at D of the selection whose lines are `breakdown`, each line evaluated by
    /// `evaluator`.
    static func sections(
        asOf: CalendarDate,
        context: Context,
        breakdown: ReceivablesSectionsReport.Breakdown,
        names: [String: String],
        evaluator: (ReceivablesSectionsReport.Line) -> any ReceivablesEvaluator
    ) -> ReceivablesSectionsMessage {
        ReceivablesSectionsReport.message(
            asOf: asOf,
            today: context.today,
            settings: context.kpi.settings,
            breakdown: breakdown,
            collaboratorNames: names,
            evaluator: evaluator
        )
    }

    /// The facts of each group's clients, mapped as the worker maps them (verification mode).
    static func facts(connection: SQLiteConnection, groups: [StoredGroup], context: Context) throws -> [Int64: [ClientFacts]] {
        let rollups = TenantRollups(connection: connection)
        let records = FactRecords(connection: connection)
        let mapper = FactMapper(settings: context.settings)
        var result: [Int64: [ClientFacts]] = [:]
        for group in groups {
            result[group.id] = try records.clientFacts(try rollups.members(ofGroup: group.id), mapper: mapper)
        }
        return result
    }

    // MARK: - Steps (each runs inside a read transaction, on the reader's queue)

    static func context(connection: SQLiteConnection, clock: FirmClock) throws -> Context {
        let rollups = TenantRollups(connection: connection)
        let settings = try rollups.settings()
        let kpiSettings = FactMapper.kpiSettings(settings)
        let today = clock.today(settings: settings)
        let firm = try FirmGroupsCache.shared.groups(connection: connection)
        return Context(
            kpi: KPIContext(settings: kpiSettings, firstDataDate: try rollups.firstDataDate()),
            fingerprint: kpiSettings.partsFingerprint,
            today: today,
            freshness: try rollups.freshness(today: today),
            groups: firm.groups,
            settings: settings,
            sliceIndex: firm.slices,
            axesIndex: firm.axes,
            file: firm.file,
            names: firm.names
        )
    }

    static func checkStaleness(_ freshness: Freshness, limit: Double, now: Date = Date()) throws {
        guard limit >= 0, limit.isFinite else {
            throw RPCError(code: .invalidArgument, message: "max_staleness_seconds must be a non-negative number")
        }
        let lag = freshness.lag(at: now)
        guard lag <= limit else {
            let since = freshness.oldestPendingSince.map { TenantTimestamp.format($0) } ?? "?"
            throw RollupStoreError(
                code: .tooStale,
                message: "rollups lag \(Self.seconds(lag)) s (\(freshness.pendingPartitions) partition(s) pending since \(since), "
                    + "watermark at ingestion \(freshness.watermarkSequence) of \(freshness.lastSequence)), "
                    + "above max_staleness \(Self.seconds(limit)) s"
            )
        }
    }

    /// Seconds with millisecond precision, for messages.
    static func seconds(_ value: Double) -> String {
        let milliseconds = Int64((value * 1000).rounded())
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    static func asOf(_ requested: CalendarDate?, today: CalendarDate) throws -> CalendarDate {
        let date = requested ?? today
        guard date <= today else {
            throw RollupStoreError(code: .invalidRequest, message: "as_of \(date) is after the firm's today (\(today))")
        }
        return date
    }

    /// The request's `breakdown_limit`, or the default.
    static func breakdownLimit(_ requested: Int?) throws -> Int {
        let limit = requested ?? ReceivablesSummaryRequest.defaultBreakdownLimit
        guard (0...ReceivablesSummaryRequest.maximumBreakdownLimit).contains(limit) else {
            throw RPCError(
                code: .invalidArgument,
                message: "breakdown_limit must be between 0 and \(ReceivablesSummaryRequest.maximumBreakdownLimit), got \(limit)"
            )
        }
        return limit
    }

    static func checkFingerprints(_ reader: RollupReader, groups: [StoredGroup], current: String) throws {
        let fingerprints = try reader.fingerprints(groups: groups.map(\.id))
        if let other = fingerprints.first(where: { $0 != current }) {
            throw RollupStoreError(
                code: .settingsChanged,
                message: "rollups of the selection were computed with other settings (\(other)) than the firm's current ones; "
                    + "they are being recomputed"
            )
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}

/// The parts of every line of the level-1 sections: the whole selection (read with
/// ``ReceivablesSectionsReport/keys(asOf:today:settings:)``) and each breakdown line by
/// collaborator (the fewer ``ReceivablesSectionsReport/lineKeys(asOf:settings:)``), office or mode
/// (the snapshot at D only, ``ReceivablesSectionsReport/agedLineKeys(asOf:)``),
/// each read through the slices inside it plus its other groups, or, when that reads fewer rows,
/// through slices that overlap or reach outside it minus the groups they count too often (a
/// collaborator's line within an office: their slice minus their groups of other offices).
///
/// The lines are those of the answer's ``ReceivablesSectionsReport/Breakdown``, read at once per
/// set of keys: one statement per table for every slice any line uses, one for every group
/// outside them.
/// The whole selection's cover is the one the level-1 read already computed (`selection`), the
/// lines' those of ``covers(slices:selection:breakdown:)``.
struct SectionLines {
    private var parts: [ReceivablesSectionsReport.Line: KeyedReceivablesParts] = [:]

    /// Reads the parts of the selection (its cover; `nil` when nothing is selected) and of the
    /// lines of `breakdown`, whose covers are `lineCovers` (in the order of its entries).
    init(
        reader: RollupReader,
        selection: SliceCover?,
        breakdown: ReceivablesSectionsReport.Breakdown,
        lineCovers: [SliceCover],
        totalKeys: ReceivablesKeys,
        lineKeys: ReceivablesKeys,
        agedKeys: ReceivablesKeys
    ) throws {
        if let selection {
            try self.read([(.selection, selection)], keys: totalKeys, reader: reader)
        }
        let covers = Array(zip(breakdown.entries.map(\.line), lineCovers))
        let axes = breakdown.offices.count + breakdown.modes.count
        try self.read(Array(covers.prefix(axes)), keys: agedKeys, reader: reader)
        try self.read(Array(covers.dropFirst(axes)), keys: lineKeys, reader: reader)
    }

    /// The covers of the lines of `breakdown`, whose members are positions in `selection`.
    static func covers(slices: SliceIndex, selection: [StoredGroup], breakdown: ReceivablesSectionsReport.Breakdown) -> [SliceCover] {
        slices.covers(breakdown.entries.map { entry in entry.members.map { selection[$0].id } }, subtracting: true)
    }

    /// Reads `keys` for the slices and groups of every cover at once, and sums each line.
    private mutating func read(_ covers: [(ReceivablesSectionsReport.Line, SliceCover)], keys: ReceivablesKeys, reader: RollupReader) throws {
        guard !covers.isEmpty else { return }
        let sliceIDs = try reader.sliceIDs(of: covers.flatMap(\.1.slices))
        let sliceParts = try reader.keyedParts(slices: Set(sliceIDs.values).sorted(), keys: keys)
        let groupParts = try reader.keyedParts(groups: Set(covers.flatMap { $0.1.groups + $0.1.subtracted }).sorted(), keys: keys)
        for (line, cover) in covers {
            if cover.groups.isEmpty, cover.subtracted.isEmpty, cover.slices.count == 1 {
                // One slice (most breakdown lines): its parts as read, without a copy into a sum.
                self.parts[line] = sliceIDs[cover.slices[0]].flatMap { sliceParts[$0] } ?? .zero
                continue
            }
            var total = KeyedReceivablesParts.zero
            for slice in cover.slices { total += sliceIDs[slice].flatMap { sliceParts[$0] } ?? .zero }
            for group in cover.groups { total += groupParts[group] ?? .zero }
            for group in cover.subtracted { total -= groupParts[group] ?? .zero }
            self.parts[line] = total
        }
    }

    /// The merged parts of a line (zero for a line without selected clients).
    func parts(of line: ReceivablesSectionsReport.Line) -> KeyedReceivablesParts {
        self.parts[line] ?? .zero
    }
}
