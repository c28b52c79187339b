internal import Foundation
import Synchronization

/// TEMPORARY probe (not committed).
final class StageProbe: Sendable {
    static let shared = StageProbe()
    let samples = Mutex<[String: [Double]]>([:])
    let count = Atomic<Int>(0)
    func add(_ name: String, _ d: Duration) {
        let ms = Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000
        self.samples.withLock { $0[name, default: []].append(ms) }
    }
    func tick() {
        let n = self.count.add(1, ordering: .relaxed).newValue
        if n % 400 == 0 {
            let text = self.samples.withLock { s -> String in
                let t = s.sorted { $0.key < $1.key }.map { k, v in
                    let sorted = v.sorted(); return "\(k) n=\(sorted.count) p50=\(String(format: "%.3f", sorted[sorted.count / 2])) p90=\(String(format: "%.3f", sorted[sorted.count * 9 / 10])) max=\(String(format: "%.3f", sorted.last ?? 0))"
                }.joined(separator: "\n")
                s = [:]
                return t
            }
            FileHandle.standardError.write(Data("PROBE n=\(n)\n\(text)\n".utf8))
        }
    }
}
