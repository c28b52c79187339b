// What the process-level benchmarks share: output lines, statistics and child processes.

package import Foundation
internal import Glibc

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
        var buffer = Data()
        while true {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw CocoaError(.fileReadUnknown) }
            buffer.append(chunk)
            if let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first(where: { $0.hasPrefix(readyPrefix) }) {
                self.firstLine = String(line)
                break
            }
        }
        let reader = output.fileHandleForReading
        Thread.detachNewThread { while !reader.availableData.isEmpty {} }
    }

    /// SIGTERM, then waits for the exit.
    package func stop() {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGTERM) }
        self.process.waitUntilExit()
    }
}
