// What the process-level benchmarks share: output lines, statistics and child processes.

package import Foundation
internal import Glibc
internal import Synchronization

/// Writes one line to standard output at once.
package func output(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// A duration in seconds.
package func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// The median (upper median for an even count); 0 when empty.
package func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

/// The nearest-rank percentile (`fraction` in 0…1); 0 when empty.
package func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((fraction * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

/// A child process whose standard error goes to a log file, started once its standard output
/// printed a line with `readyPrefix` (the rest of its output is drained on a thread).
package final class Child {
    /// The process.
    package let process = Process()
    /// Its standard-error log.
    package let log: URL
    /// The ready line.
    package private(set) var firstLine = ""

    /// Starts `executable` and waits for its ready line.
    package init(executable: String, arguments: [String], log: URL, readyPrefix: String) throws {
        self.log = log
        self.process.executableURL = URL(fileURLWithPath: executable)
        self.process.arguments = arguments
        let output = Pipe()
        self.process.standardOutput = output
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        self.process.standardError = try FileHandle(forWritingTo: log)
        try self.process.run()
        let pid = self.process.processIdentifier
        runningChildren.withLock { _ = $0.insert(pid) }
        var buffer = Data()
        while true {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else {
                self.stop()
                throw BenchmarkError(message: "\(executable) exited before printing its '\(readyPrefix)' line (log: \(log.path))")
            }
            buffer.append(chunk)
            if let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first(where: { $0.hasPrefix(readyPrefix) }) {
                self.firstLine = String(line)
                break
            }
        }
        let reader = output.fileHandleForReading
        Thread.detachNewThread { while !reader.availableData.isEmpty {} }
    }

    /// Resident and peak resident memory in MiB (`VmRSS`, `VmHWM` of `/proc/<pid>/status`;
    /// 0 when not running).
    package var memoryMiB: (resident: Double, peak: Double) {
        let text = (try? String(contentsOfFile: "/proc/\(self.process.processIdentifier)/status", encoding: .utf8)) ?? ""
        func kibibytes(_ field: String) -> Double {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return 0 }
            return Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return (kibibytes("VmRSS") / 1024, kibibytes("VmHWM") / 1024)
    }

    /// CPU time used so far, user and system, in seconds (`utime` + `stime` of
    /// `/proc/<pid>/stat`; 0 when not running): compared before and after a phase, what the
    /// phase cost the process, whatever the other processes did to its wall-clock times.
    package var cpuSeconds: Double {
        let text = (try? String(contentsOfFile: "/proc/\(self.process.processIdentifier)/stat", encoding: .utf8)) ?? ""
        // The command name (field 2) is in parentheses and may hold spaces: count from after it.
        guard let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // Fields 14 and 15 of the whole line are the 12th and 13th after the name.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// SIGTERM, then waits for the exit.
    package func stop() {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGTERM) }
        self.process.waitUntilExit()
        let pid = self.process.processIdentifier
        runningChildren.withLock { _ = $0.remove(pid) }
    }
}

/// A benchmark that cannot go on: a child that could not be started, a firm never published.
package struct BenchmarkError: Error, CustomStringConvertible {
    /// What happened.
    package var message: String
    package var description: String { self.message }

    /// An error saying `message`.
    package init(message: String) {
        self.message = message
    }
}

/// The pids of the children started and not stopped yet (``stopRunningChildren()``).
private let runningChildren = Mutex<Set<Int32>>([])

/// Sends SIGTERM to every child still running: a benchmark that fails leaves no gateway or
/// worker behind.
package func stopRunningChildren() {
    for pid in runningChildren.withLock({ $0 }) { kill(pid, SIGTERM) }
}

/// Reports `error` on standard error as `<name>: <error>`, stops the children and exits 1.
package func exitAfterFailure(_ name: String, _ error: any Error) -> Never {
    stopRunningChildren()
    FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
    exit(1)
}

/// A benchmark's command line, checked: a missing or malformed value, or an unknown option,
/// prints the message and the usage on standard error and exits 64; `--help` prints the usage
/// and exits 0.
package struct BenchmarkArguments {
    private var remaining: [String]
    private let usage: String

    /// The arguments of this process (or `arguments`) with the usage text to print.
    package init(usage: String, arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        self.usage = usage
        self.remaining = arguments
    }

    /// The next argument, `nil` at the end.
    package mutating func next() -> String? {
        guard !self.remaining.isEmpty else { return nil }
        let argument = self.remaining.removeFirst()
        if argument == "--help" || argument == "-h" {
            output(self.usage)
            exit(0)
        }
        return argument
    }

    /// The value that follows `flag`.
    package mutating func value(of flag: String) -> String {
        guard let value = self.remaining.first, !value.hasPrefix("--") else { self.fail("\(flag) needs a value") }
        self.remaining.removeFirst()
        return value
    }

    /// The non-negative integer that follows `flag`.
    package mutating func count(of flag: String) -> Int {
        let text = self.value(of: flag)
        guard let value = Int(text), value >= 0 else { self.fail("\(flag): '\(text)' is not a non-negative integer") }
        return value
    }

    /// The value that follows `flag`, one of `T`'s raw values.
    package mutating func choice<T: RawRepresentable & CaseIterable>(of flag: String, as type: T.Type) -> T where T.RawValue == String {
        let text = self.value(of: flag)
        guard let value = T(rawValue: text) else {
            self.fail("\(flag): '\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// Prints `message` and the usage on standard error and exits 64 (EX_USAGE).
    package func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n\(self.usage)\n".utf8))
        exit(64)
    }

    /// `path` when it names an executable file, otherwise a usage error naming `flag`.
    package func executable(_ path: String, flag: String) -> String {
        guard !path.isEmpty else { self.fail("\(flag) PATH is required") }
        guard FileManager.default.isExecutableFile(atPath: path) else { self.fail("\(flag): \(path) is not an executable file") }
        return path
    }
}
