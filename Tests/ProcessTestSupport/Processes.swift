// Child processes for the test suites that run real gateways, workers and CLIs.

import Dispatch
package import Foundation
import Testing

/// Executables built next to this test binary (`swift build` puts every product in one folder).
package enum Executables {
    package static func url(_ name: String) throws -> URL {
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let url = URL(fileURLWithPath: testBinary).deletingLastPathComponent().appendingPathComponent(name)
        try #require(FileManager.default.isExecutableFile(atPath: url.path), "\(name) not built at \(url.path)")
        return url
    }
}

/// Runs blocking work (pipes, waitpid) on a dispatch queue, never on the cooperative pool.
package func onBlockingQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

/// A child process (gateway or worker), killed by a watchdog after a time limit and when the
/// value goes away, so a failing test never leaves one behind.
package final class ChildProcess: @unchecked Sendable {
    // @unchecked Sendable: `process` is only used through thread-safe Process API after start;
    // `firstLine` is written once before `start` returns.
    package let process: Process
    package let firstLine: String
    private let watchdog: DispatchWorkItem

    private init(process: Process, firstLine: String, watchdog: DispatchWorkItem) {
        self.process = process
        self.firstLine = firstLine
        self.watchdog = watchdog
    }

    package var pid: Int32 { self.process.processIdentifier }
    package var isRunning: Bool { self.process.isRunning }

    /// Starts `name` with `arguments` and waits (up to 60 s) for a first stdout line starting with
    /// `readyPrefix`. Standard error goes to `stderrPath` (or nowhere).
    package static func start(
        _ name: String,
        arguments: [String],
        readyPrefix: String,
        stderrPath: String? = nil,
        watchdogSeconds: Double = 300
    ) async throws -> ChildProcess {
        let executable = try Executables.url(name)
        return try await onBlockingQueue {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            for key in environment.keys where key.hasPrefix("PILOTAGE_") { environment[key] = nil }
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            if let stderrPath {
                _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
                process.standardError = FileHandle(forWritingAtPath: stderrPath)
            } else {
                process.standardError = FileHandle.nullDevice
            }
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
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(readyPrefix) }) {
                    startupLimit.cancel()
                    // Keep draining stdout so the child never blocks on a full pipe.
                    let reader = output.fileHandleForReading
                    DispatchQueue.global().async {
                        while !reader.availableData.isEmpty {}
                    }
                    return ChildProcess(process: process, firstLine: String(line), watchdog: watchdog)
                }
            }
            startupLimit.cancel()
            watchdog.cancel()
            process.waitUntilExit()
            throw ProcessStartFailure(name: name, output: String(decoding: buffer, as: UTF8.self))
        }
    }

    /// Sends `signal` and waits for the process to end; returns its termination status.
    @discardableResult
    package func stop(signal: Int32 = SIGTERM) async throws -> Int32 {
        let process = self.process
        let status = try await onBlockingQueue {
            if process.isRunning { kill(process.processIdentifier, signal) }
            process.waitUntilExit()
            return process.terminationStatus
        }
        self.watchdog.cancel()
        return status
    }

    deinit {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
        self.watchdog.cancel()
    }
}

package struct ProcessStartFailure: Error, CustomStringConvertible {
    package var name: String
    package var output: String
    package var description: String { "\(self.name) did not start: \(self.output)" }
}

/// The result of one `pilotage` invocation.
package struct CLIResult: Sendable {
    package var status: Int32
    package var stdout: String
    package var stderr: String
}

/// Runs `pilotage` with `arguments`, with a 120 s limit.
package func pilotage(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLIResult {
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
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let errors = LockedData()
        let errorReader = DispatchWorkItem { errors.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        DispatchQueue.global().async(execute: errorReader)
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        errorReader.wait()
        process.waitUntilExit()
        watchdog.cancel()
        return CLIResult(
            status: process.terminationStatus,
            stdout: String(decoding: output, as: UTF8.self),
            stderr: String(decoding: errors.get(), as: UTF8.self)
        )
    }
}

/// A thread-safe data holder for a reader on another queue.
package final class LockedData: @unchecked Sendable {
    // @unchecked Sendable: `data` is guarded by `lock`.
    private let lock = NSLock()
    private var data = Data()
    package func set(_ value: Data) { self.lock.withLock { self.data = value } }
    package func get() -> Data { self.lock.withLock { self.data } }
}

/// Polls `condition` until it holds, up to `timeout` (generous: the suite runs on a loaded
/// 2-core machine); fails the test with `message` otherwise.
package func waitUntil(
    _ message: String,
    timeout: Duration = .seconds(60),
    every interval: Duration = .milliseconds(100),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: interval)
    }
    Issue.record("timed out waiting: \(message)")
    throw WaitTimeout(message: message)
}

package struct WaitTimeout: Error {
    package var message: String
}
