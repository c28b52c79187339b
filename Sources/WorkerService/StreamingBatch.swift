package import Dispatch
package import PilotageProtocol
internal import Rollups
internal import ServerSupport

/// Computes a client-group batch while its facts stream arrives: each chunk is decoded on the
/// compute queue as soon as it is received (chunks in parallel), the decoded chunks are
/// assembled in stream order, and each group is mapped and computed as soon as all of its
/// clients' records have arrived, so that decoding and computing overlap the gateway's reading
/// and sending instead of following them.
///
/// ```swift
/// let batch = StreamingBatch(work: work, queue: computeQueue)
/// batch.start(header)                       // first message
/// for chunk in rest { batch.submit(chunk.records) }
/// let rows = try await batch.finish()
/// ```
///
/// A client is complete once the stream has moved on to another client (the facts stream sends
/// all the records of a client in a row, `FactsChunk`). If a client shows up again after that,
/// the early rows are discarded and ``finish()`` computes every group from the complete
/// records: the rows never depend on the order the gateway sends. They equal
/// ``BatchComputation/rollups(work:header:records:)``'s, in the same order.
package final class StreamingBatch: Sendable {
    private let queue: DispatchQueue
    private let work: WorkAssignment
    private let pending = DispatchGroup()
    private let state = LockedValueBox(State())

    private struct State {
        var plan: BatchComputation.GroupPlan?
        var planError: RollupError?
        /// The groups of each client.
        var groupsOfClient: [String: [Int]] = [:]
        /// Decoded chunks not assembled yet, with their clients in stream order, by chunk number.
        var decoded: [Int: (Result<ClientRecordSets, RollupError>, [String])] = [:]
        var submitted = 0
        var assembled = 0
        var failure: RollupError?
        /// Every record assembled so far, per client.
        var sets = ClientRecordSets()
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

    /// A batch whose work runs on `queue` (a concurrent queue off the cooperative pool).
    package init(work: WorkAssignment, queue: DispatchQueue) {
        self.work = work
        self.queue = queue
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
            let result = Result { () throws(RollupError) in try BatchComputation.decodeClientRecords(records[...]) }
            var clients: [String] = []
            for record in records where record.client != clients.last {
                if let client = record.client { clients.append(client) }
            }
            self.assemble(index, result, clients: clients)
            self.pending.leave()
        }
    }

    /// Waits for the stream's work, computes the groups not computed yet and returns every
    /// partition's rows, groups by id.
    ///
    /// - Throws: ``Rollups/RollupError`` of the first chunk that failed, or of the plan.
    package func finish() async throws -> [PartitionRollup] {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.pending.notify(queue: self.queue) { continuation.resume() }
        }
        let (plan, jobs): (BatchComputation.GroupPlan, [Int]) = try self.state.withLock { state in
            if let error = state.planError ?? state.failure { throw error }
            guard let plan = state.plan else { throw RollupError(code: .invalidFacts, message: "the facts stream had no header") }
            if state.outOfOrder {
                state.rows = Array(repeating: nil, count: plan.jobs.count)
            }
            return (plan, state.rows.indices.filter { state.rows[$0] == nil })
        }
        let sets = self.state.withLock { $0.sets }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.queue.async {
                DispatchQueue.concurrentPerform(iterations: jobs.count) { position in
                    let index = jobs[position]
                    let rows = plan.rollups(plan.jobs[index]) { sets[$0] }
                    self.state.withLock { $0.rows[index] = rows }
                }
                continuation.resume()
            }
        }
        return self.state.withLock { state in state.rows.flatMap { $0 ?? [] } }
    }

    // MARK: - Assembly

    /// Files chunk `index`, appends every chunk now in stream order and starts the groups whose
    /// clients are all complete.
    private func assemble(_ index: Int, _ result: Result<ClientRecordSets, RollupError>, clients: [String]) {
        let ready: [(job: Int, sets: [String: ClientRecordSet])] = self.state.withLock { state in
            state.decoded[index] = (result, clients)
            while let (next, order) = state.decoded.removeValue(forKey: state.assembled) {
                state.assembled += 1
                switch next {
                case .failure(let error):
                    if state.failure == nil { state.failure = error }
                case .success(let sets):
                    state.sets.append(contentsOf: sets)
                }
                for client in order where client != state.current {
                    if state.complete.contains(client) { state.outOfOrder = true }
                    if let previous = state.current { Self.markComplete(previous, in: &state) }
                    state.current = client
                }
            }
            guard state.failure == nil, !state.outOfOrder else { return [] }
            guard let plan = state.plan else { return [] }
            var ready: [(job: Int, sets: [String: ClientRecordSet])] = []
            for job in state.missing.indices where state.missing[job].isEmpty && !state.started[job] {
                state.started[job] = true
                // The group's record sets (copy-on-write arrays: cheap), taken once complete.
                var sets: [String: ClientRecordSet] = [:]
                for client in plan.jobs[job].clients { sets[client] = state.sets[client] }
                ready.append((job, sets))
            }
            return ready
        }
        guard !ready.isEmpty, let plan = self.state.withLock({ $0.plan }) else { return }
        for (job, sets) in ready {
            self.pending.enter()
            self.queue.async {
                let rows = plan.rollups(plan.jobs[job]) { sets[$0] }
                self.state.withLock { state in
                    // Void when the stream turned out of order meanwhile: finish() recomputes it.
                    if !state.outOfOrder { state.rows[job] = rows }
                }
                self.pending.leave()
            }
        }
    }

    private static func markComplete(_ client: String, in state: inout State) {
        guard state.complete.insert(client).inserted else { return }
        for job in state.groupsOfClient[client] ?? [] {
            state.missing[job].remove(client)
        }
    }
}
