import Foundation
import Ingestion
import KPI
import PilotageProtocol
import RollupStore
import Rollups
import Storage
import TenantStore
import Wire

/// Opens a fresh tenant file in a temporary directory, removed afterwards.
func withTenantDatabase<T>(_ body: (Database) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rollup-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let database = try await Database.open(path: directory.appendingPathComponent("firm.sqlite").path, migrations: TenantSchema.migrations)
    do {
        let result = try await body(database)
        await database.close()
        return result
    } catch {
        await database.close()
        throw error
    }
}

/// The integer `sql` reads (−1 when it reads no row).
func count(_ database: Database, _ sql: String) async throws -> Int {
    try await database.read { try $0.fetchValue(Int.self, sql) ?? -1 }
}

/// Ingests records in one batch, as the gateway does, with `today` as the firm's date.
@discardableResult
func ingestRecords(_ database: Database, _ records: [any IngestibleRecord], today: CalendarDate, now: Date = Date()) async throws -> IngestReport {
    let encoder = WireEncoder()
    let batch = try records.map { IngestRow(kind: type(of: $0).entityKind, payload: Data(try encoder.encode($0))) }
    return try await database.write { connection in
        try BatchWriter(today: today, now: now).ingest(batch, options: IngestOptions(), connection: connection)
    }
}

/// The dirty partitions of the oldest dirty group, as a worker would lease them.
func leaseOldestGroup(_ database: Database, token: Int64) async throws -> [LeasedPartition] {
    try await database.read { connection in
        let rollups = TenantRollups(connection: connection)
        guard let group = try rollups.oldestDirty(limit: 1).first?.group else { return [] }
        return try rollups.dirty(group: group).map {
            LeasedPartition(
                key: $0.key,
                month: $0.partition.monthStart,
                fencingToken: token,
                dirtySequence: $0.dirtySequence,
                generation: $0.generation,
                from: $0.from,
                groupID: $0.group
            )
        }
    }
}

/// Computes a batch of one group's rows from the file's records (the group's current members),
/// as a worker would.
func computeGroupBatch(_ database: Database, _ partitions: [LeasedPartition], today: CalendarDate) async throws -> [String: PartitionRollup] {
    try await database.read { connection in
        let rollups = TenantRollups(connection: connection)
        let settings = try rollups.settings()
        let members = try partitions.first?.groupID.map { try rollups.members(ofGroup: $0) } ?? []
        let facts = try FactRecords(connection: connection).clientFacts(members, mapper: FactMapper(settings: settings))
        let calculator = GroupRollupCalculator(settings: FactMapper.kpiSettings(settings), today: today, firstDataDate: try rollups.firstDataDate())
        let targets = partitions.compactMap { partition in
            partition.month.map { GroupRollupCalculator.Target(key: partition.key, month: $0, from: partition.from) }
        }
        return Dictionary(uniqueKeysWithValues: calculator.rollups(facts: facts, targets: targets).map { ($0.key, $0) })
    }
}

/// Commits a batch as the gateway's Commit handler does.
func commitBatch(
    _ database: Database,
    _ partitions: [LeasedPartition],
    _ rows: [String: PartitionRollup],
    today: CalendarDate
) async throws -> RollupCommitter.Outcome {
    try await database.write { connection in
        try RollupCommitter.apply(
            partitions: partitions,
            rollups: rows,
            fingerprint: KPISettings().partsFingerprint,
            computedFor: today,
            now: Date(),
            connection: connection
        )
    }
}
