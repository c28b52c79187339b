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

/// `pilotage.worker.Worker` over the catalog (leases) and the firms' files (dirty partitions,
/// facts, rollups). Worker credentials only (``AccessPolicy``).
///
/// Leases live in the catalog (`worker_leases`, fencing tokens); the tenant file keeps the last
/// committed token of every partition (`PartitionFence`) and checks it inside the commit's
/// write transaction, so a holder whose lease lapsed and was taken over can never publish, even
/// if its catalog check passed a moment before.
public struct WorkerHandlers: Sendable {
    let catalog: Catalog
    let tenants: TenantPool
    let pending: PendingWork
    let lag: LagMetrics
    let clock: FirmClock

    /// Creates the handlers.
    public init(catalog: Catalog, tenants: TenantPool, pending: PendingWork, lag: LagMetrics, clock: FirmClock) {
        self.catalog = catalog
        self.tenants = tenants
        self.pending = pending
        self.lag = lag
        self.clock = clock
    }

    /// Records per facts message.
    static let recordsPerChunk = 2_000
    /// Clients read per read transaction while streaming facts.
    static let clientsPerRead = 64
    /// Client groups a batch of single months may hold.
    static let maximumGroupsPerBatch = 256
    /// Rows a commit may carry in all.
    static let maximumCommitRows = 2_000_000

    /// The service definition to register with the server.
    public var definition: ServiceDefinition {
        var service = ServiceDefinition(name: WorkerMethods.name)
        service.unary(WorkerMethods.lease) { request, context in
            try await self.lease(request, context: context)
        }
        service.unary(WorkerMethods.renew) { request, _ in
            let firm = try FirmID(request.firmID)
            let holder = try Self.holder(request.workerID)
            let expiresAt = try await self.catalog.renewLeases(
                firm: firm,
                holder: holder,
                Self.tokens(request.partitions),
                duration: .seconds(Self.leaseSeconds(request.leaseSeconds))
            )
            return RenewReply(expiresAt: expiresAt)
        }
        service.serverStreaming(WorkerMethods.fetchFacts) { request, writer, context in
            try await self.fetchFacts(request, writer: writer, context: context)
        }
        service.clientStreaming(WorkerMethods.commit) { chunks, context in
            try await self.commit(chunks, context: context)
        }
        service.unary(WorkerMethods.release) { request, _ in
            let firm = try FirmID(request.firmID)
            let holder = try Self.holder(request.workerID)
            let released = try await self.catalog.releaseLeases(firm: firm, holder: holder, Self.tokens(request.partitions))
            return ReleaseReply(released: released)
        }
        return service
    }

    // MARK: - Lease

