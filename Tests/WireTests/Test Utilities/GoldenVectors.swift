internal import Foundation
internal import Wire

/// The golden value vectors of `Protocols/vectors/values.json` (`WIRE.md` §6.12).
struct GoldenVectorFile: Codable {
    var format: String
    var description: String
    var vectors: [GoldenVector]
}

/// One vector: a named value of a Swift type, its self-describing JSON rendering and its bytes.
struct GoldenVector: Codable, Hashable {
    var name: String
    var type: String
    var json: String
    var hex: String
}

enum GoldenVectors {
    /// `Protocols/vectors/values.json`, found from this source file.
    static var fileURL: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Test Utilities
            .deletingLastPathComponent()  // WireTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .appendingPathComponent("Protocols/vectors/values.json")
    }

    static func load() throws -> GoldenVectorFile {
        try JSONDecoder().decode(GoldenVectorFile.self, from: Data(contentsOf: self.fileURL))
    }
}

/// A vector's Swift side: encodes its value and checks a decoded value against it.
struct VectorCase: Sendable {
    let name: String
    let type: String
    let encode: @Sendable () throws -> [UInt8]
    let decodesToValue: @Sendable ([UInt8]) throws -> Bool
    let schema: @Sendable () -> WireSchema

    init<T: Codable & Equatable & Sendable>(_ name: String, _ value: T, type: String? = nil) {
        self.name = name
        self.type = type ?? String(describing: T.self)
        self.encode = { try WireEncoder().encode(value) }
        self.decodesToValue = { bytes in try WireDecoder().decode(T.self, from: bytes) == value }
        self.schema = { WireSchema.of(T.self) }
    }
}
