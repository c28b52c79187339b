public import KPI
public import Rollups
public import Storage
internal import TenantStore
public import Wire

/// Reads published rollups and merges the selected client groups' parts into the KPI domain's
/// ``KPI/ReceivablesPartsSource`` shapes: the read path of every dashboard. Never touches raw
/// facts.
///
/// ```swift
/// let reader = RollupReader(connection: conn)
/// let groups = try reader.groups(matching: filter)
/// let parts = try reader.receivablesParts(groups: groups.map(\.id), snapshotDates: dates,
///                                         dailyMonths: months, flowRange: range)
/// let kpis = ReceivablesKPI(source: parts, context: context)
/// ```
public struct RollupReader {
    /// The connection, owned by the caller's read transaction (one snapshot for the whole answer).
    public let connection: SQLiteConnection

    /// Wraps a connection.
    public init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// The client groups a filter selects (each client is in exactly one group).
    public func groups(matching filter: ClientFilter) throws -> [StoredGroup] {
        try TenantRollups(connection: self.connection).groups().filter { filter.matches($0.profile) }
    }

    /// The settings fingerprints the published client-group partitions of `groups` were
    /// computed with (several values: a settings change is being rebuilt).
    public func fingerprints(groups: [Int64]) throws -> Set<String> {
        var result: Set<String> = []
        for group in groups {
            for value in try self.connection.fetchColumn(
                String.self,
                "SELECT DISTINCT fingerprint FROM partition_state WHERE partition_key >= ? AND partition_key < ?",
                "g\(group)/",
                "g\(group)0"
            ) {
                result.insert(value)
            }
        }
        return result
    }

    /// Merged receivables parts of `groups`: snapshots at `snapshotDates`, daily flows of the
    /// days of `dailyMonths` (month indices) inside `flowRange`, and the flows of the whole
    /// months inside `flowRange`. Days without a row are zero (before the firm's first data).
    public func receivablesParts(
        groups: [Int64],
        snapshotDates: [CalendarDate],
        dailyMonths: Set<Int>,
        flowRange: Period
    ) throws -> MaterializedReceivablesParts {
        let wanted = Set(snapshotDates)
        var snapshots: [CalendarDate: ReceivablesSnapshot] = [:]
        var daily: [CalendarDate: ReceivablesFlow] = [:]
        var monthly: [Int: ReceivablesFlow] = [:]
        let dailyStarts = dailyMonths.map { CalendarDate.firstOfMonth(index: $0) }
        let low = Swift.min(wanted.min() ?? flowRange.start, dailyStarts.min() ?? flowRange.end)
        let high = Swift.max(wanted.max() ?? flowRange.end, flowRange.end)
        for group in groups {
            try self.connection.query(
                "SELECT day, receivables_snapshot, receivables_flow FROM rollup_days WHERE group_id = ? AND day BETWEEN ? AND ?",
                group,
                low,
                high
            ) { row in
                let day = try row.decode(CalendarDate.self, at: 0)
                if wanted.contains(day) {
                    snapshots[day, default: .zero] += try ReceivablesSnapshot(compactEncoded: try row.decode([UInt8].self, at: 1))
                }
                if flowRange.contains(day), dailyMonths.contains(day.monthIndex), let blob = try row.decode([UInt8]?.self, at: 2) {
                    daily[day, default: .zero] += try ReceivablesFlow(compactEncoded: blob)
                }
            }
            try self.connection.query(
                "SELECT month, receivables_flow FROM rollup_months WHERE group_id = ? AND month BETWEEN ? AND ?",
                group,
                flowRange.start,
                flowRange.end
            ) { row in
                let month = Period.month(containing: try row.decode(CalendarDate.self, at: 0))
                guard month.start >= flowRange.start, month.end <= flowRange.end else { return }
                monthly[month.start.monthIndex, default: .zero] += try ReceivablesFlow(compactEncoded: try row.decode([UInt8].self, at: 1))
            }
        }
        return MaterializedReceivablesParts(
            snapshots: snapshots,
            dailyFlows: daily,
            monthlyFlows: monthly,
            flowRange: flowRange,
            dailyMonths: dailyMonths
        )
    }

    /// Merged AR-REC-RATE parts of `groups` for each period stored (month to date of a day,
    /// a whole month at its last day); absent periods are not in the result.
    public func collectionRates(groups: [Int64], periods: [Period]) throws -> [Period: CollectionRateParts] {
        var result: [Period: CollectionRateParts] = [:]
        for group in groups {
            for period in periods {
                if let blob = try self.connection.fetchValue(
                    [UInt8].self,
                    "SELECT parts FROM rollup_periods WHERE group_id = ? AND kind = ? AND start_day = ? AND end_day = ?",
                    group,
                    "COLLECTION_RATE",
                    period.start,
                    period.end
                ) {
                    result[period, default: .zero] += try CollectionRateParts(compactEncoded: blob)
                }
            }
        }
        return result
    }

