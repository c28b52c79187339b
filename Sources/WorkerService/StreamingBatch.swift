package import Dispatch
package import PilotageProtocol
package import Rollups
internal import ServerSupport
internal import Wire

/// Computes a client-group batch while its keyed facts stream arrives
/// (``PilotageProtocol/FetchFactsRequest/keyed``): each chunk is decoded on the compute queue as
/// soon as it is received (chunks in parallel), the decoded chunks are assembled in stream
/// order, and each group is computed as soon as all of its clients' records have arrived, so
/// that decoding and computing overlap the gateway's reading and sending instead of following
/// them.
///
/// ```swift
/// let batch = StreamingBatch(work: work, queue: computeQueue, cached: held)
/// batch.start(header)                       // first message
/// for chunk in rest { batch.submit(chunk.records) }
/// let (rows, clients) = try await batch.finish()
/// ```
///
/// A client sent whole is complete once the stream has moved on to another client (the facts
/// stream sends all the records of a client in a row, `FactsChunk`). The clients sent as their
/// changes (``PilotageProtocol/FactsHeader/changedOnly``) come first and apply to the records
/// the worker held (`cached`); they are complete once the first client sent whole shows up. If a
/// client shows up again after the stream moved past it, the early rows are discarded and
/// ``finish()`` computes every group from the complete records: the rows never depend on the
/// order the gateway sends. They equal ``BatchComputation/rollups(work:header:records:)``'s over
/// the same records, in the same order.
package final class StreamingBatch: Sendable {
    private let queue: DispatchQueue
    private let work: WorkAssignment
    private let pending = DispatchGroup()
    private let state = LockedValueBox(State())

    private let cached: [String: KeyedClientRecords]
    private typealias DecodedChunk = [(client: String, changes: [KeyedClientRecords.Change])]

    private struct State {
        var plan: BatchComputation.GroupPlan?
        var planError: RollupError?
        /// The clients sent as their changes, and whether the stream may still be on them.
        var changedOnly: Set<String> = []
        var onChangedClients = true
        /// The groups of each client.
        var groupsOfClient: [String: [Int]] = [:]
        /// Decoded chunks not assembled yet, by chunk number.
        var decoded: [Int: Result<DecodedChunk, RollupError>] = [:]
        var submitted = 0
        var assembled = 0
        var failure: RollupError?
        /// Every change assembled so far, per client.
        var received: [String: [KeyedClientRecords.Change]] = [:]
        /// Each computed client's records now, for the worker's cache.
        var records: [String: KeyedClientRecords] = [:]
        /// Clients whose kept share was used, and clients computed into a new one.
        var sharesReused = 0
        var sharesComputed = 0
        /// Clients the stream has moved past, and the one it is on.
        var complete: Set<String> = []
        var current: String?
        /// A client came back after the stream had moved past it: early rows are void.
        var outOfOrder = false
        /// Per job of the plan: clients not complete yet, whether it started, its rows.
        var missing: [Set<String>] = []
        var started: [Bool] = []
        var rows: [[PartitionRollup]?] = []
    }

    /// A batch whose work runs on `queue` (a concurrent queue off the cooperative pool), over
    /// the records the worker held of its clients when it asked for the facts (`cached`).
    package init(work: WorkAssignment, queue: DispatchQueue, cached: [String: KeyedClientRecords] = [:]) {
        self.work = work
        self.queue = queue
        self.cached = cached
    }

    /// Sets the header (the stream's first message): the groups and their members.
    package func start(_ header: FactsHeader) {
        let plan = Result { () throws(RollupError) in try BatchComputation.GroupPlan(work: self.work, header: header) }
        self.state.withLock { state in
            switch plan {
            case .failure(let error):
                state.planError = error
            case .success(let plan):
                state.plan = plan
                state.changedOnly = Set(header.changedOnly ?? [])
                for (index, job) in plan.jobs.enumerated() {
                    for client in job.clients { state.groupsOfClient[client, default: []].append(index) }
                }
                state.missing = plan.jobs.map { Set($0.clients) }
                state.started = Array(repeating: false, count: plan.jobs.count)
                state.rows = Array(repeating: nil, count: plan.jobs.count)
            }
        }
    }

    /// Starts decoding the next chunk's records (after ``start(_:)``).
    package func submit(_ records: [StoredRecord]) {
        guard !records.isEmpty else { return }
        let index = self.state.withLock { state in
            state.submitted += 1
            return state.submitted - 1
        }
        self.pending.enter()
        self.queue.async {
            self.assemble(index, Result { () throws(RollupError) in try BatchComputation.decodeKeyedRecords(records[...]) })
            self.pending.leave()
        }
    }

    /// Waits for the stream's work, computes the groups not computed yet and returns every
    /// partition's rows, groups by id, and the records of every client of the batch as of the
    /// stream (for the worker's cache).
    ///
    /// - Throws: ``Rollups/RollupError`` of the first chunk or group that failed, or of the plan.
    package func finish() async throws -> (rows: [PartitionRollup], records: [String: KeyedClientRecords]) {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.pending.notify(queue: self.queue) { continuation.resume() }
        }
        let (plan, jobs, inputs): (BatchComputation.GroupPlan, [Int], [[String: [KeyedClientRecords.Change]]]) = try self.state.withLock { state in
            if let error = state.planError ?? state.failure { throw error }
            guard let plan = state.plan else { throw RollupError(code: .invalidFacts, message: "the facts stream had no header") }
            if state.outOfOrder {
                // Every early row is void; the stream is over, so the groups computed now see
                // complete records.
                state.rows = Array(repeating: nil, count: plan.jobs.count)
                state.outOfOrder = false
            }
            let jobs = state.rows.indices.filter { state.rows[$0] == nil }
            return (plan, jobs, jobs.map { Self.received(of: plan.jobs[$0], in: state) })
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.queue.async {
                DispatchQueue.concurrentPerform(iterations: jobs.count) { position in
                    self.compute(job: jobs[position], of: plan, received: inputs[position])
                }
                continuation.resume()
            }
        }
        return try self.state.withLock { state in
            if let error = state.failure { throw error }
            return (state.rows.flatMap { $0 ?? [] }, state.records)
        }
    }

    /// Clients of the groups computed so far whose share kept from an earlier batch was used,
    /// and clients computed into a new share (groups recomputed from a day only).
    package var shareCounts: (reused: Int, computed: Int) {
        self.state.withLock { ($0.sharesReused, $0.sharesComputed) }
    }

    /// The changes received for each client of `job`.
    private static func received(of job: BatchComputation.GroupPlan.Job, in state: State) -> [String: [KeyedClientRecords.Change]] {
        var received: [String: [KeyedClientRecords.Change]] = [:]
        for client in job.clients { received[client] = state.received[client] ?? [] }
        return received
    }

    /// Brings `job`'s clients up to date — the records held plus the changes of a client sent
    /// as changes, the records received of a client sent whole — and computes its rows.
    private func compute(job index: Int, of plan: BatchComputation.GroupPlan, received: [String: [KeyedClientRecords.Change]]) {
        let changedOnly = self.state.withLock { $0.changedOnly }
        var current: [String: KeyedClientRecords] = [:]
        for (client, changes) in received {
            if changedOnly.contains(client) {
                guard var records = self.cached[client] else {
                    let error = RollupError(code: .invalidFacts, message: "the facts stream sent client \(client) as changes to records this worker does not hold")
                    self.state.withLock { state in state.failure = state.failure ?? error }
                    return
                }
                records.apply(changes, mapper: plan.mapper)
                current[client] = records
            } else {
                current[client] = KeyedClientRecords(changes: changes)
            }
        }
        let (rows, reused, computed) = plan.rollups(plan.jobs[index], keyed: &current)
        self.state.withLock { state in
            // Void when the stream turned out of order meanwhile: finish() recomputes it.
            guard !state.outOfOrder else { return }
            state.rows[index] = rows
            state.sharesReused += reused
            state.sharesComputed += computed
            state.records.merge(current) { _, new in new }
        }
    }

    // MARK: - Assembly

    /// Files chunk `index`, appends every chunk now in stream order and starts the groups whose
    /// clients are all complete.
    private func assemble(_ index: Int, _ result: Result<DecodedChunk, RollupError>) {
        let ready: [(job: Int, received: [String: [KeyedClientRecords.Change]])] = self.state.withLock { state in
            state.decoded[index] = result
            while let next = state.decoded.removeValue(forKey: state.assembled) {
                state.assembled += 1
                switch next {
                case .failure(let error):
                    if state.failure == nil { state.failure = error }
                case .success(let chunk):
                    for (client, changes) in chunk {
                        state.received[client, default: []].append(contentsOf: changes)
                        Self.streamReached(client, in: &state)
                    }
                }
            }
            guard state.failure == nil, !state.outOfOrder else { return [] }
            guard let plan = state.plan else { return [] }
            var ready: [(job: Int, received: [String: [KeyedClientRecords.Change]])] = []
            for job in state.missing.indices where state.missing[job].isEmpty && !state.started[job] {
                state.started[job] = true
                ready.append((job, Self.received(of: plan.jobs[job], in: state)))
            }
            return ready
        }
        guard !ready.isEmpty, let plan = self.state.withLock({ $0.plan }) else { return }
        for (job, received) in ready {
            self.pending.enter()
            self.queue.async {
                self.compute(job: job, of: plan, received: received)
                self.pending.leave()
            }
        }
    }

    /// The stream is on `client`: the client before it is complete, and so are the clients
    /// sent as changes once a client sent whole shows up.
    private static func streamReached(_ client: String, in state: inout State) {
        guard client != state.current else { return }
        if state.complete.contains(client) { state.outOfOrder = true }
        if let previous = state.current { Self.markComplete(previous, in: &state) }
        state.current = client
        if state.onChangedClients, !state.changedOnly.contains(client) {
            state.onChangedClients = false
            for changed in state.changedOnly { Self.markComplete(changed, in: &state) }
        }
    }

    private static func markComplete(_ client: String, in state: inout State) {
        guard state.complete.insert(client).inserted else { return }
        for job in state.groupsOfClient[client] ?? [] {
            state.missing[job].remove(client)
        }
    }
}
