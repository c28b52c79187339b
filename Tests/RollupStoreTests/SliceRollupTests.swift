import Foundation
import KPI
import PilotageProtocol
import RollupStore
import Rollups
import Storage
import TenantStore
import Testing
import Wire

private let today = day("2025-03-31")

private let organisation: [any IngestibleRecord] = [
    OrganisationUnitRecord(id: "PAR", name: "Paris", kind: .office),
    OrganisationUnitRecord(id: "LYO", name: "Lyon", kind: .office),
    CollaboratorRecord(id: "marie", name: "Marie", office: "PAR"),
    CollaboratorRecord(id: "paul", name: "Paul", office: "PAR"),
    CollaboratorRecord(id: "zoe", name: "Zoé", office: "LYO"),
    ClientRecord(id: "A", name: "A", office: "PAR", assignedCollaborators: ["marie"]),
    ClientRecord(id: "B", name: "B", office: "PAR", assignedCollaborators: ["marie"]),
    ClientRecord(id: "C", name: "C", office: "LYO", bookkeepingMode: .client, assignedCollaborators: ["paul"]),
    ClientRecord(id: "D", name: "D", office: "PAR", assignedCollaborators: ["marie", "paul"]),
    ClientRecord(id: "E", name: "E", office: "LYO", assignedCollaborators: ["zoe"], deactivated: true),
    ClientRecord(id: "F", name: "F", frequency: .quarterly, assignedCollaborators: ["zoe"]),
]

/// An invoice (installment due 30 days later) and, when `paid` is set, a payment allocated to it.
private func invoice(_ id: String, client: String, on date: String, amount: Int64, paid: (on: String, amount: Int64)? = nil) -> [any IngestibleRecord] {
    let issued = day(date)
    var records: [any IngestibleRecord] = [
        InstallmentRecord(id: id, client: client, invoiceID: id, invoiceDate: issued, dueDate: issued.clampedAdding(days: 30), amount: amount)
    ]
    if let paid {
        records.append(CreditDocumentRecord(id: "P-\(id)", kind: .payment, client: client, date: day(paid.on), amount: paid.amount))
        records.append(AllocationRecord(id: "L-\(id)", source: "P-\(id)", target: id, amount: paid.amount, recordedOn: day(paid.on)))
    }
    return records
}

private let firstActivity: [any IngestibleRecord] =
    invoice("IA1", client: "A", on: "2025-01-10", amount: 120_000, paid: ("2025-02-20", 120_000))
    + invoice("IB1", client: "B", on: "2025-01-15", amount: 80_000)
    + invoice("IC1", client: "C", on: "2025-02-01", amount: 300_000, paid: ("2025-03-05", 100_000))
    + invoice("ID1", client: "D", on: "2025-02-10", amount: 50_000, paid: ("2025-03-30", 50_000))
    + invoice("IE1", client: "E", on: "2025-01-05", amount: 70_000)
    + invoice("IF1", client: "F", on: "2025-03-01", amount: 90_000, paid: ("2025-03-31", 40_000))
    + documents

/// Practice documents and a supplier rule: the slices' practice parts have flows to sum.
private let documents: [any IngestibleRecord] = [
    SupplierRuleRecord(id: "R1", client: "A", supplier: "EDF", createdOn: day("2025-01-20"), autoPublish: true),
    document("DA1", client: "A", on: "2025-01-12", supplier: "EDF", published: "2025-01-15"),
    document("DA2", client: "A", on: "2025-02-03", supplier: "EDF", published: "2025-02-04"),
    document("DC1", client: "C", on: "2025-02-20", published: nil),
    document("DD1", client: "D", on: "2025-03-02", published: "2025-03-20"),
    document("DE1", client: "E", on: "2025-01-08", published: "2025-01-09"),
    document("DF1", client: "F", on: "2025-03-30", published: nil),
]

/// A document received on `on`, to review until `published` (when given).
private func document(_ id: String, client: String, on date: String, supplier: String? = nil, published: String?) -> DocumentRecord {
    var history = [DocumentStatusChange(status: .toReview, on: day(date))]
    if let published { history.append(DocumentStatusChange(status: .published, on: day(published))) }
    return DocumentRecord(id: id, client: client, receivedOn: day(date), channel: .email, kind: .cost, supplier: supplier, statusHistory: history)
}