    private func lease(_ request: LeaseRequest, context: ServerContext) async throws -> LeaseReply {
        let holder = try Self.holder(request.workerID)
        let maximum = min(max(request.maxPartitions ?? 24, 1), 240)
        let duration = Duration.seconds(Self.leaseSeconds(request.leaseSeconds))
        var pendingTotal = 0
        let started = ContinuousClock.now
        for (firm, version) in self.pending.snapshot() {
            let (candidates, count) = try await self.tenants.withTenant(firm) { database in
                try await database.read { connection in
                    let rollups = TenantRollups(connection: connection)
                    return (try rollups.oldestDirty(limit: 256), try rollups.pendingCount())
                }
            }
            pendingTotal += count
            guard count > 0 else {
                self.pending.clear(firm, ifUnchangedSince: version)
                continue
            }
            let scanned = ContinuousClock.now
            let held = try await self.catalog.heldPartitions(firm: firm)
            let heldAt = ContinuousClock.now
            var tried: Set<String> = []
            for _ in 0..<4 {
                // A client group's dirty months go together (one fact stream, one sweep); groups
                // with few dirty months (an incremental change) share a batch up to `maximum`.
                var chosen: [DirtyPartition] = []
                var groups: Set<Int64> = []
                for candidate in candidates where !held.contains(candidate.key) && !tried.contains(candidate.key) {
                    guard let group = candidate.group else {
                        if chosen.isEmpty { chosen = [candidate] }
                        break
                    }
                    guard !groups.contains(group) else { continue }
                    let unit = try await self.tenants.withTenant(firm) { database in
                        try await database.read { connection in try TenantRollups(connection: connection).dirty(group: group) }
                    }.filter { !held.contains($0.key) && !tried.contains($0.key) }
                    guard !unit.isEmpty else { continue }
                    if !chosen.isEmpty && chosen.count + unit.count > maximum { break }
                    chosen += unit.prefix(maximum - chosen.count)
                    groups.insert(group)
                    if chosen.count >= maximum || groups.count >= Self.maximumGroupsPerBatch { break }
                }
                guard let head = chosen.first else { break }
                tried.formUnion(chosen.map(\.key))
                let leases = try await self.catalog.acquireLeases(
                    firm: firm,
                    partitions: chosen.map(\.key),
                    holder: holder,
                    duration: duration
                )
                guard let first = leases.first else { continue }
                context.logger.debug(
                    "lease timings",
                    metadata: [
                        "scan_ms": "\((scanned - started).milliseconds)", "held_ms": "\((heldAt - scanned).milliseconds)",
                        "acquire_ms": "\((ContinuousClock.now - heldAt).milliseconds)", "groups": "\(groups.count)",
                    ]
                )
                let byKey = Dictionary(chosen.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
                let partitions = leases.compactMap { lease -> LeasedPartition? in
                    guard let dirty = byKey[lease.partition] else { return nil }
                    return LeasedPartition(
                        key: lease.partition,
                        month: dirty.partition.monthStart,
                        fencingToken: lease.fencingToken,
                        dirtySequence: dirty.dirtySequence,
                        generation: dirty.generation,
                        from: dirty.from,
                        groupID: dirty.group
                    )
                }
                var fiscalYear: Int?
                if case .prospects(let year) = head.partition { fiscalYear = year }
                context.logger.debug(
                    "leased",
                    metadata: ["firm": firm.rawValue, "worker": holder, "partitions": "\(partitions.count)", "first": first.partition]
                )
                return LeaseReply(
                    work: WorkAssignment(
                        firmID: firm.rawValue,
                        family: head.group == nil ? .prospects : .clientGroup,
                        groupID: head.group,
                        fiscalYear: fiscalYear,
                        partitions: partitions,
                        expiresAt: first.expiresAt
                    ),
                    pendingPartitions: pendingTotal
                )
            }
        }
        return LeaseReply(work: nil, pendingPartitions: pendingTotal)
    }

    // MARK: - Facts

    private func fetchFacts(_ request: FetchFactsRequest, writer: RPCResponseWriter<FactsChunk>, context: ServerContext) async throws {
        let firm = try FirmID(request.firmID)
        let holder = try Self.holder(request.workerID)
        let tokens = Self.tokens(request.partitions)
        try await self.catalog.requireHolding(firm: firm, holder: holder, tokens)
        let batch = try Self.batch(request.partitions.map(\.key))
        let clock = self.clock
        try await self.tenants.withTenant(firm) { database in
            struct Start: Sendable {
                var header: FactsHeader
                /// The clients sent whole.
                var members: [String]
                /// Firm-level records, or the changes of the clients sent as changes.
                var firstRecords: [StoredRecord]
            }
            let keyed = request.keyed == true
            let start = try await database.read { connection -> Start in
                let rollups = TenantRollups(connection: connection)
                let settings = try rollups.settings()
                let today = clock.today(settings: settings)
                let fingerprint = FactMapper.kpiSettings(settings).partsFingerprint
                let firstDataDate = try rollups.firstDataDate()
                switch batch {
                case .groups(let lastMonths):
                    var groups: [GroupMembers] = []
                    var members: [String] = []
                    var through = CalendarDate.min
                    for (group, lastMonth) in lastMonths.sorted(by: { $0.key < $1.key }) {
                        let clients = try rollups.members(ofGroup: group)
                        groups.append(GroupMembers(groupID: group, clients: clients))
                        members += clients
                        through = max(through, min(lastMonth.lastOfMonth, today))
                    }
                    var header = FactsHeader(
                        settings: settings,
                        today: today,
                        firstDataDate: firstDataDate,
                        through: through,
                        settingsFingerprint: fingerprint,
                        clientCount: members.count,
                        groups: groups
                    )
                    guard keyed else { return Start(header: header, members: members, firstRecords: []) }
                    let facts = FactRecords(connection: connection)
                    header.recordsAsOf = try facts.recordsVersion()
                    let (since, changes) = try facts.changes(known: request.known ?? [], members: members, limit: Self.maximumChangedRecords)
                    header.changedOnly = since.keys.sorted()
                    return Start(header: header, members: members.filter { since[$0] == nil }, firstRecords: changes)
                case .prospects:
                    let records = try FactRecords(connection: connection).firmRecords(kinds: [.deal, .offerDocument])
                    let header = FactsHeader(
                        settings: settings,
                        today: today,
                        firstDataDate: firstDataDate,
                        through: today,
                        settingsFingerprint: fingerprint,
                        clientCount: 0
                    )
                    return Start(header: header, members: [], firstRecords: records)
                }
            }
            try await writer.write(FactsChunk(header: start.header))
            var buffer: [StoredRecord] = []
            func flush(force: Bool) async throws {
                var start = 0
                while buffer.count - start >= Self.recordsPerChunk || (force && start < buffer.count) {
                    let end = min(start + Self.recordsPerChunk, buffer.count)
                    try await writer.write(FactsChunk(records: Array(buffer[start..<end])))
                    start = end
                }
                buffer.removeFirst(start)
            }
            buffer.append(contentsOf: start.firstRecords)
            try await flush(force: false)
            let through = start.header.through
            let members = start.members
            /// The records of the clients of slice `number` (`clientsPerRead` clients each).
            @Sendable func slice(_ number: Int) async throws -> [StoredRecord] {
                let lower = number * Self.clientsPerRead
                guard lower < members.count else { return [] }
                let clients = members[lower..<min(lower + Self.clientsPerRead, members.count)]
                return try await database.read { connection in
                    let reader = FactRecords(connection: connection)
                    return try clients.flatMap { keyed ? try reader.keyedRecords(ofClient: $0) : try reader.records(ofClient: $0, through: through) }
                }
            }
            // Read the next slice (on a reader connection) while the current one is encoded and
            // sent: the two used to take turns, and the facts stream is what a batch waits for.
            let slices = (members.count + Self.clientsPerRead - 1) / Self.clientsPerRead
            var current = slices > 0 ? try await slice(0) : []
            for number in 0..<slices {
                try Task.checkCancellation()
                async let following = number + 1 < slices ? slice(number + 1) : []
                buffer.append(contentsOf: current)
                try await flush(force: false)
                current = try await following
            }
            try await flush(force: true)
        }
    }

    /// Most records a stream sends as changes: past it, the clients with the most changes are
    /// sent whole (``RollupStore/FactRecords/changes(known:members:limit:)``).
    static let maximumChangedRecords = 50_000

    // MARK: - Commit

    private func commit(_ chunks: RPCRequestStream<CommitChunk>, context: ServerContext) async throws -> CommitReply {
        var header: CommitHeader?
        var rollups: [String: PartitionRollup] = [:]
        var rows = 0
        for try await chunk in chunks {
            if header == nil {
                guard let first = chunk.header else {
                    throw RPCError(code: .invalidArgument, message: "the first commit chunk must carry the header")
                }
                header = first
            }
            for rollup in chunk.rollups {
                rows += rollup.rowCount
                guard rows <= Self.maximumCommitRows else {
                    throw RPCError(code: .resourceExhausted, message: "a commit may carry at most \(Self.maximumCommitRows) rows")
                }
                if var existing = rollups[rollup.key] {
                    existing.days += rollup.days
                    existing.months += rollup.months
                    existing.periods += rollup.periods
                    existing.prospects += rollup.prospects
                    if let clients = rollup.clients { existing.clients = (existing.clients ?? []) + clients }
                    if let documents = rollup.prospectDocuments {
                        existing.prospectDocuments = (existing.prospectDocuments ?? []) + documents
                    }
                    rollups[rollup.key] = existing
                } else {
                    rollups[rollup.key] = rollup
                }
            }
        }
        guard let header else { throw RPCError(code: .invalidArgument, message: "an empty commit stream") }
        let firm = try FirmID(header.firmID)
        let holder = try Self.holder(header.workerID)
        guard !header.partitions.isEmpty else { throw RPCError(code: .invalidArgument, message: "a commit needs its partitions") }
        let tokens = header.partitions.map { PartitionToken(partition: $0.key, fencingToken: $0.fencingToken) }
        // Refuse an expired, released or taken-over lease before writing anything; the fence
        // inside the write transaction covers the instant between this check and the write.
        try await self.catalog.requireHolding(firm: firm, holder: holder, tokens)
        let now = Date()
        let merged = rollups
        let outcome = try await self.tenants.withTenant(firm) { database in
            try await database.write { connection in
                try RollupCommitter.apply(
                    partitions: header.partitions,
                    rollups: merged,
                    fingerprint: header.settingsFingerprint,
                    computedFor: header.today,
                    now: now,
                    connection: connection
                )
            }
        }
        let published = Date()
        _ = try? await self.catalog.releaseLeases(firm: firm, holder: holder, tokens)
        for partition in outcome.published where partition.isIngestion {
            let family: RollupFamily =
                if case .prospects = partition.partition { .prospects } else { .clientGroup }
            self.lag.record(firm: firm, family: family, changedAt: partition.changedAt, publishedAt: published)
        }
        if !outcome.stillDirty.isEmpty { self.pending.mark(firm) }
        context.logger.debug(
            "committed",
            metadata: [
                "firm": firm.rawValue, "worker": holder, "published": "\(outcome.published.count)",
                "still_dirty": "\(outcome.stillDirty.count)", "rows": "\(outcome.rows)",
            ]
        )
        return CommitReply(published: outcome.published.map(\.partition.key), stillDirty: outcome.stillDirty, rows: outcome.rows)
    }

    // MARK: - Helpers

    /// What a batch covers.
    enum Batch {
        /// Months of client groups: the last month of each group.
        case groups([Int64: CalendarDate])
        case prospects(fiscalYear: Int)
    }

    /// Checks that `keys` form one batch: months of client groups, or one prospects year.
    static func batch(_ keys: [String]) throws -> Batch {
        let partitions = try keys.map { key -> RollupPartition in
            guard let partition = RollupPartition(key: key) else {
                throw RPCError(code: .invalidArgument, message: "'\(key)' is not a partition key")
            }
            return partition
        }
        guard let first = partitions.first else { throw RPCError(code: .invalidArgument, message: "a batch needs partitions") }
        if case .prospects(let year) = first {
            guard partitions.count == 1 else {
                throw RPCError(code: .invalidArgument, message: "a prospects batch holds one fiscal year")
            }
            return .prospects(fiscalYear: year)
        }
        var lastMonths: [Int64: CalendarDate] = [:]
        for partition in partitions {
            guard case .clientGroup(let group, _, let month) = partition else {
                throw RPCError(code: .invalidArgument, message: "a batch holds client-group months or one prospects year, not both")
            }
            lastMonths[group] = max(lastMonths[group] ?? .min, month.firstDay)
        }
        return .groups(lastMonths)
    }

    static func holder(_ workerID: String) throws -> String {
        guard !workerID.isEmpty, workerID.utf8.count <= 128 else {
            throw RPCError(code: .invalidArgument, message: "worker_id must have 1 to 128 bytes")
        }
        return workerID
    }

    static func leaseSeconds(_ value: Int?) -> Int {
        min(max(value ?? 30, 1), 600)
    }

    static func tokens(_ references: [PartitionLeaseReference]) -> [PartitionToken] {
        references.map { PartitionToken(partition: $0.key, fencingToken: $0.fencingToken) }
    }
}
