internal import Foundation
import RPCCore
import Testing

/// Holds the frame layer to the golden vectors in `Protocols/vectors/frames`, both ways.
@Suite("Golden frame vectors")
struct FrameVectorTests {
    static let directory = URL(filePath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "Protocols/vectors/frames")

    static func load(valid: Bool) throws -> [[String: Any]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { $0.hasSuffix(".json") && $0.hasPrefix("invalid-") != valid }
            .sorted()
        return try names.map { name in
            let data = try Data(contentsOf: Self.directory.appending(path: name))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
    }

    static var validNames: [String] {
        (try? Self.load(valid: true).compactMap { $0["name"] as? String }) ?? []
    }

    static var invalidNames: [String] {
        (try? Self.load(valid: false).compactMap { $0["name"] as? String }) ?? []
    }

    static func vector(named name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.directory.appending(path: name + ".json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("the vector directory holds valid and invalid vectors")
    func vectorsExist() {
        #expect(Self.validNames.count >= 15)
        #expect(Self.invalidNames.count >= 10)
    }

    @Test("valid vector decodes to its described meaning and re-encodes to the same bytes", arguments: Self.validNames)
    func validVector(name: String) throws {
        let vector = try Self.vector(named: name)
        let bytes = try #require(HexBytes.decode(try FrameDescription.field(vector, "hex")))
        if let preface = vector["preface"] as? [String: Any] {
            var decoder = FrameDecoder(maxFrameSize: 1 << 22, expectsPreface: true)
            decoder.append(bytes)
            let decoded = try #require(try decoder.nextPreface())
            #expect(Int(decoded.version) == preface["version"] as? Int)
            #expect(ConnectionPreface(version: decoded.version).bytes == bytes)
            return
        }
        let description: [String: Any] = try FrameDescription.field(vector, "frame")
        let (expected, callID) = try FrameDescription.payload(from: description)

        var decoder = FrameDecoder(maxFrameSize: Int(ConnectionSettings.defaultMaxFrameSize))
        decoder.append(bytes)
        let frame = try #require(try decoder.nextFrame())
        #expect(decoder.bufferedByteCount == 0)
        #expect(frame.callID == callID)
        #expect(frame.kind.name == description["kind"] as? String)
        #expect(try frame.decodePayload() == expected)

        guard vector["roundTrip"] as? Bool != false else { return }
        var encoded: [UInt8] = []
        Frame.encode(expected, callID: callID, into: &encoded)
        #expect(encoded == bytes, "re-encoding \(name) gives \(HexBytes.encode(encoded))")
    }

    @Test("invalid vector is rejected with the specified error and GOAWAY code", arguments: Self.invalidNames)
    func invalidVector(name: String) throws {
        let vector = try Self.vector(named: name)
        let bytes = try #require(HexBytes.decode(try FrameDescription.field(vector, "hex")))
        let maxFrameSize: Int = try FrameDescription.field(vector, "maxFrameSize")
        let expectedError: String = try FrameDescription.field(vector, "error")
        let expectedGoAway = try #require(RPCStatus.Code(name: try FrameDescription.field(vector, "goAwayCode")))
        let error = #expect(throws: FrameError.self) {
            if vector["decode"] as? String == "preface" {
                var decoder = FrameDecoder(maxFrameSize: maxFrameSize, expectsPreface: true)
                decoder.append(bytes)
                let preface = try decoder.nextPreface()
                try preface?.checkVersion()
            } else {
                var decoder = FrameDecoder(maxFrameSize: maxFrameSize)
                decoder.append(bytes)
                let frame = try decoder.nextFrame()
                _ = try frame?.decodePayload()
            }
        }
        #expect(error?.code.description == expectedError)
        #expect(error?.statusCode == expectedGoAway)
        #expect(error?.message.isEmpty == false)
    }
}

/// Builds the expected ``FramePayload`` from a vector's `frame` description.
enum FrameDescription {
    struct BadVector: Error {
        var reason: String
    }

    static func field<T>(_ description: [String: Any], _ key: String, as type: T.Type = T.self) throws -> T {
        guard let value = description[key] as? T else { throw BadVector(reason: "missing or mistyped '\(key)'") }
        return value
    }

    static func code(_ description: [String: Any]) throws -> RPCStatus.Code {
        let name: String = try Self.field(description, "code")
        guard let code = RPCStatus.Code(name: name) else { throw BadVector(reason: "unknown code \(name)") }
        return code
    }

    static func payload(from description: [String: Any]) throws -> (FramePayload, UInt32) {
        let kind: String = try Self.field(description, "kind")
        let callID = UInt32(description["callID"] as? Int ?? 0)
        func metadata(_ key: String) throws -> Metadata {
            let pairs: [[String]] = try Self.field(description, key)
            return Metadata(pairs.map { ($0[0], $0[1]) })
        }
        switch kind {
        case "HEADERS":
            let timeout = (description["timeoutMicroseconds"] as? Int).map(UInt64.init)
            let head = RequestHead(
                method: try Self.field(description, "method"),
                timeoutMicroseconds: timeout,
                metadata: try metadata("metadata")
            )
            return (.headers(head), callID)
        case "MESSAGE":
            let bytes = try #require(HexBytes.decode(try Self.field(description, "payloadHex")))
            return (.message(bytes[...]), callID)
        case "END":
            return (.end, callID)
        case "CANCEL":
            return (.cancel, callID)
        case "STATUS":
            let status = RPCStatus(code: try Self.code(description), message: try Self.field(description, "message"))
            return (.status(status, trailers: try metadata("trailers")), callID)
        case "PING", "PONG":
            let data = try #require(UInt64(try Self.field(description, "dataHex", as: String.self), radix: 16))
            return (kind == "PING" ? .ping(data) : .pong(data), 0)
        case "GOAWAY":
            let goAway = GoAway(
                lastCallID: UInt32(try Self.field(description, "lastCallID", as: Int.self)),
                code: try Self.code(description),
                message: try Self.field(description, "message")
            )
            return (.goAway(goAway), 0)
        case "WINDOW_UPDATE":
            return (.windowUpdate(increment: UInt32(try Self.field(description, "increment", as: Int.self))), callID)
        case "SETTINGS":
            var settings = ConnectionSettings()
            for pair in try Self.field(description, "settings", as: [[Int]].self) {
                try settings.apply(identifier: UInt16(pair[0]), value: UInt32(pair[1]))
            }
            return (.settings(settings), 0)
        default:
            throw BadVector(reason: "unknown kind \(kind)")
        }
    }
}
