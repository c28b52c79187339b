internal import Foundation
internal import Testing
internal import Wire

/// A recursive fast-path type, to check the depth guard of `WireReader.read(_:)`.
struct Chain: Codable, Hashable, Sendable, WireFastCodable {
    var next: [Chain]

    init(next: [Chain]) {
        self.next = next
    }

    func encode(to writer: inout WireWriter) throws(WireError) {
        writer.writeStructHeader(fieldCount: 1)
        writer.writeFieldKey("next")
        writer.writeArrayHeader(count: self.next.count)
        for link in self.next { try writer.write(link) }
    }

    init(from reader: inout WireReader) throws(WireError) {
        var next: [Chain] = []
        try reader.forEachField { (key, reader) throws(WireError) in
            if key == "next" {
                next = try reader.readArray { (reader) throws(WireError) in try reader.read(Chain.self) }
            }
        }
        self.init(next: next)
    }
}

@Suite("Fast path")
struct FastPathTests {
    @Test("the encoder and decoder pick the fast path at any depth (top level, struct field, array, optional, map value)")
    func usedAtDepth() throws {
        // A Money whose fast encoder differs from its Codable encoder would be caught here; use a
        // type whose fast path writes a marker to see it is taken.
        struct Marked: Codable, WireFastCodable, Equatable {
            var value: Int64
            init(value: Int64) { self.value = value }
            func encode(to writer: inout WireWriter) throws(WireError) {
                writer.writeStructHeader(fieldCount: 1)
                writer.writeFieldKey("fast")
                writer.writeInt(self.value)
            }
            init(from reader: inout WireReader) throws(WireError) {
                var value: Int64?
                try reader.forEachField { (key, reader) throws(WireError) in
                    if key == "fast" { value = try reader.readInt64() }
                }
                guard let value else { throw WireError.keyNotFound("fast") }
                self.init(value: value)
            }
        }
        struct Holder: Codable, Equatable {
            var direct: Marked
            var list: [Marked]
            var maybe: Marked?
            var byName: [String: Marked]
        }
        let holder = Holder(direct: Marked(value: 1), list: [Marked(value: 2)], maybe: Marked(value: 3), byName: ["a": Marked(value: 4)])
        let bytes = try WireEncoder().encode(holder)
        let json = try WireJSON.json(from: bytes)
        #expect(json == #"{"direct":{"fast":1},"list":[{"fast":2}],"maybe":{"fast":3},"byName":{"a":{"fast":4}}}"#)
        #expect(try WireDecoder().decode(Holder.self, from: bytes) == holder)
        #expect(try WireJSON.json(from: WireEncoder().encode(Marked(value: 9))) == #"{"fast":9}"#)
        #expect(try WireJSON.json(from: WireEncoder().encodeWithoutFastPath(Marked(value: 9))) == #"{"value":9}"#)
    }

    @Test("errors inside a fast decoder nested in Codable values carry the whole path")
    func errorPaths() throws {
        var writer = WireWriter()
        writer.writeStructHeader(fieldCount: 5)
        writer.writeFieldKey("owner")
        writer.writeString("o")
        writer.writeFieldKey("balance")
        try writer.write(Money(cents: 1, currency: "EUR"))
        writer.writeFieldKey("entries")
        writer.writeArrayHeader(count: 2)
        try writer.write(Money(cents: 1, currency: "EUR"))
        writer.writeStructHeader(fieldCount: 2)
        writer.writeFieldKey("cents")
        writer.writeString("not a number")
        writer.writeFieldKey("currency")
        writer.writeString("EUR")
        writer.writeFieldKey("pending")
        writer.writeNull()
        writer.writeFieldKey("byDay")
        writer.writeMapHeader(count: 0)
        do {
            _ = try WireDecoder().decode(Ledger.self, from: writer.bytes)
            Issue.record("decoded")
        } catch {
            #expect(error.code == .typeMismatch)
            #expect(error.codingPath == "entries.1.cents")
        }
        struct Partial: Encodable { var currency: String }
        struct PartialEntries: Encodable { var entries: [Partial] }
        let missing = try WireEncoder().encode(PartialEntries(entries: [Partial(currency: "EUR")]))
        struct Entries: Decodable { var entries: [Money] }
        #expect {
            try WireDecoder().decode(Entries.self, from: missing)
        } throws: { error in
            let wire = error as? WireError
            return wire?.code == .keyNotFound && wire?.codingPath == "entries.0.cents"
        }
    }

    @Test("a recursive fast type is stopped by the depth limit, on both sides")
    func recursionLimit() throws {
        var chain = Chain(next: [])
        for _ in 0..<100 { chain = Chain(next: [chain]) }
        #expect {
            try WireEncoder().encode(chain)
        } throws: { ($0 as? WireError)?.code == .depthExceeded }
        let limits = WireLimits(maxDepth: 500, maxCollectionCount: 1000, maxStringLength: 1000, maxMessageSize: 1 << 20)
        let bytes = try WireEncoder(limits: limits).encode(chain)
        #expect(try WireDecoder(limits: limits).decode(Chain.self, from: bytes) == chain)
        #expect {
            try WireDecoder().decode(Chain.self, from: bytes)
        } throws: { ($0 as? WireError)?.code == .depthExceeded }
        // Hostile input: 10,000 nested links.
        let link: [UInt8] = [0x0A, 0x01, 0x04] + Array("next".utf8) + [0x08, 0x01]
        let hostile = Array([[UInt8]](repeating: link, count: 10_000).joined())
        #expect {
            try WireDecoder().decode(Chain.self, from: hostile)
        } throws: { ($0 as? WireError)?.code == .depthExceeded }
    }
}
