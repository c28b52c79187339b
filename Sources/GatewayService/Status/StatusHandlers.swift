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

/// `pilotage.status.Status`: freshness and lag per firm, and the verification of a whole firm
/// (every level-1 answer recomputed from raw facts). Operators reach every firm; a back-office
/// credential reaches its tenant.
public struct StatusHandlers: Sendable {
    let catalog: Catalog
    let tenants: TenantPool
    let lag: LagMetrics
    let clock: FirmClock

    /// Creates the handlers.
    public init(catalog: Catalog, tenants: TenantPool, lag: LagMetrics, clock: FirmClock) {
        self.catalog = catalog
        self.tenants = tenants
        self.lag = lag
        self.clock = clock
    }

    /// The service definition to register with the server.
    public var definition: ServiceDefinition {
        var service = ServiceDefinition(name: StatusService.name)
        service.unary(StatusService.get) { request, context in
            let firms = try await self.firms(asked: request.firmID, context: context, allowAll: true)
            var statuses: [FirmRollupStatus] = []
            for firm in firms {
                let clock = self.clock
                let freshness = try await self.tenants.withTenant(firm) { database in
                    try await database.read { connection in
                        let rollups = TenantRollups(connection: connection)
                        return try rollups.freshness(today: clock.today(settings: try rollups.settings()))
                    }
                }
                statuses.append(
                    FirmRollupStatus(
                        firmID: firm.rawValue,
                        freshness: freshness,
                        leasedPartitions: try await self.catalog.heldPartitionCount(firm: firm),
                        lag: self.lag.summaries(firm: firm)
                    )
                )
            }
            return StatusReply(firms: statuses)
        }
        service.unary(StatusService.verify) { request, context in
            guard let firm = try await self.firms(asked: request.firmID, context: context, allowAll: false).first else {
                throw RPCError(code: .invalidArgument, message: "Verify needs a firm")
            }
            return try await FirmVerification(tenants: self.tenants, clock: self.clock).verify(firm: firm, dates: request.dates)
        }
        return service
    }

    /// The firms a call is about: a back-office gets its tenant (a different `firm_id` is
    /// refused); an operator names one, or gets every firm when `allowAll`.
    private func firms(asked: String?, context: ServerContext, allowAll: Bool) async throws -> [FirmID] {
        let identity = context.identity
        if let firm = identity.firm {
            if let asked, asked != firm.rawValue {
                throw RPCError(code: .permissionDenied, message: "this credential does not reach firm '\(asked)'")
            }
            return [firm]
        }
        guard identity.principal?.kind == .operator else {
            throw RPCError(code: .permissionDenied, message: "\(StatusService.name) needs an operator or a back-office credential")
        }
        if let asked {
            let firm = try FirmID(asked)
            guard try await self.catalog.firm(firm) != nil else { throw RPCError(code: .notFound, message: "no firm '\(firm)'") }
            return [firm]
        }
        guard allowAll else { throw RPCError(code: .invalidArgument, message: "firm_id is required") }
        return try await self.catalog.firms().map(\.id)
    }
}

/// Recomputes every level-1 receivables answer of a firm from raw facts and compares it with the
/// rollup answer — the KPIs with their 30-day history, and the sections (disputes, matching,
/// collection, forecast, team lines, aged balance by office, mode and collaborator, widget) —
/// and the level-1 practice answer (its KPIs, history, channels and every collaborator's to-do
/// counts, over the default 90 days): all active clients, with deactivated clients, each
/// bookkeeping mode, the first office and the first collaborator, at today, 7 and 30 days
/// before and the end of the previous month (or the dates asked).
struct FirmVerification: Sendable {
    let tenants: TenantPool
    let clock: FirmClock

    /// The level-1 practice answer at `asOf` of `plan`'s groups from rollups, and from `facts`
    /// (the selection's raw facts), as compared values: what `Practice/Summary` with `verify`
    /// compares, over the default period.
    static func practiceLevel1(
        reader: RollupReader,
        plan: SelectionPlan,
        context: ReceivablesSummary.Context,
        asOf: CalendarDate,
        facts: [ClientFacts]
    ) throws -> (rollup: [ComparedValue], reference: [ComparedValue]) {
        let period = PracticeLevel1.window(endingAt: asOf, length: PracticeDashboard.defaultPeriodDays)
        let selection = PracticeDashboard.Selection(context: context, plan: plan)
        let (rollup, _) = try PracticeDashboard.rollupLevel1(reader: reader, selection: selection, asOf: asOf, period: period)
        let reference = PracticeDashboard.referenceLevel1(facts: facts, selection: selection, asOf: asOf, period: period)
        return (rollup.compared, reference.compared)
    }

