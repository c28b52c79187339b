internal import Dispatch
internal import Foundation
internal import PilotageProtocol
public import RPCCore
internal import RPCTransportTCP
public import ServerSupport
internal import Synchronization

/// The aggregation worker: leases dirty rollup partitions from a gateway, streams their facts,
/// computes their parts and commits them back, over the same protocol as any client. It has no
/// database of its own, so any number of workers on any hosts share a gateway's work.
///
/// ```swift
/// let worker = Worker(configuration: configuration, logger: logger)
/// try await worker.run()        // until beginGracefulShutdown(): the current batches finish
/// ```
///
/// Each of the `concurrency` loops: lease a batch → fetch facts (a child task renews the lease
/// every third of its duration) → compute on the compute queue (never on the cooperative pool)
/// → commit. The worker keeps the decoded records of the clients it computed (``RecordCache``,
/// up to ``WorkerConfiguration/recordCacheCapacity`` records), with their facts and each
/// client's share of its group's rows: a later batch over them fetches and maps only what
/// changed since, and computes only the clients that changed. A batch whose lease is lost is
/// dropped (the gateway refuses its commit anyway); a batch that fails otherwise is released
/// so another worker can take it at once.
public final class Worker: Sendable {
    /// The configuration in effect.
    public let configuration: WorkerConfiguration
    private let client: RPCClient
    private let logger: Logger
    private let isShuttingDown = Atomic<Bool>(false)
    private let computeQueue = DispatchQueue(label: "pilotage.worker.compute", attributes: .concurrent)
    private let recordCache: RecordCache
    private let batchCount = Atomic<Int>(0)
    private let partitionCount = Atomic<Int>(0)
    private let recordCount = Atomic<Int>(0)
    private let failureCount = Atomic<Int>(0)

    /// Creates a worker; nothing connects until ``run()``.
    public init(configuration: WorkerConfiguration, logger: Logger, transport: (any RPCClientTransport)? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.recordCache = RecordCache(capacity: configuration.recordCacheCapacity)
        var rpc = RPCClient.Configuration()
        rpc.backoff = RPCClient.Backoff(initialDelay: .milliseconds(50), maximumDelay: .seconds(1), maximumAttempts: 4)
        self.client = RPCClient(
            transport: transport ?? TCPClientTransport(host: configuration.host, port: configuration.port),
            configuration: rpc,
            logger: logger
        )
    }

    /// Counters since start: batches committed, partitions published, records fetched, failures.
    public var counters: (batches: Int, partitions: Int, records: Int, failures: Int) {
        (
            self.batchCount.load(ordering: .relaxed), self.partitionCount.load(ordering: .relaxed),
            self.recordCount.load(ordering: .relaxed), self.failureCount.load(ordering: .relaxed)
        )
    }

    /// Stops leasing; batches in progress finish (or are released), then ``run()`` returns.
    public func beginGracefulShutdown() {
        self.isShuttingDown.store(true, ordering: .relaxed)
    }

    /// Runs the loops until ``beginGracefulShutdown()``.
    public func run() async {
        let count = max(self.configuration.concurrency, 1)
        await withDiscardingTaskGroup { group in
            for index in 1...count {
                let id = count == 1 ? self.configuration.workerID : "\(self.configuration.workerID)-\(index)"
                group.addTask { await self.loop(workerID: id) }
            }
        }
        self.client.close()
    }

    private var metadata: Metadata {
        var metadata = Metadata()
        metadata.add(MetadataKey.authorization, self.configuration.token)
        return metadata
    }

    private var stopping: Bool { self.isShuttingDown.load(ordering: .relaxed) }

    // MARK: - Loop

    private func loop(workerID: String) async {
        let idleFloor = Duration.milliseconds(10)
        var idle = idleFloor
        var failureDelay = Duration.milliseconds(200)
        while !self.stopping && !Task.isCancelled {
            do {
                let reply = try await self.client.unary(
                    WorkerMethods.lease,
                    LeaseRequest(workerID: workerID, maxPartitions: self.configuration.maxPartitions, leaseSeconds: self.configuration.leaseSeconds),
                    metadata: self.metadata,
                    deadline: .now + .seconds(60)
                )
                failureDelay = .milliseconds(200)
                guard let work = reply.work else {
                    try? await Task.sleep(for: idle)
                    idle = min(idle * 2, max(self.configuration.idlePoll, idleFloor))
                    continue
                }
                idle = idleFloor
                try await self.process(work, workerID: workerID)
            } catch {
                self.failureCount.add(1, ordering: .relaxed)
                self.logger.warning("worker loop error", metadata: ["worker": workerID, "error": "\(error)"])
                try? await Task.sleep(for: failureDelay)
                failureDelay = min(failureDelay * 2, .seconds(5))
            }
        }
        self.logger.info("worker loop stopped", metadata: ["worker": workerID])
    }