    /// Merged AR-FCST parts of `groups` at `date` (stored at the firm's today only); `nil` when
    /// no group has them.
    public func forecast(groups: [Int64], asOf date: CalendarDate) throws -> ForecastParts? {
        var total: ForecastParts?
        for group in groups {
            if let blob = try self.connection.fetchValue(
                [UInt8].self,
                "SELECT parts FROM rollup_periods WHERE group_id = ? AND kind = ? AND start_day = ? AND end_day = ?",
                group,
                "FORECAST",
                date,
                date
            ) {
                total = (total ?? .zero) + (try ForecastParts(compactEncoded: blob))
            }
        }
        return total
    }

    /// The level-1 receivables dashboard of `groups` at `date`, from rollups only.
    public func receivablesLevel1(groups: [Int64], asOf date: CalendarDate, context: KPIContext) throws -> ReceivablesLevel1 {
        let parts = try self.receivablesLevel1Parts(groups: groups, asOf: date, context: context)
        return ReceivablesLevel1(evaluator: ReceivablesKPI(source: parts, context: context), asOf: date)
    }

    /// The merged parts the level-1 receivables dashboard of `groups` at `date` reads (also
    /// what explain mode shows).
    public func receivablesLevel1Parts(groups: [Int64], asOf date: CalendarDate, context: KPIContext) throws -> MaterializedReceivablesParts {
        let settings = context.settings.clamped
        return try self.receivablesParts(
            groups: groups,
            snapshotDates: ReceivablesLevel1.snapshotDates(asOf: date),
            dailyMonths: ReceivablesLevel1.dailyMonths(asOf: date, settings: settings),
            flowRange: ReceivablesLevel1.flowRange(asOf: date, settings: settings)
        )
    }

    /// Each group's parts for exactly `keys` (snapshots, flows, AR-REC-RATE periods and AR-FCST
    /// dates as stored), read group by group so that any subset can be summed (breakdowns).
    public func keyedParts(groups: [Int64], keys: ReceivablesKeys) throws -> [Int64: KeyedReceivablesParts] {
        let snapshotDates = Array(keys.snapshotDates)
        let flowRange = keys.flowRange ?? Period(uncheckedStart: snapshotDates.min() ?? .min, end: snapshotDates.max() ?? .min)
        var result: [Int64: KeyedReceivablesParts] = [:]
        for group in groups {
            let parts = try self.receivablesParts(
                groups: [group],
                snapshotDates: snapshotDates,
                dailyMonths: keys.partialMonths,
                flowRange: flowRange
            )
            var keyed = KeyedReceivablesParts(
                snapshots: Dictionary(uniqueKeysWithValues: snapshotDates.map { ($0, parts.snapshot(at: $0)) }),
                flows: Dictionary(uniqueKeysWithValues: keys.flowPeriods.map { ($0, parts.flow(over: $0)) })
            )
            keyed.collectionRates = try self.collectionRates(groups: [group], periods: Array(keys.collectionRatePeriods))
            for date in keys.forecastDates {
                if let forecast = try self.forecast(groups: [group], asOf: date) { keyed.forecasts[date] = forecast }
            }
            result[group] = keyed
        }
        return result
    }

    /// One client's stored row (`rollup_clients`) at a day.
    public struct ClientRow: Sendable, Hashable {
        /// The client's group.
        public var group: Int64
        /// Client id.
        public var client: String
        /// Its receivables parts at the day.
        public var receivables: ClientReceivablesParts
        /// Its practice parts at the day.
        public var practice: ClientPracticeParts
    }

    /// The client rows of `groups` at `day`, for the clients that are members of those groups
    /// now (a client that moved to another group is read from its new group only), by client.
    public func clientRows(groups: [Int64], day: CalendarDate) throws -> [ClientRow] {
        var rows: [ClientRow] = []
        for group in groups {
            try self.connection.query(
                """
                SELECT r.client, r.receivables, r.practice FROM rollup_clients r
                JOIN client_group_members m ON m.client = r.client AND m.group_id = r.group_id
                WHERE r.group_id = ? AND r.day = ?
                """,
                group,
                day
            ) { row in
                rows.append(
                    ClientRow(
                        group: group,
                        client: try row.decode(String.self, at: 0),
                        receivables: try ClientReceivablesParts(compactEncoded: try row.decode([UInt8].self, at: 1)),
                        practice: try ClientPracticeParts(compactEncoded: try row.decode([UInt8].self, at: 2))
                    )
                )
            }
        }
        return rows.sorted { $0.client < $1.client }
    }
}

