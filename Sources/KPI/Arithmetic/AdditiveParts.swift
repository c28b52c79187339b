/// Additive parts: the values a rollup stores, merged by `+` (associative and commutative, with
/// `zero`), from which formulas derive ratios at query time (kpi-definitions §1.5).
///
/// Merging parts of disjoint client groups gives the parts of their union; merging the daily
/// flow parts of the days of a period gives the period's parts.
public protocol AdditiveParts: Hashable, Sendable, Codable {
    /// The neutral element.
    static var zero: Self { get }
    /// The merge.
    static func + (lhs: Self, rhs: Self) -> Self
    /// The merge in place (default: `lhs = lhs + rhs`; parts holding dictionaries merge without
    /// copying them).
    static func += (lhs: inout Self, rhs: Self)
}

extension AdditiveParts {
    /// Merges `other` into `self`.
    public static func += (lhs: inout Self, rhs: Self) {
        lhs = lhs + rhs
    }

    /// Merge of every element (`zero` for none).
    public static func sum(_ parts: some Sequence<Self>) -> Self {
        var total = Self.zero
        for part in parts {
            total += part
        }
        return total
    }
}

/// Element-wise sum of two vectors; the shorter one is extended with zeros, so the merge is
/// total (never traps) and `[]` is its neutral element.
package func mergeVectors(_ lhs: [WideInt], _ rhs: [WideInt]) -> [WideInt] {
    if lhs.isEmpty { return rhs }
    if rhs.isEmpty { return lhs }
    var result = lhs.count >= rhs.count ? lhs : rhs
    let other = lhs.count >= rhs.count ? rhs : lhs
    for index in other.indices {
        result[index] = result[index] + other[index]
    }
    return result
}

/// Key-wise sum of two sparse vectors; zero entries are dropped so equal sums compare equal.
package func mergeSparse<Key: Hashable>(_ lhs: [Key: WideInt], _ rhs: [Key: WideInt]) -> [Key: WideInt] {
    if rhs.isEmpty { return lhs }
    if lhs.isEmpty { return rhs }
    var result = lhs
    for (key, value) in rhs {
        let sum = (result[key] ?? .zero) + value
        result[key] = sum == .zero ? nil : sum
    }
    return result
}

/// Adds `rhs`'s counts to `lhs` in place, key-wise; zero entries are dropped so equal sums
/// compare equal (no copy of `lhs`: a period's merged histogram grows with every row added).
package func mergeCounts<Key: Hashable>(into lhs: inout [Key: Int64], _ rhs: [Key: Int64]) {
    for (key, value) in rhs {
        let sum = (lhs[key] ?? 0) &+ value
        lhs[key] = sum == 0 ? nil : sum
    }
}