    /// Fetch, compute and commit one batch while a child task keeps its leases alive.
    private func process(_ work: WorkAssignment, workerID: String) async throws {
        let started = ContinuousClock.now
        let lost = LeaseFlag()
        var committed = false
        var timings = (fetched: started, computed: started, records: 0, changedClients: 0, sharesReused: 0, sharesComputed: 0)
        do {
            let reply = try await withThrowingTaskGroup(of: Void.self) { group -> CommitReply in
                group.addTask { await self.renewLoop(work, workerID: workerID, lost: lost) }
                defer { group.cancelAll() }
                let (header, facts, count) = try await self.fetch(work, workerID: workerID)
                timings.fetched = ContinuousClock.now
                let rollups: [PartitionRollup]
                switch facts {
                case .streamed(let batch):
                    let (rows, records) = try await batch.finish()
                    rollups = rows
                    (timings.sharesReused, timings.sharesComputed) = batch.shareCounts
                    if let asOf = header.recordsAsOf {
                        self.recordCache.store(firm: work.firmID, groups: header.groups, clients: records, asOf: asOf)
                    }
                case .records(let records):
                    rollups = try await self.offPool { try BatchComputation.rollups(work: work, header: header, records: records) }
                }
                timings.computed = ContinuousClock.now
                guard !lost.isLost else {
                    throw RPCError(code: .failedPrecondition, message: "the lease of \(work.partitions.count) partition(s) was lost while computing")
                }
                timings.records = count
                timings.changedClients = header.changedOnly?.count ?? 0
                let reply = try await self.commit(work, header: header, rollups: rollups, workerID: workerID)
                committed = true
                return reply
            }
            self.batchCount.add(1, ordering: .relaxed)
            self.partitionCount.add(reply.published.count + reply.stillDirty.count, ordering: .relaxed)
            self.logger.info(
                "batch committed",
                metadata: [
                    "worker": workerID, "firm": work.firmID, "partitions": "\(work.partitions.count)",
                    "published": "\(reply.published.count)", "still_dirty": "\(reply.stillDirty.count)", "rows": "\(reply.rows)",
                    "records": "\(timings.records)", "changed_clients": "\(timings.changedClients)",
                    "shares_reused": "\(timings.sharesReused)", "shares_computed": "\(timings.sharesComputed)", "fetch_ms": "\(Self.milliseconds(timings.fetched - started))",
                    "compute_ms": "\(Self.milliseconds(timings.computed - timings.fetched))",
                    "commit_ms": "\(Self.milliseconds(ContinuousClock.now - timings.computed))",
                    "elapsed_ms": "\(Self.milliseconds(ContinuousClock.now - started))",
                ]
            )
        } catch {
            if !committed && !lost.isLost {
                // Give the partitions back so another worker takes them without waiting for expiry.
                _ = try? await self.client.unary(
                    WorkerMethods.release,
                    ReleaseRequest(workerID: workerID, firmID: work.firmID, partitions: work.references),
                    metadata: self.metadata,
                    deadline: .now + .seconds(10)
                )
            }
            throw error
        }
    }