/// Vectors without their trailing zeros: a maintained slice keeps the length a vector once had.
private func normalised(_ snapshot: ReceivablesSnapshot) -> ReceivablesSnapshot {
    func trimmed(_ vector: [WideInt]) -> [WideInt] {
        var vector = vector
        while vector.last == .zero { vector.removeLast() }
        return vector
    }
    var result = snapshot
    result.aged = trimmed(snapshot.aged)
    result.provisionByBucket = trimmed(snapshot.provisionByBucket)
    result.openHTByBucket = trimmed(snapshot.openHTByBucket)
    return result
}

/// Leases, computes and commits until no partition is dirty.
private func publishEverything(_ database: Database) async throws {
    // Fencing tokens only grow: continue after the highest one committed.
    var token = try await database.read { try $0.fetchValue(Int64.self, "SELECT coalesce(max(fencing_token), 0) + 1 FROM partition_state") } ?? 1
    let first = token
    while true {
        let leased = try await leaseOldestGroup(database, token: token)
        guard !leased.isEmpty else { return }
        _ = try await commitBatch(database, leased, try await computeGroupBatch(database, leased, today: today), today: today)
        token += 1
        try #require(token < first + 500, "publication does not converge")
    }
}

/// The fixture firm ingested and published into a fresh tenant file; `body` reads it in one
/// read transaction.
private func readPublishedFixture(_ body: @escaping @Sendable (SQLiteConnection, TenantRollups, RollupReader) throws -> Void) async throws {
    try await withTenantDatabase { database in
        try await ingestRecords(database, organisation + firstActivity, today: today)
        try await publishEverything(database)
        try await database.read { connection in
            try body(connection, TenantRollups(connection: connection), RollupReader(connection: connection))
        }
    }
}

/// Checks that every slice row is the sum of its member groups' rows (and exists exactly when one
/// of them has the row), for every day, month and period stored; returns the slices checked.
@discardableResult
private func checkSlicesEqualGroups(_ database: Database) async throws -> [String] {
    try await database.read { connection in
        let rollups = TenantRollups(connection: connection)
        let reader = RollupReader(connection: connection)
        let ids = Set(try connection.fetchColumn(Int64.self, "SELECT group_id FROM client_groups"))
        let profiles = try rollups.profiles(ofGroups: ids)
        var members: [String: [Int64]] = [:]
        for (group, profile) in profiles {
            for key in RollupSlices.keys(of: profile) { members[key, default: []].append(group) }
        }
        let range = Period(uncheckedStart: day("2024-12-01"), end: today)
        let days = range.days
        let months = Set(days.map(\.monthIndex))
        let periods = try connection.fetchAll(
            PeriodRow.self,
            "SELECT DISTINCT start_day, end_day FROM rollup_periods WHERE kind = 'COLLECTION_RATE'"
        ).map { Period(uncheckedStart: $0.start, end: $0.end) }
        for (slice, groups) in members.sorted(by: { $0.key < $1.key }) {
            let sliceSelection = try reader.selection(SliceCover(slices: [slice], groups: []))
            #expect(sliceSelection.slices.count == 1, "slice \(slice) has no id")
            let fromSlice = try reader.receivablesParts(selection: sliceSelection, snapshotDates: days, dailyMonths: months, flowRange: range)
            let fromGroups = try reader.receivablesParts(groups: groups, snapshotDates: days, dailyMonths: months, flowRange: range)
            #expect(fromSlice.snapshots.mapValues(normalised) == fromGroups.snapshots.mapValues(normalised), "slice \(slice) snapshots")
            #expect(fromSlice.dailyFlows.filter { $0.value != .zero } == fromGroups.dailyFlows.filter { $0.value != .zero }, "slice \(slice) daily flows")
            #expect(fromSlice.monthlyFlows == fromGroups.monthlyFlows, "slice \(slice) monthly flows")
            #expect(
                try reader.collectionRates(selection: sliceSelection, periods: periods) == reader.collectionRates(groups: groups, periods: periods),
                "slice \(slice) collection rates"
            )
            #expect(try reader.forecast(selection: sliceSelection, asOf: today) == reader.forecast(groups: groups, asOf: today), "slice \(slice) forecast")
            var windowKeys = ReceivablesKeys()
            windowKeys.windowFlowDates = Set(days)
            windowKeys.windowDays = 30
            let windowFromSlice = try reader.keyedParts(slices: sliceSelection.slices, keys: windowKeys).values.first?.flows ?? [:]
            let windowFromGroups = try reader.keyedParts(groups: groups, keys: windowKeys).values.reduce(KeyedReceivablesParts.zero, +).flows
            #expect(windowFromSlice.filter { $0.value != .zero } == windowFromGroups.filter { $0.value != .zero }, "slice \(slice) window flows")
            if slice == "all" { #expect(windowFromGroups.values.contains { $0 != .zero }) }
            // Practice: the stored rows alone (no empty days, no earliest period start).
            let practiceFromSlice = try reader.practiceParts(
                selection: sliceSelection,
                groups: [],
                firstDays: GroupFirstDays(days: [:]),
                calendar: .calendarYear,
                snapshotDates: days,
                flowPeriods: [range]
            )
            let practiceFromGroups = try reader.practiceParts(
                selection: RowSelection(groups: groups),
                groups: [],
                firstDays: GroupFirstDays(days: [:]),
                calendar: .calendarYear,
                snapshotDates: days,
                flowPeriods: [range]
            )
            #expect(practiceFromSlice.snapshots == practiceFromGroups.snapshots, "slice \(slice) practice snapshots")
            #expect(practiceFromSlice.dailyFlows.filter { $0.value != .zero } == practiceFromGroups.dailyFlows.filter { $0.value != .zero }, "slice \(slice) practice daily flows")
            #expect(practiceFromSlice.monthlyFlows == practiceFromGroups.monthlyFlows, "slice \(slice) practice monthly flows")
            if slice == "all" {
                #expect(practiceFromGroups.monthlyFlows.values.contains { $0.received > 0 && $0.published > 0 })
                #expect(practiceFromGroups.snapshots.values.contains { $0.toReview > 0 && $0.supplierRules > 0 })
            }
            let placeholders = groups.map { _ in "?" }.joined(separator: ", ")
            for table in [("slice_days", "rollup_days", "day"), ("slice_months", "rollup_months", "month")] {
                var expected: [KeyCount] = []
                try connection.query(
                    "SELECT \(table.2), count(*) FROM \(table.1) WHERE group_id IN (\(placeholders)) GROUP BY \(table.2) ORDER BY \(table.2)",
                    arguments: groups.map { .integer($0) }
                ) { expected.append(try KeyCount(row: $0)) }
                var stored: [KeyCount] = []
                try connection.query(
                    "SELECT \(table.2), contributors FROM \(table.0) WHERE slice_id = ? ORDER BY \(table.2)",
                    arguments: sliceSelection.slices.map { .integer($0) }
                ) { stored.append(try KeyCount(row: $0)) }
                #expect(stored == expected, "slice \(slice): contributors of \(table.0)")
            }
        }
        return members.keys.sorted()
    }
}

