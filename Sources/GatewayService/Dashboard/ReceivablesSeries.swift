internal import Foundation
internal import KPI
internal import PilotageProtocol
internal import RPCCore
internal import RollupStore
internal import Rollups
internal import Storage
internal import TenantStore
internal import Wire

/// Computes `Receivables/Series` answers (level 2): the selected groups' day and month rows
/// merged once, every requested KPI evaluated at each bucket; `verify` recomputes the same
/// series from raw facts.
struct ReceivablesSeries: Sendable {
    let tenants: TenantPool
    let clock: FirmClock

    /// The reply to one request, for the audience of `actingUser`.
    func answer(firm: FirmID, request: SeriesRequest, actingUser: String?) async throws -> SeriesReply {
        let kpis = try Self.kpis(request.kpis)
        let periodicity = request.periodicity ?? .month
        let kind = ReceivablesSeriesReport.bucketKind(periodicity)
        let clock = self.clock
        return try await self.tenants.withTenant(firm) { database in
            let started = ContinuousClock.now
            let (context, buckets, series) = try await database.read { connection in
                let audience = try DashboardAudience.resolve(actingUser: actingUser, connection: connection)
                let filter = audience.restrict(request.filter)?.kpiFilter ?? ClientFilter()
                let context = try ReceivablesSummary.context(connection: connection, clock: clock)
                if let limit = request.maxStalenessSeconds {
                    try ReceivablesSummary.checkStaleness(context.freshness, limit: limit)
                }
                let calendar = context.kpi.settings.clamped.fiscalCalendar
                let to = try ReceivablesSummary.asOf(request.to, today: context.today)
                let from = request.from ?? ReceivablesSeriesReport.defaultStart(to: to, kind: kind, calendar: calendar)
                guard from <= to else {
                    throw RPCError(code: .invalidArgument, message: "from \(from) is after to \(to)")
                }
                let points = Self.pointCount(kind, from: from, to: to)
                guard points <= ReceivablesSeriesReport.maximumPoints else {
                    throw RPCError(
                        code: .resourceExhausted,
                        message: "at most \(ReceivablesSeriesReport.maximumPoints) points per series; \(from)…\(to) by "
                            + "\(periodicity.rawValue) has \(points)"
                    )
                }
                let buckets = KPISeries.level2Buckets(kind, over: Period(uncheckedStart: from, end: to), calendar: calendar)
                // The level-1 plan of the filter without breakdown lines beyond the modes.
                let plan = SelectionPlanCache.shared.plan(.init(file: context.file, filter: filter, breakdownLimit: 0)) {
                    SelectionPlan(filter: filter, breakdownLimit: 0, context: context)
                }
                let groups = plan.groups
                let reader = RollupReader(connection: connection)
                try ReceivablesSummary.checkFingerprints(reader, groups: groups, current: context.fingerprint)
                let keys = ReceivablesSeriesReport.keys(buckets: buckets, kpis: kpis, settings: context.kpi.settings)
                let selection = try reader.selection(plan.cover)
                let parts = try reader.mergedKeyedParts(selection: selection, keys: keys)
                let series = ReceivablesSeriesReport.series(
                    kpis: kpis,
                    buckets: buckets,
                    evaluator: ReceivablesKPI(source: parts, context: context.kpi),
                    explain: request.explain == true ? parts : nil,
                    settings: context.kpi.settings
                )
                var selected = context
                selected.groups = groups
                return (selected, buckets, series)
            }
            let rollupTime = ContinuousClock.now - started
            var verification: DashboardVerification?
            if request.verify == true {
                let referenceStarted = ContinuousClock.now
                // CPU-heavy: on the reader's queue, never on the cooperative pool.
                let reference = try await database.read { connection in
                    let facts = try ReceivablesSummary.facts(connection: connection, groups: context.groups, context: context)
                    return ReceivablesSeriesReport.series(
                        kpis: kpis,
                        buckets: buckets,
                        evaluator: ReceivablesReference(facts.values.joined(), context: context.kpi),
                        explain: nil,
                        settings: context.kpi.settings
                    )
                }
                let differences = ReceivablesSeriesReport.differences(rollup: series, reference: reference)
                verification = DashboardVerification(
                    equal: differences.isEmpty,
                    differences: differences,
                    rollupMilliseconds: rollupTime.seconds * 1000,
                    referenceMilliseconds: (ContinuousClock.now - referenceStarted).seconds * 1000
                )
            }
            return SeriesReply(
                from: buckets.first?.period.start ?? context.today,
                to: buckets.last?.period.end ?? context.today,
                periodicity: periodicity,
                definitions: Level1Report.definitions,
                freshness: context.freshness,
                selected: context.groups.reduce(0) { $0 + $1.clients },
                series: series,
                verification: verification
            )
        }
    }

    /// The requested KPI ids (all when absent), refused with `INVALID_ARGUMENT` listing the
    /// valid ones when one is unknown.
    static func kpis(_ requested: [String]?) throws -> [String] {
        guard let requested, !requested.isEmpty else { return ReceivablesSeriesReport.kpis }
        let unknown = requested.filter { !ReceivablesSeriesReport.kpis.contains($0) }
        guard unknown.isEmpty else {
            throw RPCError(
                code: .invalidArgument,
                message: "unknown KPI \(unknown.joined(separator: ", ")); level 2 serves \(ReceivablesSeriesReport.kpis.joined(separator: ", "))"
            )
        }
        var seen: Set<String> = []
        return requested.filter { seen.insert($0).inserted }
    }

    /// The number of buckets of `kind` over [from, to], computed without building them (a
    /// request for millions of days is refused in constant time).
    static func pointCount(_ kind: BucketKind, from: CalendarDate, to: CalendarDate) -> Int {
        switch kind {
        case .day: return from.days(until: to) + 1
        case .isoWeek:
            let fromMonday = from.clampedAdding(days: -(from.isoWeekday - 1))
            let toMonday = to.clampedAdding(days: -(to.isoWeekday - 1))
            return fromMonday.days(until: toMonday) / 7 + 1
        case .month: return to.monthIndex - from.monthIndex + 1
        case .quarter: return (to.monthIndex / 3) - (from.monthIndex / 3) + 1
        default: return to.monthIndex - from.monthIndex + 1
        }
    }
}
