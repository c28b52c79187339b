internal import Foundation
internal import RPCCore
internal import ServerSupport
internal import Wire

/// Where the CLI writes: results on standard output, diagnostics and progress on standard error.
struct CLIOutput: Sendable {
    /// Machine-readable output.
    var json: Bool

    func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    func diagnostic(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints a Codable value: pretty JSON with `--json`, else `human()`.
    func show<Value: Encodable>(_ value: Value, human: () -> String) throws {
        if self.json {
            self.print(try Self.prettyJSON(value))
        } else {
            self.print(human())
        }
    }

    static func prettyJSON<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Reports a failure: `error: CODE (n): message` or a JSON object on standard error.
    func failure(_ error: any Error) {
        let code: String
        let number: Int?
        let message: String
        switch error {
        case let rpc as RPCError:
            code = rpc.code.description
            number = Int(rpc.code.statusCode.rawValue)
            message = rpc.message
        case let usage as UsageError:
            code = "USAGE"
            number = nil
            message = usage.message
        default:
            code = "ERROR"
            number = nil
            message = "\(error)"
        }
        if self.json {
            struct Failure: Encodable {
                var code: String
                var number: Int?
                var message: String
            }
            let text = (try? Self.prettyJSON(["error": Failure(code: code, number: number, message: message)])) ?? message
            self.diagnostic(text)
        } else {
            self.diagnostic("error: \(code)\(number.map { " (\($0))" } ?? ""): \(message)")
        }
    }

    /// Left-aligned columns, for human tables.
    static func table(_ rows: [[String]], header: [String]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
