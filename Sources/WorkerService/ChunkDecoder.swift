internal import Dispatch
internal import PilotageProtocol
internal import Rollups
internal import ServerSupport

/// Decodes the chunks of a client-group batch's facts stream on the compute queue while the
/// stream is still arriving, so that decoding overlaps the gateway's reading and sending (the
/// two used to run one after the other). Chunks decode in parallel; ``finish()`` appends their
/// record sets in stream order, which gives exactly what decoding the records in order gives.
final class ChunkDecoder: Sendable {
    private let queue: DispatchQueue
    private let group = DispatchGroup()
    private let results = LockedValueBox<[Result<ClientRecordSets, RollupError>?]>([])

    /// A decoder that runs its work on `queue` (a concurrent queue off the cooperative pool).
    init(queue: DispatchQueue) {
        self.queue = queue
    }

    /// Starts decoding the next chunk's records.
    func submit(_ records: [StoredRecord]) {
        guard !records.isEmpty else { return }
        let index = self.results.withLock { results in
            results.append(nil)
            return results.count - 1
        }
        self.group.enter()
        self.queue.async {
            let result = Result { () throws(RollupError) in try BatchComputation.decodeClientRecords(records[...]) }
            self.results.withLock { $0[index] = result }
            self.group.leave()
        }
    }

    /// Waits for every submitted chunk and returns their records, in stream order.
    ///
    /// - Throws: the first chunk's ``Rollups/RollupError``, in stream order.
    func finish() async throws -> ClientRecordSets {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.group.notify(queue: self.queue) { continuation.resume() }
        }
        let results = self.results.withLock { $0 }
        var sets = ClientRecordSets()
        for result in results {
            guard let result else { continue }
            sets.append(contentsOf: try result.get())
        }
        return sets
    }
}
