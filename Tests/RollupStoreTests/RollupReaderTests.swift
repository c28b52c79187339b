import Foundation
import KPI
import RollupStore
import Rollups
import Storage
import TenantStore
import Testing
import Wire

/// The batched read path: every selected group read by one statement per table (in chunks of
/// group ids) must merge exactly what the rows hold, for any selection size — across chunk
/// boundaries, for one group, for none — and per group for the breakdowns.
@Suite("RollupReader batched reads over a real SQLite file")
struct RollupReaderTests {
    /// What the test wrote, by group, to compare with what the reader merges.
    struct Written {
        var snapshots: [Int64: [CalendarDate: ReceivablesSnapshot]] = [:]
        var dailyFlows: [Int64: [CalendarDate: ReceivablesFlow]] = [:]
        var monthlyFlows: [Int64: [Int: ReceivablesFlow]] = [:]
        var rates: [Int64: [Period: CollectionRateParts]] = [:]
        var forecasts: [Int64: ForecastParts] = [:]
    }

    static let groupCount: Int64 = 300
    static let months = [day("2025-01-01"), day("2025-02-01"), day("2025-03-01")]
    static let today = day("2025-03-31")

    /// Fills `rollup_days`, `rollup_months` and `rollup_periods` of `groupCount` groups with
    /// random parts (some groups without any row, some days without a flow).
    static func fill(_ database: Database, seed: UInt64) async throws -> Written {
        var random = SplitMix(seed: seed)
        var written = Written()
        for group in 1...Self.groupCount {
            guard random.next() % 10 != 0 else { continue }  // a group with no row at all
            for month in Self.months {
                for offset in 0..<month.lastOfMonth.day {
                    let date = month.clampedAdding(days: offset)
                    var snapshot = ReceivablesSnapshot()
                    snapshot.balance = random.wide()
                    snapshot.aged = (0..<6).map { _ in random.wide() }
                    snapshot.openDisputes = Int64(random.next() % 5)
                    written.snapshots[group, default: [:]][date] = snapshot
                    if random.next() % 3 != 0 {
                        var flow = ReceivablesFlow()
                        flow.invoiced = random.wide()
                        flow.matchedAuto = Int64(random.next() % 7)
                        written.dailyFlows[group, default: [:]][date] = flow
                    }
                }
                var monthFlow = ReceivablesFlow()
                monthFlow.invoiced = random.wide()
                written.monthlyFlows[group, default: [:]][month.monthIndex] = monthFlow
                let rate = CollectionRateParts(collected: random.wide(), collectible: random.wide())
                written.rates[group, default: [:]][Period(uncheckedStart: month, end: month.lastOfMonth)] = rate
            }
            var forecast = ForecastParts()
            forecast.unapplied = random.wide()
            forecast.scheduled = [day("2025-04-10"): random.wide()]
            written.forecasts[group] = forecast
        }
        let rows = written
        try await database.write { connection in
            for (group, days) in rows.snapshots {
                for (date, snapshot) in days {
                    try connection.execute(
                        """
                        INSERT INTO rollup_days (group_id, day, receivables_snapshot, receivables_flow, practice_snapshot, practice_flow)
                        VALUES (?, ?, ?, ?, ?, NULL)
                        """,
                        group,
                        date,
                        [UInt8](snapshot.compactEncoded),
                        rows.dailyFlows[group]?[date].map { [UInt8]($0.compactEncoded) },
                        [UInt8](PracticeSnapshot().compactEncoded)
                    )
                }
                for (month, flow) in rows.monthlyFlows[group] ?? [:] {
                    try connection.execute(
                        "INSERT INTO rollup_months (group_id, month, receivables_flow, practice_flow) VALUES (?, ?, ?, ?)",
                        group,
                        CalendarDate.firstOfMonth(index: month),
                        [UInt8](flow.compactEncoded),
                        [UInt8](PracticeFlow().compactEncoded)
                    )
                }
                for (period, rate) in rows.rates[group] ?? [:] {
                    try connection.execute(
                        "INSERT INTO rollup_periods (group_id, kind, start_day, end_day, parts) VALUES (?, 'COLLECTION_RATE', ?, ?, ?)",
                        group,
                        period.start,
                        period.end,
                        [UInt8](rate.compactEncoded)
                    )
                }
                if let forecast = rows.forecasts[group] {
                    try connection.execute(
                        "INSERT INTO rollup_periods (group_id, kind, start_day, end_day, parts) VALUES (?, 'FORECAST', ?, ?, ?)",
                        group,
                        Self.today,
                        Self.today,
                        [UInt8](forecast.compactEncoded)
                    )
                }
            }
        }
        return written
    }

    /// The selections to check: every group (two chunks), one, none, a scattered subset, and
    /// ids that have no row.
    static let selections: [String: [Int64]] = [
        "all": Array(1...Self.groupCount),
        "one": [17],
        "none": [],
        "scattered": stride(from: 3, through: Self.groupCount, by: 7).map { $0 },
        "absent ids": [1_000, 1_001],
        "257 (one past a chunk)": Array(1...257),
    ]

