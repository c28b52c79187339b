public import RPCCore

/// `pilotage.worker.Worker`: how aggregation workers (`pilotage-worker`, any host) lease dirty
/// rollup partitions, stream the facts they need, and publish the parts they computed. Worker
/// credentials only.
///
/// A worker's cycle: ``lease`` → ``fetchFacts`` (while ``renew`` keeps the lease alive) →
/// ``commit`` (or ``release`` when it gives up). Every call after ``lease`` carries the
/// partitions' fencing tokens; a call whose lease expired, was released or was taken over fails
/// with `FAILED_PRECONDITION` and changes nothing.
public enum WorkerMethods {
    /// Service name.
    public static let name = "pilotage.worker.Worker"

    /// Leases a batch of dirty partitions of one firm (one client group's months, or one
    /// prospects fiscal year), oldest first across firms; `work` is absent when nothing is pending.
    public static let lease = MethodDescriptor<LeaseRequest, LeaseReply>(service: name, method: "Lease", kind: .unary)
    /// Extends the leases of a batch; `FAILED_PRECONDITION` when any is no longer held.
    public static let renew = MethodDescriptor<RenewRequest, RenewReply>(service: name, method: "Renew", kind: .unary)
    /// Streams what the batch needs: a header (settings, dates, profile), then the records of the
    /// group's clients (or the firm's deals, offers, collaborators and units), in chunks.
    public static let fetchFacts = MethodDescriptor<FetchFactsRequest, FactsChunk>(service: name, method: "FetchFacts", kind: .serverStreaming)
    /// Publishes the computed rollups of a batch in one transaction (all partitions or none), in
    /// chunks: the first carries the header. Clears each partition's dirty mark only if no
    /// ingestion dirtied it again since the lease.
    public static let commit = MethodDescriptor<CommitChunk, CommitReply>(service: name, method: "Commit", kind: .clientStreaming)
    /// Gives the leases of a batch back (work abandoned); the partitions stay dirty.
    public static let release = MethodDescriptor<ReleaseRequest, ReleaseReply>(service: name, method: "Release", kind: .unary)
}
