/// A dictionary of derived values that empties itself when a new entry would pass its capacity
/// in entries or in weight (what an entry costs in memory, in the caller's unit): for caches
/// whose misses are cheap to rebuild and whose working set is small, a bound without the
/// bookkeeping of least-recently-used order.
public struct ClearingCache<Key: Hashable, Value> {
    /// Entries kept at most.
    public let capacity: Int
    /// Sum of the entries' weights kept at most.
    public let capacityInWeight: Int
    private var values: [Key: (value: Value, weight: Int)] = [:]
    /// Sum of the weights of the entries held.
    public private(set) var weight = 0

    /// An empty cache.
    public init(capacity: Int, capacityInWeight: Int = .max) {
        self.capacity = max(capacity, 1)
        self.capacityInWeight = max(capacityInWeight, 1)
    }

    /// Entries held.
    public var count: Int { self.values.count }

    /// The value of `key`, if held.
    public subscript(key: Key) -> Value? { self.values[key]?.value }

    /// Holds `value` for `key` (replacing any value it had), after emptying the cache when the
    /// entry would pass either capacity. An entry heavier than the whole capacity is not kept.
    public mutating func insert(_ value: Value, for key: Key, weight: Int = 1) {
        let weight = max(weight, 0)
        if let old = self.values.removeValue(forKey: key) { self.weight -= old.weight }
        guard weight <= self.capacityInWeight else { return }
        if self.values.count + 1 > self.capacity || self.weight + weight > self.capacityInWeight {
            self.values.removeAll(keepingCapacity: true)
            self.weight = 0
        }
        self.values[key] = (value, weight)
        self.weight += weight
    }
}

extension ClearingCache: Sendable where Key: Sendable, Value: Sendable {}
