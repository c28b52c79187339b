import Foundation
import RPCCore
import RPCTestSupport
import Testing

/// `Protocols/examples/health_check.py` is a client written from WIRE.md alone; it must be able
/// to call a live server.
@Suite("A Python client written from WIRE.md")
struct PythonClientTests {
    static let script = URL(filePath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Protocols/examples/health_check.py")

    static let python: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    @Test("health_check.py completes the handshake and a unary call", .enabled(if: Self.python != nil))
    func pythonHealthCheck() async throws {
        try await withServerAndClient(.tcp, services: []) { server, _ in
            let port = try await server.listeningAddress.port
            let (status, output) = try await Self.run(try #require(Self.python), [Self.script.path, String(port)])
            #expect(status == 0, "python client output: \(output)")
            #expect(output.contains("status=OK serving=SERVING request_id=py-1"))
        }
    }

    /// Runs a child process without blocking the cooperative pool; kills it after 30 s.
    static func run(_ executable: String, _ arguments: [String]) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(filePath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                continuation.resume(returning: (finished.terminationStatus, String(decoding: data, as: UTF8.self)))
            }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
                return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + 30) {
                if process.isRunning { process.terminate() }
            }
        }
    }
}
