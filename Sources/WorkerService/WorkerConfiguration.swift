/// Everything a worker needs to start, built by `pilotage-worker` from flags.
public struct WorkerConfiguration: Sendable {
    /// Gateway host.
    public var host: String
    /// Gateway port.
    public var port: Int
    /// The worker credential's token.
    public var token: String
    /// Lease holder id; each loop appends `-<n>` when `concurrency > 1`.
    public var workerID: String
    /// Batches computed in parallel: with two, the next batch is fetched and computed while the
    /// previous one commits.
    public var concurrency: Int
    /// Lease duration asked for, seconds; the worker renews every third of it.
    public var leaseSeconds: Int
    /// Most partitions per batch.
    public var maxPartitions: Int
    /// Rows per commit message.
    public var rowsPerCommitChunk: Int
    /// Longest pause between two lease requests when nothing is pending.
    public var idlePoll: Duration
    /// Most records kept decoded between batches, with their facts and their clients' shares
    /// (0: none; every batch then streams, decodes and computes its clients' whole history).
    /// See ``Worker``.
    public var recordCacheCapacity: Int

    /// Defaults: two loops, 30 s leases, 128 partitions per batch, idle polling up to 100 ms, a
    /// record cache of 5,000,000 records (about 1 GB).
    public init(host: String = "127.0.0.1", port: Int = 7400, token: String, workerID: String) {
        self.host = host
        self.port = port
        self.token = token
        self.workerID = workerID
        self.concurrency = 2
        self.leaseSeconds = 30
        self.maxPartitions = 128
        self.rowsPerCommitChunk = 1_000
        self.idlePoll = .milliseconds(100)
        self.recordCacheCapacity = 5_000_000
    }
}
