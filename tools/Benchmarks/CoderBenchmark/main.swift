// CoderBenchmark: encode + decode of a realistic dashboard reply with
// (a) WireEncoder/WireDecoder through Codable, (b) the hand-written fast path, (c) Foundation's
// JSONEncoder/JSONDecoder, in the same run. Prints RESULT and RATIO lines (see tools/bench-coder).
//
// Usage: CoderBenchmark [--rounds N] [--seconds S | --ops N] [--only NAME]
//   --only: one path (for profilers), no RATIO lines. --ops: a fixed number of operations per
//   round instead of a duration (for instruction counts: perf stat / callgrind).

internal import Dispatch
internal import Foundation
internal import Wire

var rounds = 7
var secondsPerRound = 0.4
var only: String?
var fixedOps: Int?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--rounds": rounds = Int(arguments.popFirst() ?? "") ?? rounds
    case "--seconds": secondsPerRound = Double(arguments.popFirst() ?? "") ?? secondsPerRound
    case "--only": only = arguments.popFirst()
    case "--ops": fixedOps = Int(arguments.popFirst() ?? "")
    default:
        FileHandle.standardError.write(Data("usage: CoderBenchmark [--rounds N] [--seconds S | --ops N] [--only NAME]\n".utf8))
        exit(64)
    }
}

let reply = ReceivablesReply.sample()
let wireEncoder = WireEncoder()
let wireDecoder = WireDecoder()
let jsonEncoder = JSONEncoder()
let jsonDecoder = JSONDecoder()

// Sanity: every path round-trips, and the fast path writes exactly the Codable bytes.
do {
    let codableBytes = try wireEncoder.encodeWithoutFastPath(reply)
    let fastBytes = try wireEncoder.encode(reply)
    guard codableBytes == fastBytes else {
        print("FAIL fast path bytes differ from Codable bytes")
        exit(1)
    }
    guard try wireDecoder.decodeWithoutFastPath(ReceivablesReply.self, from: codableBytes) == reply,
        try wireDecoder.decode(ReceivablesReply.self, from: fastBytes) == reply,
        try jsonDecoder.decode(ReceivablesReply.self, from: jsonEncoder.encode(reply)) == reply
    else {
        print("FAIL a round trip changed the value")
        exit(1)
    }
    print("INFO payload wire_bytes=\(fastBytes.count) json_bytes=\(try jsonEncoder.encode(reply).count) kpis=\(reply.kpis.count) rows=\(reply.agedBalance.count)")
} catch {
    print("FAIL \(error)")
    exit(1)
}

struct Measurement {
    var name: String
    var totalOps = 0
    var totalSeconds = 0.0
    var roundRates: [Double] = []
    var latenciesNanoseconds: [UInt64] = []

    var medianRate: Double {
        let sorted = self.roundRates.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    func percentileMicroseconds(_ fraction: Double) -> Double {
        let sorted = self.latenciesNanoseconds.sorted()
        guard !sorted.isEmpty else { return 0 }
        let index = Swift.min(sorted.count - 1, Int(Double(sorted.count) * fraction))
        return Double(sorted[index]) / 1000
    }
}

/// Runs `operation` for `secondsPerRound` per round, `rounds` times, after one warm-up round.
func measure(
    _ name: String,
    rounds: Int,
    secondsPerRound: Double,
    fixedOps: Int? = nil,
    only: String?,
    _ operation: () throws -> Void
) rethrows -> Measurement {
    var measurement = Measurement(name: name)
    if let only, only != name { return measurement }
    for round in 0...rounds {
        var ops = 0
        var latencies: [UInt64] = []
        latencies.reserveCapacity(100_000)
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(secondsPerRound * 1e9)
        var now = start
        while fixedOps.map({ ops < $0 }) ?? (now < deadline) {
            let before = now
            try operation()
            now = DispatchTime.now().uptimeNanoseconds
            latencies.append(now - before)
            ops += 1
        }
        guard round > 0 else { continue }  // warm-up
        let seconds = Double(now - start) / 1e9
        measurement.totalOps += ops
        measurement.totalSeconds += seconds
        measurement.roundRates.append(Double(ops) / seconds)
        measurement.latenciesNanoseconds += latencies
    }
    return measurement
}

var sink = 0
do {
    let codable = try measure("coder-wire-codable", rounds: rounds, secondsPerRound: secondsPerRound, fixedOps: fixedOps, only: only) {
        let bytes = try wireEncoder.encodeWithoutFastPath(reply)
        let value = try wireDecoder.decodeWithoutFastPath(ReceivablesReply.self, from: bytes)
        sink &+= value.kpis.count
    }
    let fast = try measure("coder-wire-fast", rounds: rounds, secondsPerRound: secondsPerRound, fixedOps: fixedOps, only: only) {
        let bytes = try wireEncoder.encode(reply)
        let value = try wireDecoder.decode(ReceivablesReply.self, from: bytes)
        sink &+= value.kpis.count
    }
    let json = try measure("coder-json-foundation", rounds: rounds, secondsPerRound: secondsPerRound, fixedOps: fixedOps, only: only) {
        let data = try jsonEncoder.encode(reply)
        let value = try jsonDecoder.decode(ReceivablesReply.self, from: data)
        sink &+= value.kpis.count
    }
    // Profiling aids, only with --only: one direction of one path.
    let codableBytes = try wireEncoder.encodeWithoutFastPath(reply)
    let encodeOnly = try measure("coder-wire-codable-encode", rounds: rounds, secondsPerRound: secondsPerRound, fixedOps: fixedOps, only: only ?? "-") {
        sink &+= try wireEncoder.encodeWithoutFastPath(reply).count
    }
    let decodeOnly = try measure("coder-wire-codable-decode", rounds: rounds, secondsPerRound: secondsPerRound, fixedOps: fixedOps, only: only ?? "-") {
        sink &+= try wireDecoder.decodeWithoutFastPath(ReceivablesReply.self, from: codableBytes).kpis.count
    }
    for result in [codable, fast, json, encodeOnly, decodeOnly] where result.totalOps > 0 {
        let line = String(
            format: "RESULT name=%@ ops=%d secs=%.3f rate=%.1f p50_us=%.2f p99_us=%.2f",
            result.name,
            result.totalOps,
            result.totalSeconds,
            result.medianRate,
            result.percentileMicroseconds(0.50),
            result.percentileMicroseconds(0.99)
        )
        print(line)
    }
    guard only == nil else { exit(0) }
    print(String(format: "RATIO name=coder-fast-vs-json value=%.2f", fast.medianRate / json.medianRate))
    print(String(format: "RATIO name=coder-codable-vs-json value=%.2f", codable.medianRate / json.medianRate))
} catch {
    print("FAIL \(error)")
    exit(1)
}
if sink == 42 { print("") }
