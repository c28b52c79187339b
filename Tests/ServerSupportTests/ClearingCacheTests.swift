import ServerSupport
import Testing

@Suite("ClearingCache: bounded in entries and in weight, emptied when full")
struct ClearingCacheTests {
    @Test("the entry past the capacity empties the cache first")
    func capacity() {
        var cache = ClearingCache<String, Int>(capacity: 3)
        for (index, key) in ["a", "b", "c"].enumerated() { cache.insert(index, for: key) }
        #expect(cache.count == 3 && cache["a"] == 0 && cache["c"] == 2)
        cache.insert(3, for: "d")
        #expect(cache.count == 1 && cache["d"] == 3 && cache["a"] == nil)
        // Replacing a held key does not count as a new entry.
        cache.insert(4, for: "d")
        #expect(cache.count == 1 && cache["d"] == 4)
    }

    @Test("weights: the entry that would pass the capacity in weight empties the cache; one heavier than it all is not kept")
    func weight() {
        var cache = ClearingCache<Int, String>(capacity: 100, capacityInWeight: 10)
        cache.insert("four", for: 1, weight: 4)
        cache.insert("five", for: 2, weight: 5)
        #expect(cache.weight == 9 && cache.count == 2)
        cache.insert("two", for: 3, weight: 2)
        #expect(cache.weight == 2 && cache.count == 1 && cache[3] == "two" && cache[1] == nil)
        cache.insert("three", for: 3, weight: 3)
        #expect(cache.weight == 3 && cache[3] == "three", "a replaced entry's weight is given back")
        cache.insert("huge", for: 4, weight: 11)
        #expect(cache[4] == nil && cache[3] == "three" && cache.weight == 3)
    }
}