    func verify(firm: FirmID, dates asked: [CalendarDate]?) async throws -> VerifyReply {
        let clock = self.clock
        return try await self.tenants.withTenant(firm) { database in
            try await database.read { connection in
                let context = try ReceivablesSummary.context(connection: connection, clock: clock)
                let today = context.today
                var dates = asked ?? [today, today.clampedAdding(days: -7), today.clampedAdding(days: -30), today.firstOfMonth.clampedAdding(days: -1)]
                dates = Array(Set(dates.filter { $0 <= today })).sorted()
                var filters: [ClientFilterMessage] = [
                    ClientFilterMessage(),
                    ClientFilterMessage(includeDeactivated: true),
                    ClientFilterMessage(bookkeepingMode: .firm),
                    ClientFilterMessage(bookkeepingMode: .client),
                ]
                if let office = context.groups.compactMap(\.profile.office).min() {
                    filters.append(ClientFilterMessage(offices: [office]))
                }
                if let collaborator = context.groups.flatMap(\.profile.collaborators).min() {
                    filters.append(ClientFilterMessage(collaborators: [collaborator], includeDeactivated: true))
                }
                let reader = RollupReader(connection: connection)
                let rollups = TenantRollups(connection: connection)
                try ReceivablesSummary.checkFingerprints(reader, groups: context.groups, current: context.fingerprint)
                // Raw facts of every client, once; each filter selects its clients' facts.
                var clients: [String] = []
                for group in context.groups { clients += try rollups.members(ofGroup: group.id) }
                let facts = try FactRecords(connection: connection).clientFacts(clients, mapper: FactMapper(settings: context.settings))
                let names = context.names
                var findings: [VerificationFinding] = []
                var answers = 0
                var values = 0
                for message in filters {
                    let filter = message.kpiFilter
                    let selectedGroups = context.groups.filter { filter.matches($0.profile) }
                    let groups = selectedGroups.map(\.id)
                    let selected = facts.filter { filter.matches($0.client.profile) }
                    let reference = ReceivablesReference(selected, context: context.kpi)
                    // What the dashboards read (through slices, signed covers included), and the
                    // groups' own rows, which slices must equal.
                    let cover = context.sliceIndex.cover(groups, subtracting: true)
                    let served = try reader.selection(cover)
                    let breakdown = ReceivablesSummary.breakdown(of: selectedGroups)
                    let lineCovers = SectionLines.covers(slices: context.sliceIndex, selection: selectedGroups, breakdown: breakdown)
                    let paths = served.slices.isEmpty ? [("", served)] : [(" (slice)", served), (" (groups)", RowSelection(groups: groups))]
                    let practicePlan = SelectionPlan(filter: filter, breakdownLimit: ReceivablesSummaryRequest.maximumBreakdownLimit, context: context)
                    for date in dates {
                        let expected = ReceivablesLevel1(evaluator: reference, asOf: date)
                        for (path, selection) in paths {
                            let parts = try reader.receivablesLevel1Parts(selection: selection, asOf: date, context: context.kpi)
                            let rollup = ReceivablesLevel1(evaluator: ReceivablesKPI(source: parts, context: context.kpi), asOf: date)
                            answers += 1
                            values += Level1Report.valueCount(rollup)
                            for difference in Level1Report.differences(rollup: rollup, reference: expected) {
                                findings.append(VerificationFinding(filter: message.label + path, asOf: date, difference: difference))
                            }
                        }
                        // The sections, read as the answer reads them (slices per line).
                        let lines = try SectionLines(
                            reader: reader,
                            selection: selectedGroups.isEmpty ? nil : cover,
                            breakdown: breakdown,
                            lineCovers: lineCovers,
                            totalKeys: ReceivablesSectionsReport.keys(asOf: date, today: today, settings: context.kpi.settings),
                            lineKeys: ReceivablesSectionsReport.lineKeys(asOf: date, settings: context.kpi.settings),
                            agedKeys: ReceivablesSectionsReport.agedLineKeys(asOf: date)
                        )
                        let rollupSections = ReceivablesSummary.sections(asOf: date, context: context, breakdown: breakdown, names: names) { line in
                            ReceivablesKPI(source: lines.parts(of: line), context: context.kpi)
                        }
                        let referenceSections = ReceivablesSummary.sections(asOf: date, context: context, breakdown: breakdown, names: names) { line in
                            ReceivablesReference(selected.filter { line.includes($0.client.profile) }, context: context.kpi)
                        }
                        answers += 1
                        values += ReceivablesSectionsReport.flatten(rollupSections).count
                        for difference in ReceivablesSectionsReport.differences(rollup: rollupSections, reference: referenceSections, asOf: date) {
                            findings.append(VerificationFinding(filter: message.label + " (sections)", asOf: date, difference: difference))
                        }
                        // The practice dashboard, read as its answer reads it (slices, empty days,
                        // every collaborator's line).
                        let practice = try Self.practiceLevel1(reader: reader, plan: practicePlan, context: context, asOf: date, facts: selected)
                        answers += 1
                        values += practice.rollup.count
                        for difference in DashboardComparison.differences(rollup: practice.rollup, reference: practice.reference) {
                            findings.append(VerificationFinding(filter: message.label + " (practice)", asOf: date, difference: difference))
                        }
                    }
                }
                return VerifyReply(firmID: firm.rawValue, freshness: context.freshness, answers: answers, values: values, findings: findings)
            }
        }
    }
}
