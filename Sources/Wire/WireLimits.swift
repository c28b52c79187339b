/// Bounds that every decode (and the JSON bridge) enforces before allocating anything.
///
/// Every length and count read from the wire is checked against these limits **and** against the
/// number of bytes that remain, so hostile input can neither trap the process nor make it reserve
/// memory the input does not justify. See `WIRE.md` §7.
public struct WireLimits: Hashable, Sendable {
    /// Maximum nesting of arrays, maps and structs (the top-level value is depth 1).
    public var maxDepth: Int
    /// Maximum element count of one array, entry count of one map or field count of one struct.
    public var maxCollectionCount: Int
    /// Maximum byte length of one string, byte string or field key.
    public var maxStringLength: Int
    /// Maximum size in bytes of one encoded message.
    public var maxMessageSize: Int

    /// Creates limits.
    public init(maxDepth: Int, maxCollectionCount: Int, maxStringLength: Int, maxMessageSize: Int) {
        self.maxDepth = maxDepth
        self.maxCollectionCount = maxCollectionCount
        self.maxStringLength = maxStringLength
        self.maxMessageSize = maxMessageSize
    }

    /// Depth 64, one million elements, 16 MiB strings, 16 MiB messages.
    public static let `default` = WireLimits(
        maxDepth: 64,
        maxCollectionCount: 1_000_000,
        maxStringLength: 16 << 20,
        maxMessageSize: 16 << 20
    )
}
