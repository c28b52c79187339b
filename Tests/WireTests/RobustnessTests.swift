internal import Foundation
internal import Testing
internal import Wire

/// Hostile input never traps and never makes the decoder allocate what the input does not
/// justify: every failure is a `WireError`.
@Suite("Robustness against malformed input")
struct RobustnessTests {
    /// Decodes `bytes` as several types and both paths; returns how many attempts threw.
    /// Anything other than success or a `WireError` fails the test (a trap would kill it).
    @discardableResult
    static func attempt(_ bytes: [UInt8]) -> Int {
        var failures = 0
        func run(_ body: () throws(WireError) -> Void) {
            do {
                try body()
            } catch {
                failures += 1
                #expect(!error.message.isEmpty)
            }
        }
        run { () throws(WireError) in _ = try WireDecoder().decode(Kitchen.self, from: bytes) }
        run { () throws(WireError) in _ = try WireDecoder().decodeWithoutFastPath(Kitchen.self, from: bytes) }
        run { () throws(WireError) in _ = try WireDecoder().decode(Ledger.self, from: bytes) }
        run { () throws(WireError) in _ = try WireDecoder().decodeWithoutFastPath(Ledger.self, from: bytes) }
        run { () throws(WireError) in _ = try WireDecoder().decode(Tree.self, from: bytes) }
        run { () throws(WireError) in _ = try WireDecoder().decode(Envelope.self, from: bytes) }
        run { () throws(WireError) in _ = try WireDecoder().decode([String: [Int64?]].self, from: bytes) }
        run { () throws(WireError) in try WireDecoder().withReader(over: bytes) { (reader) throws(WireError) in try reader.skipValue() } }
        do {
            _ = try WireJSON.json(from: bytes, schema: WireSchema.of(Kitchen.self))
        } catch let error as WireError {
            failures += 1
            #expect(!error.message.isEmpty)
        } catch {
            Issue.record("non-wire error \(error)")
        }
        return failures
    }

    static func samples() throws -> [[UInt8]] {
        var random = SplitMix64(seed: 7)
        var samples: [[UInt8]] = []
        for _ in 0..<3 { samples.append(try WireEncoder().encode(random.kitchen())) }
        for _ in 0..<3 { samples.append(try WireEncoder().encode(random.ledger())) }
        samples.append(try WireEncoder().encode(random.tree()))
        samples.append(try WireEncoder().encode(Envelope(line: random.line(), tags: ["a", "b"])))
        return samples
    }

    @Test("valid samples decode (sanity for the tests below)")
    func samplesDecode() throws {
        let samples = try Self.samples()
        #expect(try WireDecoder().decode(Kitchen.self, from: samples[0]) == WireDecoder().decodeWithoutFastPath(Kitchen.self, from: samples[0]))
        #expect(Self.attempt(samples[0]) < 9)
    }

    @Test("every truncation of a valid encoding throws")
    func truncations() throws {
        for sample in try Self.samples() {
            for length in 0..<sample.count {
                let failures = Self.attempt(Array(sample[..<length]))
                #expect(failures == 9, "prefix \(length) of \(sample.count) decoded")
            }
        }
    }

    @Test("every single-byte mutation either decodes or throws a WireError")
    func mutations() throws {
        var random = SplitMix64(seed: 11)
        for sample in try Self.samples().prefix(4) {
            for index in sample.indices {
                var mutated = sample
                mutated[index] = UInt8(truncatingIfNeeded: random.next())
                Self.attempt(mutated)
                mutated[index] = sample[index] ^ 0x80
                Self.attempt(mutated)
            }
        }
    }

    @Test("thousands of random byte strings either decode or throw a WireError")
    func randomBytes() {
        var random = SplitMix64(seed: 3)
        for _ in 0..<3000 {
            let length = Int(random.next() % 64)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            // Half start with a plausible tag so decoding gets past the first byte.
            if !bytes.isEmpty, random.bool() { bytes[0] = UInt8(random.next() % 13) }
            Self.attempt(bytes)
        }
    }

    @Test(
        "huge lengths and counts are rejected before any allocation",
        arguments: [
            [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],  // array of 2^60 elements
            [0x09, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10],  // map of 2^60 entries
            [0x0A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10],  // struct of 2^60 fields
            [0x06, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x61],  // string of 2^64-1 bytes
            [0x07, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00],  // bytes of 4 GiB
            [0x0A, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x61],  // key of 4 GiB
            [0x08, 0x10, 0x00],  // 16 elements, 1 byte left
        ] as [[UInt8]]
    )
    func hugeCounts(bytes: [UInt8]) {
        #expect(Self.attempt(bytes) == 9)
        do {
            _ = try WireDecoder().decode([Int64].self, from: bytes)
            Issue.record("decoded")
        } catch {
            #expect([.truncated, .limitExceeded, .typeMismatch].contains(error.code), "\(error)")
        }
    }

    @Test("10,000-deep nesting is depthExceeded (arrays, structs, maps)")
    func deepNesting() throws {
        for opener in [[UInt8]([0x08, 0x01]), [0x0A, 0x01, 0x01, 0x61], [0x09, 0x01, 0x00]] {
            let bytes = Array([[UInt8]](repeating: opener, count: 10_000).joined()) + [0x00]
            #expect(Self.attempt(bytes) == 9)
            #expect {
                try WireDecoder().withReader(over: bytes) { (reader) throws(WireError) in try reader.skipValue() }
            } throws: { ($0 as? WireError)?.code == .depthExceeded }
            #expect {
                try WireDecoder().decode(Tree.self, from: bytes)
            } throws: { [.depthExceeded, .typeMismatch, .keyNotFound].contains(($0 as? WireError)?.code) }
        }
        // A recursive type nested 10,000 deep: the Codable path stops at the limit.
        var bytes: [UInt8] = []
        for _ in 0..<10_000 {
            bytes += [0x0A, 0x02, 0x04] + Array("name".utf8) + [0x06, 0x00] + [0x08] + Array("children".utf8) + [0x08, 0x01]
        }
        #expect {
            try WireDecoder().decode(Tree.self, from: bytes)
        } throws: { ($0 as? WireError)?.code == .depthExceeded }
        #expect {
            try WireJSON.json(from: bytes)
        } throws: { ($0 as? WireError)?.code == .depthExceeded }
    }

    @Test(
        "invalid UTF-8 in strings and keys is invalidUTF8",
        arguments: [[0xC3], [0xFF], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98], [0xC0, 0xAF], [0x61, 0x80]] as [[UInt8]]
    )
    func invalidUTF8(sequence: [UInt8]) {
        let string: [UInt8] = [0x06, UInt8(sequence.count)] + sequence
        #expect {
            try WireDecoder().decode(String.self, from: string)
        } throws: { ($0 as? WireError)?.code == .invalidUTF8 }
        let key: [UInt8] = [0x0A, 0x01, UInt8(sequence.count)] + sequence + [0x00]
        #expect {
            try WireDecoder().withReader(over: key) { (reader) throws(WireError) in try reader.skipValue() }
        } throws: { ($0 as? WireError)?.code == .invalidUTF8 }
        #expect {
            try WireDecoder().decode(Point.self, from: key)
        } throws: { ($0 as? WireError)?.code == .invalidUTF8 }
    }
}