    /// Renews every third of the lease duration until cancelled; a refusal marks the lease lost.
    private func renewLoop(_ work: WorkAssignment, workerID: String, lost: LeaseFlag) async {
        let seconds = max(self.configuration.leaseSeconds, 1)
        let period = Duration.milliseconds(seconds * 1000 / 3)
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: period)
            } catch {
                return
            }
            do {
                _ = try await self.client.unary(
                    WorkerMethods.renew,
                    RenewRequest(workerID: workerID, firmID: work.firmID, partitions: work.references, leaseSeconds: seconds),
                    metadata: self.metadata,
                    deadline: .now + period
                )
            } catch let error as RPCError where error.code == .failedPrecondition {
                lost.markLost()
                self.logger.warning("lease lost", metadata: ["worker": workerID, "firm": work.firmID, "error": error.message])
                return
            } catch {
                // Transient (gateway unreachable): try again next period; the commit decides.
                if Task.isCancelled { return }
            }
        }
    }

    /// A batch's facts: a client-group batch decoded and computed while they streamed in, or
    /// the records of a prospects batch.
    private enum Facts: Sendable {
        case streamed(StreamingBatch)
        case records([StoredRecord])
    }

    /// Streams the batch's facts; a client-group batch's chunks are decoded, and its groups
    /// computed, on the compute queue as they arrive (``StreamingBatch``), overlapping the stream.
    /// A client-group batch asks for a keyed stream, and for the changes only of the clients
    /// its record cache holds.
    private func fetch(_ work: WorkAssignment, workerID: String) async throws -> (FactsHeader, Facts, Int) {
        let streams = work.family == .clientGroup
        let groups = Set(work.partitions.compactMap { $0.groupID ?? work.groupID }).sorted()
        let (known, held) = streams ? self.recordCache.known(firm: work.firmID, groups: groups) : ([], [:])
        let request = FetchFactsRequest(
            workerID: workerID,
            firmID: work.firmID,
            partitions: work.references,
            keyed: streams ? true : nil,
            known: known.isEmpty ? nil : known
        )
        let stream = try await self.client.serverStreaming(WorkerMethods.fetchFacts, request, metadata: self.metadata)
        let batch = StreamingBatch(work: work, queue: self.computeQueue, cached: held)
        var header: FactsHeader?
        var records: [StoredRecord] = []
        var count = 0
        for try await chunk in stream {
            if header == nil, let first = chunk.header {
                guard !streams || first.recordsAsOf != nil else {
                    // A gateway older than keyed streams ignores `keyed` and sends records without ids.
                    throw RPCError(
                        code: .failedPrecondition,
                        message: "the gateway does not send keyed facts streams (it is older than this worker): upgrade gateways before workers"
                    )
                }
                header = first
                batch.start(first)
            }
            guard header != nil else { throw RPCError(code: .internalError, message: "the facts stream did not start with its header") }
            count += chunk.records.count
            if streams {
                batch.submit(chunk.records)
            } else {
                records.append(contentsOf: chunk.records)
            }
        }
        guard let header else { throw RPCError(code: .internalError, message: "the facts stream had no header") }
        self.recordCount.add(count, ordering: .relaxed)
        return (header, streams ? .streamed(batch) : .records(records), count)
    }

    private func commit(_ work: WorkAssignment, header: FactsHeader, rollups: [PartitionRollup], workerID: String) async throws -> CommitReply {
        let chunks = Self.chunks(rollups, rowsPerChunk: max(self.configuration.rowsPerCommitChunk, 1))
        let commitHeader = CommitHeader(
            workerID: workerID,
            firmID: work.firmID,
            partitions: work.partitions,
            settingsFingerprint: header.settingsFingerprint,
            today: header.today
        )
        return try await self.client.clientStreaming(WorkerMethods.commit, metadata: self.metadata) { writer in
            for (index, chunk) in chunks.enumerated() {
                try await writer.write(CommitChunk(header: index == 0 ? commitHeader : nil, rollups: chunk))
            }
            if chunks.isEmpty { try await writer.write(CommitChunk(header: commitHeader)) }
        }
    }

    /// Splits rows into messages of at most `rowsPerChunk` rows (a partition may span several).
    static func chunks(_ rollups: [PartitionRollup], rowsPerChunk: Int) -> [[PartitionRollup]] {
        var chunks: [[PartitionRollup]] = []
        var current: [PartitionRollup] = []
        var rows = 0
        func flush() {
            if !current.isEmpty { chunks.append(current) }
            current = []
            rows = 0
        }
        for rollup in rollups {
            var piece = PartitionRollup(key: rollup.key)
            func emit() {
                current.append(piece)
                rows += piece.rowCount
                piece = PartitionRollup(key: rollup.key)
                if rows >= rowsPerChunk { flush() }
            }
            for day in rollup.days {
                piece.days.append(day)
                if rows + piece.rowCount >= rowsPerChunk { emit() }
            }
            for month in rollup.months {
                piece.months.append(month)
                if rows + piece.rowCount >= rowsPerChunk { emit() }
            }
            for period in rollup.periods {
                piece.periods.append(period)
                if rows + piece.rowCount >= rowsPerChunk { emit() }
            }
            for prospect in rollup.prospects {
                piece.prospects.append(prospect)
                if rows + piece.rowCount >= rowsPerChunk { emit() }
            }
            for client in rollup.clients ?? [] {
                if piece.clients == nil { piece.clients = [] }
                piece.clients?.append(client)
                if rows + piece.rowCount >= rowsPerChunk { emit() }
            }
            for document in rollup.prospectDocuments ?? [] {
                piece.prospectDocuments = piece.prospectDocuments ?? []
                piece.prospectDocuments?.append(document)
                if rows + piece.rowCount >= rowsPerChunk { emit() }
            }
            // A partition without rows needs no piece: the gateway empties it all the same.
            if piece.rowCount > 0 {
                current.append(piece)
                rows += piece.rowCount
                if rows >= rowsPerChunk { flush() }
            }
        }
        flush()
        return chunks
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// Runs CPU-bound work on the compute queue and resumes with its result.
    private func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            self.computeQueue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}

/// Set by the renewal task when the gateway refuses to renew a batch's leases.
final class LeaseFlag: Sendable {
    private let value = Atomic<Bool>(false)

    /// Whether the lease was lost.
    var isLost: Bool { self.value.load(ordering: .relaxed) }

    /// Records the loss.
    func markLost() { self.value.store(true, ordering: .relaxed) }
}
