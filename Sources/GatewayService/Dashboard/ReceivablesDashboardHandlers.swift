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
            return try await ReceivablesSummary(tenants: self.tenants, clock: self.clock).answer(firm: firm, request: request)
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
    }

    /// The reply to one request.
    func answer(firm: FirmID, request: ReceivablesSummaryRequest) async throws -> ReceivablesSummaryReply {
        let filter = request.filter?.kpiFilter ?? ClientFilter()
        let clock = self.clock
        return try await self.tenants.withTenant(firm) { database in
            let started = ContinuousClock.now
            let (context, level1) = try await database.read { connection in
                let context = try Self.context(connection: connection, clock: clock)
                if let limit = request.maxStalenessSeconds {
                    try Self.checkStaleness(context.freshness, limit: limit)
                }
                let asOf = try Self.asOf(request.asOf, today: context.today)
                let groups = context.groups.filter { filter.matches($0.profile) }
                try Self.checkFingerprints(RollupReader(connection: connection), groups: groups, current: context.fingerprint)
                let level1 = try RollupReader(connection: connection).receivablesLevel1(
                    groups: groups.map(\.id),
                    asOf: asOf,
                    context: context.kpi
                )
                var selected = context
                selected.groups = groups
                return (selected, level1)
            }
            let rollupTime = ContinuousClock.now - started
            var verification: VerificationResult?
            if request.verify == true {
                let referenceStarted = ContinuousClock.now
                let reference = try await database.read { connection in
                    try Self.reference(connection: connection, groups: context.groups, asOf: level1.asOf, context: context)
                }
                let differences = Level1Report.differences(rollup: level1, reference: reference)
                verification = VerificationResult(
                    equal: differences.isEmpty,
                    reference: Level1Report.message(reference),
                    differences: differences,
                    rollupMilliseconds: rollupTime.seconds * 1000,
                    referenceMilliseconds: (ContinuousClock.now - referenceStarted).seconds * 1000
                )
            }
            return ReceivablesSummaryReply(
                asOf: level1.asOf,
                definitions: Level1Report.definitions,
                freshness: context.freshness,
                clients: context.groups.reduce(0) { $0 + $1.clients },
                groups: context.groups.count,
                summary: Level1Report.message(level1),
                verification: verification
            )
        }
    }

    // MARK: - Steps (each runs inside a read transaction, on the reader's queue)

    static func context(connection: SQLiteConnection, clock: FirmClock) throws -> Context {
        let rollups = TenantRollups(connection: connection)
        let settings = try rollups.settings()
        let kpiSettings = FactMapper.kpiSettings(settings)
        let today = clock.today(settings: settings)
        return Context(
            kpi: KPIContext(settings: kpiSettings, firstDataDate: try rollups.firstDataDate()),
            fingerprint: kpiSettings.partsFingerprint,
            today: today,
            freshness: try rollups.freshness(today: today),
            groups: try rollups.groups(),
            settings: settings
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

    /// The same dashboard from raw facts: the clients of `groups`, mapped and evaluated by
    /// `ReceivablesReference`.
    static func reference(connection: SQLiteConnection, groups: [StoredGroup], asOf: CalendarDate, context: Context) throws -> ReceivablesLevel1 {
        let rollups = TenantRollups(connection: connection)
        var clients: [String] = []
        for group in groups { clients += try rollups.members(ofGroup: group.id) }
        let facts = try FactRecords(connection: connection).clientFacts(clients, mapper: FactMapper(settings: context.settings))
        return ReceivablesLevel1(evaluator: ReceivablesReference(facts, context: context.kpi), asOf: asOf)
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