    @Test("merged parts equal the sum of the rows written, for any selection", arguments: Array(Self.selections.keys).sorted())
    func mergedParts(selection name: String) async throws {
        let groups = try #require(Self.selections[name])
        try await withTenantDatabase { database in
            let written = try await Self.fill(database, seed: 11)
            // Dense keys (level 1: history days and every day of March, read as one range per
            // group) and sparse ones (level 2: month ends and whole months, read as point lookups).
            let configurations: [([CalendarDate], Set<Int>, Period)] = [
                (
                    [day("2025-02-28"), day("2025-03-01"), day("2025-03-15"), day("2025-03-31")],
                    [day("2025-03-01").monthIndex],
                    Period(uncheckedStart: day("2025-01-01"), end: day("2025-03-20"))
                ),
                (
                    [day("2025-01-31"), day("2025-02-28"), day("2025-03-31")],
                    [],
                    Period(uncheckedStart: day("2025-01-01"), end: day("2025-02-28"))
                ),
            ]
            for (snapshotDates, dailyMonths, flowRange) in configurations {
                let parts = try await database.read { connection in
                    try RollupReader(connection: connection).receivablesParts(
                        groups: groups,
                        snapshotDates: snapshotDates,
                        dailyMonths: dailyMonths,
                        flowRange: flowRange
                    )
                }
                for date in snapshotDates {
                    let expected = groups.reduce(ReceivablesSnapshot.zero) { $0 + (written.snapshots[$1]?[date] ?? .zero) }
                    #expect(parts.snapshot(at: date) == expected, "snapshot at \(date)")
                }
                let periods = [flowRange, Period(uncheckedStart: day("2025-02-01"), end: Swift.min(day("2025-03-10"), flowRange.end))]
                for period in periods where dailyMonths.contains(day("2025-03-01").monthIndex) || period.end.day == period.end.lastOfMonth.day {
                    var expected = ReceivablesFlow.zero
                    for group in groups {
                        for month in Self.months.prefix(2) where period.contains(month) {
                            expected += written.monthlyFlows[group]?[month.monthIndex] ?? .zero
                        }
                        for (date, flow) in written.dailyFlows[group] ?? [:]
                        where dailyMonths.contains(date.monthIndex) && period.contains(date) {
                            expected += flow
                        }
                    }
                    #expect(parts.flow(over: period) == expected, "flow over \(period)")
                }
            }
            let rates = try await database.read { connection in
                try RollupReader(connection: connection).collectionRates(
                    groups: groups,
                    periods: [Period(uncheckedStart: day("2025-02-01"), end: day("2025-02-28")), .monthToDate(day("2025-03-10"))]
                )
            }
            let february = Period(uncheckedStart: day("2025-02-01"), end: day("2025-02-28"))
            let expectedRate = groups.reduce(CollectionRateParts.zero) { $0 + (written.rates[$1]?[february] ?? .zero) }
            #expect(rates[february] == (groups.contains { written.rates[$0] != nil } ? expectedRate : nil))
            #expect(rates[.monthToDate(day("2025-03-10"))] == nil, "a period not stored is absent")
            let forecast = try await database.read { connection in
                try RollupReader(connection: connection).forecast(groups: groups, asOf: Self.today)
            }
            let present = groups.compactMap { written.forecasts[$0] }
            #expect(forecast == (present.isEmpty ? nil : present.reduce(ForecastParts.zero, +)))
        }
    }

    @Test("keyed parts without flow periods (breakdown lines) hold the same values as the general read")
    func keyedPartsWithoutFlowPeriods() async throws {
        try await withTenantDatabase { database in
            _ = try await Self.fill(database, seed: 6)
            let d = day("2025-03-31")
            var lineKeys = ReceivablesKeys()
            lineKeys.snapshotDates = [d, day("2025-03-14")]
            lineKeys.windowFlowDates = [d]
            lineKeys.windowDays = 30
            lineKeys.collectionRatePeriods = [.monthToDate(d)]
            var generalKeys = lineKeys
            // A flow period sends the read through the daily rows (the general path).
            generalKeys.flowPeriods = [Period(uncheckedStart: day("2025-03-01"), end: day("2025-03-02"))]
            let (fast, slow) = (lineKeys, generalKeys)
            let (lines, general) = try await database.read { connection in
                let (lineKeys, generalKeys) = (fast, slow)
                let reader = RollupReader(connection: connection)
                let groups = Array(1...Self.groupCount)
                return (try reader.keyedParts(groups: groups, keys: lineKeys), try reader.keyedParts(groups: groups, keys: generalKeys))
            }
            #expect(!lines.isEmpty && Set(lines.keys) == Set(general.keys))
            let window = lineKeys.window(endingAt: d)
            for (group, parts) in general {
                let line = lines[group] ?? .zero
                for date in lineKeys.snapshotDates {
                    #expect(line.snapshot(at: date) == parts.snapshot(at: date), "group \(group) at \(date)")
                }
                #expect(line.collectionRate(over: .monthToDate(d)) == parts.collectionRate(over: .monthToDate(d)), "group \(group)")
                #expect(line.flow(over: window) == parts.flow(over: window), "group \(group)")
            }
        }
    }