private struct PeriodRow: SQLiteRowDecodable {
    var start: CalendarDate
    var end: CalendarDate
    init(row: SQLiteRow) throws {
        self.start = try row.decode(CalendarDate.self, at: 0)
        self.end = try row.decode(CalendarDate.self, at: 1)
    }
}

private struct KeyCount: SQLiteRowDecodable, Equatable {
    var key: Int64
    var count: Int
    init(row: SQLiteRow) throws {
        self.key = try row.decode(Int64.self, at: 0)
        self.count = try row.decode(Int.self, at: 1)
    }
}

@Suite("Slice rollups: maintained in the commit transaction, equal to the sum of their groups")
struct SliceRollupTests {
    @Test("publication, back-dated changes, a client moving between groups: every slice row stays the sum of its groups' rows")
    func slicesFollowGroups() async throws {
        try await withTenantDatabase { database in
            try await ingestRecords(database, organisation + firstActivity, today: today)
            try await publishEverything(database)
            let slices = try await checkSlicesEqualGroups(database)
            #expect(slices.contains("all") && slices.contains("office=PAR") && slices.contains("collaborator=paul"))
            #expect(slices.contains("collaborator=zoe") && slices.contains("frequency=QUARTERLY"), "F (active) puts zoe and QUARTERLY in slices")

            // A back-dated payment of C (February) and a new March invoice of A: the commits
            // replace days from the change on and move the slices by the difference.
            try await ingestRecords(
                database,
                invoice("IC2", client: "C", on: "2025-01-20", amount: 40_000, paid: ("2025-02-15", 40_000))
                    + invoice("IA2", client: "A", on: "2025-03-10", amount: 65_000),
                today: today
            )
            try await publishEverything(database)
            try await checkSlicesEqualGroups(database)

            // B moves from marie's group to paul's; E is reactivated.
            try await ingestRecords(
                database,
                [
                    ClientRecord(id: "B", name: "B", office: "PAR", assignedCollaborators: ["paul"]),
                    ClientRecord(id: "E", name: "E", office: "LYO", assignedCollaborators: ["zoe"]),
                ],
                today: today
            )
            try await publishEverything(database)
            try await checkSlicesEqualGroups(database)

            // The firm-wide slice answers like the raw facts.
            let (fromSlice, fromFacts) = try await database.read { connection in
                let rollups = TenantRollups(connection: connection)
                let context = KPIContext(settings: KPISettings(), firstDataDate: try rollups.firstDataDate())
                let reader = RollupReader(connection: connection)
                let groups = try rollups.groups()
                let index = SliceIndex(groups: groups.map { SliceIndex.Member(id: $0.id, profile: $0.profile) })
                let cover = index.cover(groups.filter { !$0.profile.deactivated }.map(\.id))
                #expect(cover.slices == ["all"] && cover.groups.isEmpty)
                let parts = try reader.receivablesLevel1Parts(selection: try reader.selection(cover), asOf: today, context: context)
                let facts = try FactRecords(connection: connection).clientFacts(["A", "B", "C", "D", "E", "F"], mapper: FactMapper(settings: nil))
                return (
                    ReceivablesLevel1(evaluator: ReceivablesKPI(source: parts, context: context), asOf: today),
                    ReceivablesLevel1(evaluator: ReceivablesReference(facts, context: context), asOf: today)
                )
            }
            #expect(Level1Report.differences(rollup: fromSlice, reference: fromFacts).isEmpty)
        }
    }

