internal import ServerSupport

/// The opaque cursor of a level-3 page: `v1.<watermark>.<scope digest>.<offset>` in hex.
///
/// The offset is stable because the order is total (the row key breaks ties) and the cursor
/// only works at the watermark and for the query it was made for.
public struct TableCursor: Hashable, Sendable {
    /// The rollup state the first page was read at.
    public var watermark: Int64
    /// FNV-1a digest of the query the cursor belongs to.
    public var scopeDigest: UInt64
    /// Rows already returned.
    public var offset: Int

    /// Creates a cursor.
    public init(watermark: Int64, scopeDigest: UInt64, offset: Int) {
        self.watermark = watermark
        self.scopeDigest = scopeDigest
        self.offset = offset
    }

    /// Parses a cursor; a malformed one is `INVALID_ARGUMENT`.
    public init(_ text: String) throws(DashboardError) {
        let fields = text.split(separator: ".", omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0] == "v1",
            let watermark = Int64(fields[1], radix: 16),
            let digest = UInt64(fields[2], radix: 16),
            let offset = Int(fields[3], radix: 16), offset >= 0
        else {
            throw DashboardError(.invalidArgument, "malformed cursor '\(text.prefix(64))'")
        }
        self.init(watermark: watermark, scopeDigest: digest, offset: offset)
    }

    /// The cursor's text.
    public var text: String {
        "v1.\(String(self.watermark, radix: 16)).\(String(self.scopeDigest, radix: 16)).\(String(self.offset, radix: 16))"
    }

    /// A digest that is the same in every process (unlike `Hasher`, which is seeded per run).
    public static func digest(_ text: String) -> UInt64 {
        FNV1a.hash64(text)
    }
}