    @Test("keyed parts are each group's own parts, and their sum is the merged selection")
    func keyedParts() async throws {
        try await withTenantDatabase { database in
            _ = try await Self.fill(database, seed: 5)
            var keys = ReceivablesKeys()
            keys.snapshotDates = [day("2025-03-31"), day("2025-02-28")]
            keys.flowPeriods = [Period(uncheckedStart: day("2025-03-02"), end: day("2025-03-31")), Period.month(containing: day("2025-01-15"))]
            keys.collectionRatePeriods = [Period(uncheckedStart: day("2025-03-01"), end: day("2025-03-31"))]
            keys.forecastDates = [Self.today]
            let wanted = keys
            let groups = Array(1...Self.groupCount)
            let (keyed, singles, merged) = try await database.read { connection in
                let keys = wanted
                let reader = RollupReader(connection: connection)
                let keyed = try reader.keyedParts(groups: groups, keys: keys)
                // Group by group, as the reader read them before batching.
                var singles: [Int64: KeyedReceivablesParts] = [:]
                for group in [1, 2, 150, 299, 300] as [Int64] {
                    let parts = try reader.receivablesParts(
                        groups: [group],
                        snapshotDates: Array(keys.snapshotDates),
                        dailyMonths: keys.partialMonths,
                        flowRange: try #require(keys.flowRange)
                    )
                    var single = KeyedReceivablesParts(
                        snapshots: Dictionary(uniqueKeysWithValues: keys.snapshotDates.map { ($0, parts.snapshot(at: $0)) }),
                        flows: Dictionary(uniqueKeysWithValues: keys.flowPeriods.map { ($0, parts.flow(over: $0)) })
                    )
                    single.collectionRates = try reader.collectionRates(groups: [group], periods: Array(keys.collectionRatePeriods))
                    if let forecast = try reader.forecast(groups: [group], asOf: Self.today) { single.forecasts[Self.today] = forecast }
                    singles[group] = single
                }
                let merged = try reader.receivablesParts(
                    groups: groups,
                    snapshotDates: Array(keys.snapshotDates),
                    dailyMonths: keys.partialMonths,
                    flowRange: try #require(keys.flowRange)
                )
                return (keyed, singles, merged)
            }
            for (group, single) in singles {
                let mine = keyed[group] ?? .zero
                for date in keys.snapshotDates { #expect(mine.snapshot(at: date) == single.snapshot(at: date), "group \(group) at \(date)") }
                for period in keys.flowPeriods { #expect(mine.flow(over: period) == single.flow(over: period), "group \(group) over \(period)") }
                for period in keys.collectionRatePeriods { #expect(mine.collectionRate(over: period) == single.collectionRate(over: period)) }
                #expect(mine.forecast(asOf: Self.today) == single.forecast(asOf: Self.today))
            }
            let total = keyed.values.reduce(KeyedReceivablesParts.zero, +)
            for date in keys.snapshotDates { #expect(total.snapshot(at: date) == merged.snapshot(at: date)) }
            for period in keys.flowPeriods { #expect(total.flow(over: period) == merged.flow(over: period)) }
            #expect(keyed.count < Int(Self.groupCount), "groups without rows are absent (zero)")
        }
    }

    @Test("fingerprints: one statement answers when the firm is consistent; a rebuilding group is found only in selections holding it")
    func fingerprints() async throws {
        try await withTenantDatabase { database in
            try await database.write { connection in
                for (key, fingerprint) in [("g1/fy2025/m2025-03", "A"), ("g2/fy2025/m2025-03", "A"), ("g12/fy2025/m2025-03", "A"), ("p2025", "X")] {
                    try connection.execute(
                        """
                        INSERT INTO partition_state (partition_key, published_sequence, published_at, fingerprint, fencing_token, computed_for, row_count)
                        VALUES (?, 1, 0, ?, 1, 0, 0)
                        """,
                        key,
                        fingerprint
                    )
                }
            }
            let read = { (groups: [Int64]) in
                try await database.read { try RollupReader(connection: $0).fingerprints(groups: groups) }
            }
            #expect(try await read([1, 2]) == ["A"])
            #expect(try await read([]) == [])
            try await database.write { try $0.execute("UPDATE partition_state SET fingerprint = 'B' WHERE partition_key = 'g12/fy2025/m2025-03'") }
            #expect(try await read([1, 2]) == ["A"], "g12 is not g1: the key range of group 1 stops before it")
            #expect(try await read([1, 12]) == ["A", "B"])
        }
    }
}
