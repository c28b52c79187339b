import RPCCore
import Testing

@Suite("Frame decoder")
struct FrameDecoderTests {
    /// A stream of varied frames: a preface then one of each kind.
    static func sampleStream() -> (bytes: [UInt8], payloads: [(FramePayload, UInt32)]) {
        let payloads: [(FramePayload, UInt32)] = [
            (.settings(ConnectionSettings(maxFrameSize: 65536, maxConcurrentCalls: 4, initialWindowSize: 1000)), 0),
            (
                .headers(
                    RequestHead(method: "demo.Echo/Say", timeoutMicroseconds: 1500, metadata: ["pilotage-tenant": "a"])
                ), 1
            ),
            (.message(Array(repeating: 7, count: 300)[...]), 1),
            (.end, 1),
            (.windowUpdate(increment: 310), 1),
            (.status(RPCStatus(code: .notFound, message: "nope"), trailers: ["x-a": "1", "x-a": "2"]), 1),
            (.ping(0xDEAD_BEEF), 0),
            (.pong(0xDEAD_BEEF), 0),
            (.cancel, 3),
            (.message([][...]), 5),
            (.goAway(GoAway(lastCallID: 5, code: .ok, message: "bye")), 0),
        ]
        var bytes = ConnectionPreface().bytes
        for (payload, callID) in payloads { Frame.encode(payload, callID: callID, into: &bytes) }
        return (bytes, payloads)
    }

    static func decodeAll(_ bytes: [UInt8], chunkSizes: some Sequence<Int>) throws -> [(FramePayload, UInt32)] {
        var decoder = FrameDecoder(maxFrameSize: 65536, expectsPreface: true)
        var output: [(FramePayload, UInt32)] = []
        var hasPreface = false
        var offset = 0
        var sizes = chunkSizes.makeIterator()
        while offset < bytes.count {
            let size = min(max(sizes.next() ?? 1, 1), bytes.count - offset)
            decoder.append(Array(bytes[offset..<offset + size]))
            offset += size
            if !hasPreface {
                guard let preface = try decoder.nextPreface() else { continue }
                #expect(preface.version == ConnectionPreface.currentVersion)
                hasPreface = true
            }
            while let frame = try decoder.nextFrame() {
                output.append((try frame.decodePayload(), frame.callID))
            }
        }
        #expect(decoder.bufferedByteCount == 0)
        #expect(!decoder.hasPartialFrame)
        return output
    }

    @Test("frames split at every possible chunk size decode identically", arguments: [1, 2, 3, 7, 10, 11, 64, 4096])
    func fixedChunks(size: Int) throws {
        let (bytes, payloads) = Self.sampleStream()
        let decoded = try Self.decodeAll(bytes, chunkSizes: repeatElement(size, count: bytes.count))
        #expect(decoded.map(\.0) == payloads.map(\.0))
        #expect(decoded.map(\.1) == payloads.map(\.1))
    }

    @Test("frames split at pseudo-random points decode identically", arguments: 0..<20)
    func randomChunks(seed: UInt64) throws {
        let (bytes, payloads) = Self.sampleStream()
        var generator = SplitMix64(seed: seed)
        let sizes = (0..<bytes.count).map { _ in Int(generator.next() % 40) + 1 }
        let decoded = try Self.decodeAll(bytes, chunkSizes: sizes)
        #expect(decoded.map(\.0) == payloads.map(\.0))
    }

    @Test("an oversize header fails as soon as its 10 header bytes arrive, before the body")
    func oversizeBeforeBody() throws {
        var decoder = FrameDecoder(maxFrameSize: 1024)
        var header: [UInt8] = []
        Frame.encode(.message(Array(repeating: 1, count: 1025)[...]), callID: 1, into: &header)
        decoder.append(Array(header.prefix(9)))
        #expect(try decoder.nextFrame() == nil)
        decoder.append([header[9]])
        let error = #expect(throws: FrameError.self) { try decoder.nextFrame() }
        #expect(error?.code == .frameTooLarge)
        #expect(error?.statusCode == .resourceExhausted)
        #expect(error?.message.contains("1025") == true)
    }

    @Test("a frame exactly at the limit is accepted")
    func exactlyAtLimit() throws {
        var decoder = FrameDecoder(maxFrameSize: 1024)
        var bytes: [UInt8] = []
        Frame.encode(.message(Array(repeating: 9, count: 1024)[...]), callID: 1, into: &bytes)
        decoder.append(bytes)
        let frame = try #require(try decoder.nextFrame())
        #expect(frame.payload.count == 1024)
    }

    @Test("a wrong magic fails on the first differing byte, without waiting for 10 bytes")
    func badMagicEarly() throws {
        var decoder = FrameDecoder(maxFrameSize: 1024, expectsPreface: true)
        decoder.append(Array("PIL".utf8))
        #expect(try decoder.nextPreface() == nil)
        decoder.append(Array("X".utf8))
        let error = #expect(throws: FrameError.self) { try decoder.nextPreface() }
        #expect(error?.code == .badPreface)
    }

    @Test("payload slices stay valid after more bytes are appended")
    func slicesSurviveAppends() throws {
        var decoder = FrameDecoder(maxFrameSize: 1024)
        var bytes: [UInt8] = []
        Frame.encode(.message([1, 2, 3][...]), callID: 1, into: &bytes)
        Frame.encode(.message([4, 5, 6][...]), callID: 1, into: &bytes)
        decoder.append(Array(bytes.prefix(20)))
        let first = try #require(try decoder.nextFrame())
        decoder.append(Array(bytes.dropFirst(20)))
        let second = try #require(try decoder.nextFrame())
        #expect(Array(first.payload) == [1, 2, 3])
        #expect(Array(second.payload) == [4, 5, 6])
    }
}

/// A small deterministic generator so random splits are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var value = self.state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
