internal import Foundation
internal import PilotageProtocol
internal import Testing
internal import Wire

/// The `record.*` golden vectors of `Protocols/vectors/values.json`: data-contract records on the
/// wire, in both directions. `WIRE_WRITE_VECTORS=1` rewrites them (after a deliberate change).
@Suite("Record golden vectors")
struct RecordVectorTests {
    struct VectorFile: Codable {
        var vectors: [Vector]
    }

    struct Vector: Codable {
        var name: String
        var type: String
        var json: String
        var hex: String
    }

    static var fileURL: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Protocols/vectors/values.json")
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static let cases: [(name: String, encode: @Sendable () throws -> [UInt8], check: @Sendable ([UInt8]) throws -> Bool, type: String)] = {
        func entry<T: Codable & Equatable & Sendable>(_ name: String, _ value: T) -> (String, @Sendable () throws -> [UInt8], @Sendable ([UInt8]) throws -> Bool, String) {
            (name, { try WireEncoder().encode(value) }, { try WireDecoder().decode(T.self, from: $0) == value }, String(describing: T.self))
        }
        let day = { (text: String) in CalendarDate(text) ?? .min }
        return [
            entry("record.installment-due-date-absent", InstallmentRecord(id: "I1", client: "C", invoiceID: "F1", invoiceDate: day("2025-01-15"), amount: 360_000, amountHT: 300_000)),
            entry("record.installment-due-date-present", InstallmentRecord(id: "I2", client: "C", invoiceID: "F2", invoiceDate: day("2025-01-15"), dueDate: day("2025-02-14"), amount: 120_000)),
            entry("record.collection-event", CollectionEventRecord(id: "E1", installment: "I1", actionCode: "CALL-1", outcome: .validated, actor: "U1", at: Date(timeIntervalSince1970: 1_736_937_000))),
            entry("record.collaborator-roles", CollaboratorRecord(id: "U1", name: "Zoé", roles: [.agent, .collectionManager])),
        ]
    }()

    @Test("record vectors: value ↔ bytes, bytes → JSON", arguments: RecordVectorTests.cases.map(\.name))
    func vector(name: String) throws {
        let entry = try #require(Self.cases.first { $0.name == name })
        let file = try JSONDecoder().decode(VectorFile.self, from: Data(contentsOf: Self.fileURL))
        let vector = try #require(file.vectors.first { $0.name == name })
        let bytes = try entry.encode()
        #expect(Self.hex(bytes) == vector.hex)
        #expect(try entry.check(bytes))
        #expect(try WireJSON.json(from: bytes) == vector.json)
        #expect(vector.type == entry.type)
    }

    @Test("WIRE_WRITE_VECTORS=1 adds or updates the record vectors", .enabled(if: ProcessInfo.processInfo.environment["WIRE_WRITE_VECTORS"] == "1"))
    func write() throws {
        var text = try String(contentsOf: Self.fileURL, encoding: .utf8)
        let file = try JSONDecoder().decode(VectorFile.self, from: Data(text.utf8))
        func quoted(_ string: String) throws -> String {
            String(decoding: try JSONEncoder().encode(string), as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
        }
        for entry in Self.cases {
            let bytes = try entry.encode()
            let line = "    {\"name\": \(try quoted(entry.name)), \"type\": \(try quoted(entry.type)), \"json\": \(try quoted(try WireJSON.json(from: bytes))), \"hex\": \(try quoted(Self.hex(bytes)))}"
            if file.vectors.contains(where: { $0.name == entry.name }) {
                let marker = "\"name\": \(try quoted(entry.name)),"
                let lines = text.components(separatedBy: "\n").map { existing in
                    existing.contains(marker) ? line + (existing.hasSuffix(",") ? "," : "") : existing
                }
                text = lines.joined(separator: "\n")
            } else {
                let range = try #require(text.range(of: "\n  ]\n}", options: .backwards))
                text.replaceSubrange(range, with: ",\n" + line + "\n  ]\n}")
            }
        }
        try Data(text.utf8).write(to: Self.fileURL)
    }
}
