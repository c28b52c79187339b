import RPCCore
import RPCTestSupport
import Testing

/// Hostile bytes sent to a live server over raw sockets: the offending connection gets GOAWAY
/// (or is closed) while another client's calls on another connection keep working.
@Suite("Malformed input over TCP")
struct MalformedInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        /// Whether to complete the handshake before sending `bytes`.
        var handshake: Bool
        var bytes: [UInt8]
        /// The GOAWAY code expected before the close; `nil` when a silent close is fine.
        var goAway: RPCStatus.Code?
        /// Half-close after sending (the server sees end of stream).
        var endsStream = false

        var description: String { self.name }
    }

    static func frame(_ payload: FramePayload, _ callID: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        Frame.encode(payload, callID: callID, into: &bytes)
        return bytes
    }

    static func header(length: UInt32, kind: UInt8, flags: UInt8 = 0, callID: UInt32) -> [UInt8] {
        [
            UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF),
            kind, flags,
            UInt8(callID >> 24), UInt8(callID >> 16 & 0xFF), UInt8(callID >> 8 & 0xFF), UInt8(callID & 0xFF),
        ]
    }

    static let cases: [Case] = {
        var generator = SplitMix64(seed: 42)
        let garbage = (0..<512).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let echoHead = Self.frame(.headers(RequestHead(method: Probe.echo.fullName)), 1)
        return [
            Case(
                name: "HTTP request instead of the preface",
                handshake: false,
                bytes: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
                goAway: .internalError
            ),
            Case(name: "random bytes instead of the preface", handshake: false, bytes: garbage, goAway: .internalError),
            Case(name: "random bytes after the handshake", handshake: true, bytes: garbage, goAway: nil),
            Case(
                name: "oversize length (4 GiB)",
                handshake: true,
                bytes: Self.header(length: 0xFFFF_FFFF, kind: 2, callID: 1),
                goAway: .resourceExhausted
            ),
            Case(
                name: "oversize length just above the limit",
                handshake: true,
                bytes: Self.header(length: 4 * 1024 * 1024 + 1, kind: 1, callID: 1),
                goAway: .resourceExhausted
            ),
            Case(
                name: "unknown frame kind",
                handshake: true,
                bytes: Self.header(length: 0, kind: 0x7F, callID: 1),
                goAway: .internalError
            ),
            Case(
                name: "HEADERS before SETTINGS",
                handshake: false,
                bytes: ConnectionPreface().bytes + echoHead,
                goAway: .internalError
            ),
            Case(
                name: "MESSAGE for a call never opened",
                handshake: true,
                bytes: Self.frame(.message([1, 2][...]), 9),
                goAway: .internalError
            ),
            Case(
                name: "call ids going down",
                handshake: true,
                bytes: Self.frame(.headers(RequestHead(method: Probe.echo.fullName)), 5) + echoHead,
                goAway: .internalError
            ),
            Case(
                name: "STATUS sent by a client",
                handshake: true,
                bytes: echoHead + Self.frame(.status(.ok, trailers: [:]), 1),
                goAway: .internalError
            ),
            Case(
                name: "truncated HEADERS payload",
                handshake: true,
                bytes: Self.header(length: 4, kind: 1, callID: 1) + [0x00, 0xFF, 0x61, 0x62],
                goAway: .internalError
            ),
            Case(
                name: "upper-case metadata key",
                handshake: true,
                bytes: Self.header(length: 10, kind: 1, callID: 1) + [0, 1, 0x61, 0, 1, 1, 0x4B, 0, 1, 0x76],
                goAway: .internalError
            ),
            Case(
                name: "PING with a call id",
                handshake: true,
                bytes: Self.header(length: 8, kind: 6, callID: 3) + [UInt8](repeating: 0, count: 8),
                goAway: .internalError
            ),
            Case(
                name: "second SETTINGS",
                handshake: true,
                bytes: Self.frame(.settings(ConnectionSettings()), 0),
                goAway: .internalError
            ),
            Case(
                name: "half a header then end of stream",
                handshake: true,
                bytes: Self.header(length: 100, kind: 2, callID: 1).prefix(5).map { $0 },
                goAway: nil,
                endsStream: true
            ),
            Case(
                name: "half a payload then end of stream",
                handshake: true,
                bytes: Self.header(length: 100, kind: 2, callID: 1) + [1, 2, 3],
                goAway: nil,
                endsStream: true
            ),
            Case(
                name: "half a preface then end of stream",
                handshake: false,
                bytes: Array("PILOT".utf8),
                goAway: nil,
                endsStream: true
            ),
        ]
    }()

    @Test("the offending connection gets GOAWAY or is closed; other connections keep working", arguments: Self.cases)
    func hostileInput(testCase: Case) async throws {
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: ProbeRecorder())]) { server, client in
            _ = try await client.unary(Probe.echo, Probe.EchoRequest(text: "before"))
            let raw = try await RawConnection(port: try await server.listeningAddress.port)
            if testCase.handshake { try await raw.handshake() }
            try await raw.send(testCase.bytes)
            if testCase.endsStream { raw.shutdownWrite() }
            let frames = try await raw.framesUntilClosed(timeout: .seconds(5))
            if let expected = testCase.goAway {
                let last = try #require(frames.last, "expected a GOAWAY before the close")
                guard case .goAway(let goAway) = try last.decodePayload() else {
                    Issue.record("expected GOAWAY, got \(last.kind)")
                    return
                }
                #expect(goAway.code == expected)
                #expect(!goAway.message.isEmpty)
            } else {
                for frame in frames {
                    let payload = try frame.decodePayload()
                    switch payload {
                    case .goAway, .status, .pong: break
                    default: Issue.record("unexpected \(frame.kind) answering garbage")
                    }
                }
            }
            // The good client, on its own connection, is unaffected.
            let reply = try await client.unary(Probe.echo, Probe.EchoRequest(text: "after"))
            #expect(reply.text == "after")
            #expect(await eventually { server.connectionCount == 1 })
        }
    }

    @Test("many hostile connections at once do not disturb concurrent good calls")
    func hostileCrowd() async throws {
        try await withServerAndClient(.tcp, services: [Probe.service(recorder: ProbeRecorder())]) { server, client in
            let port = try await server.listeningAddress.port
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, testCase) in Self.cases.enumerated() {
                    group.addTask {
                        let raw = try await RawConnection(port: port)
                        if testCase.handshake { try await raw.handshake() }
                        try await raw.send(testCase.bytes)
                        if testCase.endsStream { raw.shutdownWrite() }
                        _ = try await raw.framesUntilClosed(timeout: .seconds(5))
                        _ = index
                    }
                }
                for index in 0..<50 {
                    group.addTask {
                        let reply = try await client.unary(Probe.echo, Probe.EchoRequest(text: "good-\(index)"))
                        #expect(reply.text == "good-\(index)")
                    }
                }
                try await group.waitForAll()
            }
            #expect(await eventually { server.connectionCount == 1 })
        }
    }
}

/// A small deterministic generator for reproducible garbage.
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
