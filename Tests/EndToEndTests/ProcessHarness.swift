import Dispatch
import Foundation
import Testing

/// Executables built next to this test binary (`swift build` puts every product in one folder).
enum Executables {
    static func url(_ name: String) throws -> URL {
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let url = URL(fileURLWithPath: testBinary).deletingLastPathComponent().appendingPathComponent(name)
        try #require(FileManager.default.isExecutableFile(atPath: url.path), "\(name) not built at \(url.path)")
        return url
    }
}

/// Runs blocking work (pipes, waitpid) on a dispatch queue, never on the cooperative pool.
func onBlockingQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

/// A `pilotage-gateway` child process on 127.0.0.1 with a free port, killed when stopped or
/// after a watchdog (so a failing test never leaves it behind).
final class GatewayProcess: @unchecked Sendable {
    // @unchecked Sendable: `process` is only used through thread-safe Process API after start.
    let process: Process
    let port: Int
    let dataDirectory: URL
    private let watchdog: DispatchWorkItem

    var address: String { "127.0.0.1:\(self.port)" }
    var operatorToken: String {
        (try? String(contentsOf: self.dataDirectory.appendingPathComponent("operator.token"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    private init(process: Process, port: Int, dataDirectory: URL, watchdog: DispatchWorkItem) {
        self.process = process
        self.port = port
        self.dataDirectory = dataDirectory
        self.watchdog = watchdog
    }

    /// Starts the gateway and waits (up to 60 s) for its "listening on HOST:PORT" line.
    static func start(dataDirectory: URL, arguments: [String] = [], watchdogSeconds: Double = 300) async throws -> GatewayProcess {
        let executable = try Executables.url("pilotage-gateway")
        return try await onBlockingQueue {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["--data", dataDirectory.path, "--port", "0", "--log-level", "warning"] + arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let pid = process.processIdentifier
            let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
            DispatchQueue.global().asyncAfter(deadline: .now() + watchdogSeconds, execute: watchdog)
            let startupLimit = DispatchWorkItem { kill(pid, SIGKILL) }
            DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: startupLimit)
            var buffer = Data()
            while true {
                let chunk = output.fileHandleForReading.availableData
                guard !chunk.isEmpty else { break }
                buffer.append(chunk)
                let text = String(decoding: buffer, as: UTF8.self)
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }),
                    let port = line.split(separator: ":").last.flatMap({ Int($0) })
                {
                    startupLimit.cancel()
                    return GatewayProcess(process: process, port: port, dataDirectory: dataDirectory, watchdog: watchdog)
                }
            }
            startupLimit.cancel()
            watchdog.cancel()
            process.waitUntilExit()
            throw GatewayStartFailure(output: String(decoding: buffer, as: UTF8.self))
        }
    }

    /// Sends `signal` and waits for the process to end.
    func stop(signal: Int32 = SIGTERM) async throws {
        let process = self.process
        try await onBlockingQueue {
            if process.isRunning { kill(process.processIdentifier, signal) }
            process.waitUntilExit()
        }
        self.watchdog.cancel()
    }

    deinit {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
        self.watchdog.cancel()
    }
}

struct GatewayStartFailure: Error, CustomStringConvertible {
    var output: String
    var description: String { "the gateway did not start: \(self.output)" }
}

/// The result of one `pilotage` invocation.
struct CLIResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `pilotage` with `arguments` (and `input` on standard input), with a 120 s limit.
func pilotage(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) async throws -> CLIResult {
    let executable = try Executables.url("pilotage")
    return try await onBlockingQueue {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PILOTAGE_") { env[key] = nil }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        let errors = LockedData()
        let errorReader = DispatchWorkItem { errors.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        DispatchQueue.global().async(execute: errorReader)
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        errorReader.wait()
        process.waitUntilExit()
        watchdog.cancel()
        return CLIResult(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self), stderr: String(decoding: errors.get(), as: UTF8.self))
    }
}

/// A thread-safe data holder for a reader on another queue.
final class LockedData: @unchecked Sendable {
    // @unchecked Sendable: `data` is guarded by `lock`.
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { self.lock.withLock { self.data = value } }
    func get() -> Data { self.lock.withLock { self.data } }
}

/// A temporary directory removed after `body`.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// The shared fixtures (two FEC files of the worked example), found from this source file.
enum Fixtures {
    static var fecDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ImportsTests/Fixtures/fec")
    }
    static var supplement: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ImportsTests/Fixtures/worked-example-supplement.jsonl")
    }
}