    @Test("a selection read as slices minus groups (once or twice) equals its groups' own rows")
    func slicesMinusGroups() async throws {
        try await readPublishedFixture { connection, rollups, reader in
            let context = KPIContext(settings: KPISettings(), firstDataDate: try rollups.firstDataDate())
            let active = try rollups.groups().filter { !$0.profile.deactivated }
            let paris = active.filter { $0.profile.office == "PAR" }.map(\.id)
            let ids = try reader.sliceIDs(of: ["all", "office=PAR"])
            let all = try #require(ids["all"])
            let office = try #require(ids["office=PAR"])
            #expect(paris.count >= 2 && active.count > paris.count)
            let keys = ReceivablesSectionsReport.keys(asOf: today, today: today, settings: KPISettings())
            for left in active {
                let expected = RowSelection(groups: active.map(\.id).filter { $0 != left.id })
                for signed in [
                    RowSelection(slices: [all], groups: [], subtracted: [left.id]),
                    // PAR's groups counted twice (by both slices): subtracted once more.
                    RowSelection(slices: [all, office], groups: [], subtracted: paris + [left.id]),
                ] {
                    let level1 = try reader.receivablesLevel1Parts(selection: signed, asOf: today, context: context)
                    let reference = try reader.receivablesLevel1Parts(selection: expected, asOf: today, context: context)
                    #expect(
                        Level1Report.differences(
                            rollup: ReceivablesLevel1(evaluator: ReceivablesKPI(source: level1, context: context), asOf: today),
                            reference: ReceivablesLevel1(evaluator: ReceivablesKPI(source: reference, context: context), asOf: today)
                        ).isEmpty
                    )
                    #expect(try reader.mergedKeyedParts(selection: signed, keys: keys) == reader.mergedKeyedParts(selection: expected, keys: keys))
                    let periods = [Period.monthToDate(today)]
                    #expect(try reader.collectionRates(selection: signed, periods: periods) == reader.collectionRates(selection: expected, periods: periods))
                    #expect(try reader.forecast(selection: signed, asOf: today) == reader.forecast(selection: expected, asOf: today))
                }
            }
        }
    }

    @Test("practice parts read through slices (plain or minus groups) equal the raw facts, before and after each group's first row")
    func practiceThroughSlices() async throws {
        try await readPublishedFixture { connection, rollups, reader in
            let groups = try rollups.groups()
            let firstDays = try reader.groupFirstDays()
            // F's group starts on 2025-03-01 and A's on 2025-01-10: the earlier days are
            // empty snapshots the reader adds; the earliest period start mixes frequencies.
            let lateGroups = groups.filter { group in firstDays.days[group.id].map { $0 > day("2025-01-31") } ?? true }
            #expect(!lateGroups.isEmpty && lateGroups.count < groups.count)
            let index = SliceIndex(groups: groups.map { SliceIndex.Member(id: $0.id, profile: $0.profile) })
            let dates = [day("2024-12-15"), day("2025-01-31"), day("2025-02-28"), day("2025-03-15"), today]
            let periods = [Period(uncheckedStart: day("2025-01-05"), end: day("2025-03-20")), Period.month(containing: day("2025-02-10"))]
            let clientsOf = try Dictionary(uniqueKeysWithValues: groups.map { ($0.id, try rollups.members(ofGroup: $0.id)) })
            let facts = try FactRecords(connection: connection).clientFacts(["A", "B", "C", "D", "E", "F"], mapper: FactMapper(settings: nil))
            let active = groups.filter { !$0.profile.deactivated }
            for (label, selected, cover) in [
                ("active", active, index.cover(active.map(\.id))),
                ("everything", groups, index.cover(groups.map(\.id))),
                ("all minus one", Array(active.dropFirst()), SliceCover(slices: ["all"], groups: [], subtracted: [active[0].id])),
            ] {
                #expect(!cover.slices.isEmpty, "\(label)")
                let parts = try reader.practiceParts(
                    selection: try reader.selection(cover),
                    groups: selected,
                    firstDays: firstDays,
                    calendar: .calendarYear,
                    snapshotDates: dates,
                    flowPeriods: periods
                )
                let clients = Set(selected.flatMap { clientsOf[$0.id] ?? [] })
                let reference = PracticePartsCalculator(facts.filter { clients.contains($0.client.id) }, settings: KPISettings())
                for date in dates {
                    #expect(parts.snapshot(at: date) == reference.snapshot(at: date), "\(label) at \(date)")
                }
                // Days on or after every group's first row skip the look-ups; without the
                // firm's latest first day, every group is looked up: the same answers.
                let latest = try #require(firstDays.latest)
                for (asked, known) in [([latest, today], firstDays), (dates, GroupFirstDays(days: firstDays.days))] {
                    let again = try reader.practiceParts(
                        selection: try reader.selection(cover),
                        groups: selected,
                        firstDays: known,
                        calendar: .calendarYear,
                        snapshotDates: asked,
                        flowPeriods: []
                    )
                    for date in asked { #expect(again.snapshot(at: date) == reference.snapshot(at: date), "\(label) at \(date)") }
                }
                for period in periods {
                    #expect(parts.flow(over: period) == reference.flow(over: period), "\(label) over \(period)")
                }
            }
            // Sliding windows (level 1's history): moved day by day, equal to each window summed.
            let windows = (0..<25).map { offset in
                let end = day("2025-02-18").clampedAdding(days: offset)
                return Period(uncheckedStart: end.clampedAdding(days: -39), end: end)
            }
            let sliding = try reader.practiceParts(
                selection: try reader.selection(index.cover(groups.map(\.id))),
                groups: groups,
                firstDays: firstDays,
                calendar: .calendarYear,
                snapshotDates: [],
                flowPeriods: windows
            )
            let everyone = PracticePartsCalculator(facts, settings: KPISettings())
            #expect(sliding.flows(over: windows) == windows.map(sliding.flow(over:)))
            #expect(sliding.flows(over: windows) == windows.map(everyone.flow(over:)))
            #expect(Set(windows.map(everyone.flow(over:))).count > 3, "the windows differ")
            // Collaborator lines from stored rows: the to-do counts of their clients.
            let marie = active.filter { $0.profile.collaborators.contains("marie") }
            let lines = try reader.storedPracticeSnapshots(
                of: try reader.selections([SliceCover(slices: ["collaborator=marie"], groups: []), SliceCover(slices: [], groups: marie.map(\.id))]),
                at: day("2025-03-10")
            )
            let clients = Set(marie.flatMap { clientsOf[$0.id] ?? [] })
            let expected = PracticePartsCalculator(facts.filter { clients.contains($0.client.id) }, settings: KPISettings()).snapshot(at: day("2025-03-10"))
            for line in lines {
                #expect(line.toReview == expected.toReview && line.ready == expected.ready && line.supplierRules == expected.supplierRules)
            }
            #expect(expected.toReview > 0)
        }
    }

    @Test("the stored window flow of each day is the flow over the DSO window ending there, from the facts")
    func windowFlows() async throws {
        try await readPublishedFixture { connection, rollups, reader in
            let settings = KPISettings()
            var keys = ReceivablesKeys()
            keys.windowFlowDates = Set(Period(uncheckedStart: day("2025-01-01"), end: today).days)
            keys.windowDays = settings.clamped.dsoWindowDays
            var checked = 0
            for group in try rollups.groups() {
                let facts = try FactRecords(connection: connection).clientFacts(try rollups.members(ofGroup: group.id), mapper: FactMapper(settings: nil))
                let calculator = ReceivablesPartsCalculator(facts, settings: settings)
                let stored = try reader.keyedParts(groups: [group.id], keys: keys)[group.id]?.flows ?? [:]
                for date in keys.windowFlowDates {
                    let window = keys.window(endingAt: date)
                    #expect((stored[window] ?? .zero) == calculator.flow(over: window), "group \(group.id) window ending \(date)")
                    if calculator.flow(over: window) != .zero { checked += 1 }
                }
            }
            #expect(checked > 100)
        }
    }

    @Test("a slice row disagreeing with its groups makes the commit fail and roll back")
    func negativeContributorsRefused() async throws {
        try await withTenantDatabase { database in
            try await ingestRecords(database, organisation + firstActivity, today: today)
            try await publishEverything(database)
            try await database.write { connection in
                try connection.execute(
                    "UPDATE slice_days SET contributors = -1 WHERE day = ? AND slice_id = (SELECT slice_id FROM rollup_slices WHERE slice_key = 'all')",
                    today
                )
            }
            // A new invoice of A dirties its group from today: the commit's delta lands on the
            // tampered row, which would be left with a negative count.
            try await ingestRecords(database, invoice("IA3", client: "A", on: "2025-03-31", amount: 10_000), today: today)
            let leased = try await leaseOldestGroup(database, token: 900)
            let rows = try await computeGroupBatch(database, leased, today: today)
            await #expect(throws: RollupStoreError.self) { try await commitBatch(database, leased, rows, today: today) }
            #expect(try await database.read { try $0.fetchValue(Int.self, "SELECT count(*) FROM dirty_partitions") ?? 0 } > 0)
        }
    }

    @Test("a recomputation that yields the same rows leaves every slice row untouched; a changed row still reaches its slices")
    func identicalRowsSkipSlices() async throws {
        func settings(_ name: String) -> FirmSettingsRecord {
            FirmSettingsRecord(name: name, timeZone: "Europe/Paris", fiscalYearStartMonth: 1, fiscalYearStartDay: 1)
        }
        try await withTenantDatabase { database in
            try await ingestRecords(database, [settings("Cabinet")] + organisation + firstActivity, today: today)
            try await publishEverything(database)
            // Count every write to the slice tables (test-only triggers in the temporary file).
            try await database.write { connection in
                try connection.execute("CREATE TABLE slice_writes (n INTEGER NOT NULL)")
                for table in ["slice_days", "slice_months", "slice_periods"] {
                    for event in ["INSERT", "UPDATE", "DELETE"] {
                        try connection.execute("CREATE TRIGGER count_\(table)_\(event) AFTER \(event) ON \(table) BEGIN INSERT INTO slice_writes VALUES (1); END")
                    }
                }
            }
            func sliceWrites() async throws -> Int {
                try await database.read { try $0.fetchValue(Int.self, "SELECT count(*) FROM slice_writes") ?? -1 }
            }
            // The settings under another name: every partition is recomputed, to the same rows.
            let report = try await ingestRecords(database, [settings("Cabinet renamed")], today: today)
            #expect(report.dirtyPartitions > 0)
            try await publishEverything(database)
            #expect(try await database.read { try $0.fetchValue(Int.self, "SELECT count(*) FROM dirty_partitions") } == 0)
            #expect(try await sliceWrites() == 0)
            try await checkSlicesEqualGroups(database)

            // A back-dated invoice changes rows from its day on: slices follow.
            try await ingestRecords(database, invoice("IB9", client: "B", on: "2025-02-10", amount: 12_345), today: today)
            try await publishEverything(database)
            #expect(try await sliceWrites() > 0)
            try await checkSlicesEqualGroups(database)
        }
    }

    @Test("first_day_changes moves exactly with the groups' first days: not for today's rows of published groups, yes for a new group or an earlier first data date")
    func firstDayChanges() async throws {
        try await withTenantDatabase { database in
            func state() async throws -> (commits: Int64, changes: Int64, firstDays: [Int64: CalendarDate]) {
                try await database.read { connection in
                    let reader = RollupReader(connection: connection)
                    return (
                        try connection.fetchValue(Int64.self, "SELECT commits FROM rollup_commits") ?? -1,
                        try reader.firstDayChanges(),
                        try reader.groupFirstDays().days
                    )
                }
            }
            try await ingestRecords(database, organisation + firstActivity, today: today)
            try await publishEverything(database)
            let published = try await state()
            #expect(published.changes >= 1)
            // Five profiles (A and B share one); each group's rows start at its first activity.
            #expect(published.firstDays.count == 5)

            // Today's rows of groups already published: commits, but no first day moves.
            try await ingestRecords(database, invoice("IA-today", client: "A", on: "2025-03-31", amount: 10_000), today: today)
            try await publishEverything(database)
            let todays = try await state()
            #expect(todays.commits > published.commits)
            #expect(todays.changes == published.changes)
            #expect(todays.firstDays == published.firstDays)

            // A client of a new profile: its group's first publication adds a first day.
            try await ingestRecords(
                database,
                [ClientRecord(id: "G", name: "G", office: "LYO", bookkeepingMode: .client, assignedCollaborators: ["marie"])]
                    + invoice("IG1", client: "G", on: "2025-03-20", amount: 5_000),
                today: today
            )
            try await publishEverything(database)
            let newGroup = try await state()
            #expect(newGroup.firstDays.count == 6)
            #expect(newGroup.changes > todays.changes)

            // An invoice before B's first activity: the rows of B's group start earlier.
            try await ingestRecords(database, invoice("IB0", client: "B", on: "2024-12-15", amount: 1_000), today: today)
            try await publishEverything(database)
            let earlier = try await state()
            #expect(earlier.firstDays.count == 6)
            #expect(earlier.firstDays.values.min() == day("2024-12-15"), "\(earlier.firstDays)")
            #expect(earlier.changes > newGroup.changes)
        }
    }

    @Test("slice ids by key for any number of keys: every written key found, unknown keys absent")
    func sliceIDsByKey() async throws {
        try await withTenantDatabase { database in
            try await database.write { connection in
                for index in 0..<700 { try connection.execute("INSERT INTO rollup_slices (slice_key) VALUES (?)", "collaborator=c\(index)") }
            }
            try await database.read { connection in
                let reader = RollupReader(connection: connection)
                for count in [0, 1, 3, 8, 9, 511, 512, 513, 700] {
                    let keys = (0..<count).map { "collaborator=c\($0)" } + ["collaborator=nobody"]
                    let ids = try reader.sliceIDs(of: keys)
                    #expect(ids.count == count, "\(count) keys")
                    #expect(ids["collaborator=nobody"] == nil)
                    #expect(Set(ids.values).count == count)
                }
                let cover = SliceCover(slices: ["collaborator=c5", "collaborator=nobody", "collaborator=c6"], groups: [42])
                let selection = try reader.selection(cover)
                #expect(selection.slices.count == 2 && selection.groups == [42])
            }
        }
    }

    /// A fresh temporary directory for an upgrade test's file (the caller removes it).
    static func upgradeDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slice-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Version 12's table, which today's ingestion writes, for files of older versions.
    static let groupsChangesTable = "CREATE TABLE groups_changes (singleton INTEGER PRIMARY KEY, sequence INTEGER NOT NULL); INSERT INTO groups_changes VALUES (1, 0);"

    @Test("upgrading a version-9 file to version 10 empties slices and group rows, re-dirties every group; republished, the new slices (practice parts included) equal their groups")
    func upgradeToVersion10() async throws {
        let directory = try Self.upgradeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("firm.sqlite").path

        let version9 = try await Database.open(path: path, migrations: MigrationList(Array(TenantSchema.migrations.migrations.prefix(9))))
        // Today's committer writes version 10's (and 11's) columns: they are added for the publication,
        // then dropped again, leaving a version-9 file with published group and slice rows.
        let columns = [("slice_days", "practice_snapshot"), ("slice_days", "practice_flow"), ("slice_months", "practice_flow")]
        try await version9.write { connection in
            for (table, column) in columns { try connection.execute("ALTER TABLE \(table) ADD COLUMN \(column) BLOB") }
            try connection.executeScript(
                "CREATE TABLE rollup_commits (singleton INTEGER PRIMARY KEY, commits INTEGER NOT NULL, first_day_changes INTEGER NOT NULL); INSERT INTO rollup_commits VALUES (1, 0, 0);"
                    + Self.groupsChangesTable
            )
        }
        try await ingestRecords(version9, organisation + firstActivity, today: today)
        try await publishEverything(version9)
        try await version9.write { connection in
            for (table, column) in columns { try connection.execute("ALTER TABLE \(table) DROP COLUMN \(column)") }
            try connection.execute("DROP TABLE rollup_commits")
            try connection.execute("DROP TABLE groups_changes")
        }
        let groupPartitions = try await count(version9, "SELECT count(*) FROM partition_state WHERE partition_key >= 'g' AND partition_key < 'h'")
        #expect(groupPartitions > 0)
        #expect(try await count(version9, "SELECT count(*) FROM rollup_days") > 0)
        #expect(try await count(version9, "SELECT count(*) FROM slice_days") > 0)
        #expect(try await count(version9, "SELECT count(*) FROM dirty_partitions") == 0)
        await version9.close()

        let upgraded = try await Database.open(path: path, migrations: TenantSchema.migrations)
        for table in ["rollup_days", "rollup_months", "rollup_periods", "rollup_clients", "slice_days", "slice_months", "slice_periods", "rollup_slices"] {
            #expect(try await count(upgraded, "SELECT count(*) FROM \(table)") == 0, "\(table) after the upgrade")
        }
        #expect(try await count(upgraded, "SELECT count(*) FROM dirty_partitions WHERE partition_key >= 'g' AND partition_key < 'h' AND first_dirty_sequence = 1 AND dirty_from IS NULL") == groupPartitions)
        #expect(try await count(upgraded, "SELECT commits FROM rollup_commits") == 0)
        try await publishEverything(upgraded)
        #expect(try await count(upgraded, "SELECT commits FROM rollup_commits") > 0)
        #expect(try await count(upgraded, "SELECT count(*) FROM slice_days WHERE practice_snapshot IS NULL OR practice_flow IS NULL") == 0)
        let slices = try await checkSlicesEqualGroups(upgraded)
        #expect(slices.contains("deactivated:all") && slices.contains { $0.contains("&mode=") })
        await upgraded.close()
    }

    @Test("upgrading a version-10 file to versions 11 and 12 keeps every rollup row and dirties nothing; first-day changes count from zero, the last groups change is the last ingestion")
    func upgradeToVersion11() async throws {
        let directory = try Self.upgradeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("firm.sqlite").path

        let version10 = try await Database.open(path: path, migrations: MigrationList(Array(TenantSchema.migrations.migrations.prefix(10))))
        // Today's writers write version 11's column and version 12's table: added for the
        // publication, then dropped.
        try await version10.write {
            try $0.executeScript("ALTER TABLE rollup_commits ADD COLUMN first_day_changes INTEGER NOT NULL DEFAULT 0;" + Self.groupsChangesTable)
        }
        try await ingestRecords(version10, organisation + firstActivity, today: today)
        try await publishEverything(version10)
        try await version10.write {
            try $0.executeScript("ALTER TABLE rollup_commits DROP COLUMN first_day_changes; DROP TABLE groups_changes;")
        }
        let days = try await count(version10, "SELECT count(*) FROM rollup_days")
        let sliceDays = try await count(version10, "SELECT count(*) FROM slice_days")
        let commits = try await count(version10, "SELECT commits FROM rollup_commits")
        #expect(days > 0 && sliceDays > 0 && commits > 0)
        await version10.close()

        let upgraded = try await Database.open(path: path, migrations: TenantSchema.migrations)
        #expect(try await count(upgraded, "SELECT count(*) FROM rollup_days") == days)
        #expect(try await count(upgraded, "SELECT count(*) FROM slice_days") == sliceDays)
        #expect(try await count(upgraded, "SELECT count(*) FROM dirty_partitions") == 0)
        #expect(try await count(upgraded, "SELECT commits FROM rollup_commits") == commits)
        #expect(try await upgraded.read { try RollupReader(connection: $0).firstDayChanges() } == 0)
        // Version 12: the last groups change starts at the file's last ingestion.
        #expect(try await upgraded.read { try TenantRecords(connection: $0).lastGroupsChange() } == Int64(try await count(upgraded, "SELECT max(sequence) FROM ingestions")))
        try await ingestRecords(upgraded, invoice("IB0", client: "B", on: "2024-12-15", amount: 1_000), today: today)
        try await publishEverything(upgraded)
        #expect(try await upgraded.read { try RollupReader(connection: $0).firstDayChanges() } > 0)
        try await checkSlicesEqualGroups(upgraded)
        await upgraded.close()
    }
}
