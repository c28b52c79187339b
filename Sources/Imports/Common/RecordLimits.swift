/// Limits the readers check on every row (data-contract "Limits"; the service may configure them).
public struct RecordLimits: Sendable, Hashable {
    /// Longest external id or reference, in UTF-8 bytes.
    public var maximumIDBytes = 128
    /// Longest other string, in UTF-8 bytes.
    public var maximumStringBytes = 1_024
    /// Earliest year of a business date or instant.
    public var earliestYear = 1900
    /// Latest year of a business date or instant.
    public var latestYear = 2200
    /// Longest line (JSON lines) or row (CSV), in bytes.
    public var maximumLineBytes = 1 << 20

    /// The contract's defaults.
    public init() {}
}
