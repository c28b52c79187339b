internal import Foundation
internal import Glibc

/// Progress of a long command on standard error: a redrawn bar on a terminal, plain lines
/// (at most one every few seconds) otherwise, so logs of scripted runs stay readable.
final class ProgressReporter: @unchecked Sendable {  // Safe: used from the command's single task.
    // @unchecked Sendable: every method is called from the single task that runs the command.
    private let label: String
    private let isTerminal: Bool
    private var lastPlainLine = ContinuousClock.now
    private let started = ContinuousClock.now
    private var lastWidth = 0

    init(label: String, plain: Bool) {
        self.label = label
        self.isTerminal = !plain && isatty(STDERR_FILENO) == 1
    }

    /// Shows `done` of `total` (total unknown: counts only) and a short status.
    func update(done: Int, total: Int?, status: String) {
        let elapsed = max((ContinuousClock.now - self.started).seconds, 0.001)
        let rate = Int(Double(done) / elapsed)
        if self.isTerminal {
            var line = "\(self.label) "
            if let total, total > 0 {
                let fraction = min(Double(done) / Double(total), 1)
                let filled = Int(fraction * 30)
                line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled) + "] "
                line += "\(Int(fraction * 100))% \(done)/\(total)"
            } else {
                line += "\(done) rows"
            }
            line += "  \(rate)/s  \(status)"
            let padding = String(repeating: " ", count: max(0, self.lastWidth - line.count))
            self.lastWidth = line.count
            FileHandle.standardError.write(Data(("\r" + line + padding).utf8))
        } else if ContinuousClock.now - self.lastPlainLine >= .seconds(2) {
            self.lastPlainLine = ContinuousClock.now
            let of = total.map { " of \($0)" } ?? ""
            FileHandle.standardError.write(Data("\(self.label): \(done)\(of) rows, \(rate)/s, \(status)\n".utf8))
        }
    }

    /// Ends the bar (a newline on a terminal).
    func finish() {
        if self.isTerminal, self.lastWidth > 0 {
            FileHandle.standardError.write(Data("\n".utf8))
        }
    }
}

extension Duration {
    /// The duration in seconds, for rates.
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
