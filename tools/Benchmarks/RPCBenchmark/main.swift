// RPCBenchmark: the Swift side of `tools/bench-rpc`.
//
//   RPCBenchmark server [--port P] [--loops N] [--spin-us U]   serve until stdin closes; prints "PORT <n>"
//   RPCBenchmark unary --port P --concurrency C --seconds S [--size B]
//   RPCBenchmark stream --port P --count N [--size B]
//
// Client modes print one line per scenario:
//   RESULT name=<scenario> ops=<n> secs=<s> rate=<per second> p50_us=<x> p99_us=<y>

import Foundation
import RPCCore
import RPCTransportTCP
import ServerSupport

/// An opaque payload; the benchmark codec moves its bytes as they are.
struct Payload: Codable, Sendable {
    var bytes: [UInt8]
}

/// Bytes-in, bytes-out codec: measures the runtime, not a message coder (see bench-coder).
struct PassthroughCodec: MessageCodec {
    struct Unsupported: Error {}

    func serialize<Message: Encodable>(_ message: Message) throws -> [UInt8] {
        guard Message.self == Payload.self else { throw Unsupported() }
        // Checked above: Message is Payload.
        return unsafeBitCast(message, to: Payload.self).bytes
    }

    func deserialize<Message: Decodable>(_ type: Message.Type, from bytes: ArraySlice<UInt8>) throws -> Message {
        guard Message.self == Payload.self else { throw Unsupported() }
        // Checked above: Message is Payload.
        return unsafeBitCast(Payload(bytes: Array(bytes)), to: Message.self)
    }
}

struct StreamRequest: Codable, Sendable {
    var count: Int
    var size: Int
}

enum Bench {
    static let echo = MethodDescriptor<Payload, Payload>(service: "bench.Bench", method: "Echo", kind: .unary)
    static let stream = MethodDescriptor<Payload, Payload>(
        service: "bench.Bench",
        method: "Stream",
        kind: .serverStreaming
    )
}

func argument(_ name: String, default value: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--" + name), index + 1 < arguments.count,
        let parsed = Int(arguments[index + 1])
    else { return value }
    return parsed
}

func runServer() async throws {
    var service = ServiceDefinition(name: "bench.Bench")
    service.unary(Bench.echo) { request, _ in request }
    service.serverStreaming(Bench.stream) { request, writer, _ in
        // The request carries count (u32 big-endian) then size (u32).
        let bytes = request.bytes
        guard bytes.count >= 8 else { throw RPCError(code: .invalidArgument, message: "need count and size") }
        let count = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        let size = bytes[4..<8].reduce(0) { $0 << 8 | Int($1) }
        let message = Payload(bytes: [UInt8](repeating: 0x5A, count: size))
        for _ in 0..<count { try await writer.write(message) }
    }
    let loops = argument("loops", default: 1)
    let group = try EventLoopGroup(
        loopCount: loops,
        name: "bench.server",
        spinDuration: .microseconds(argument("spin-us", default: 0))
    )
    var configuration = RPCServer.Configuration()
    configuration.maxConcurrentCallsPerConnection = 1000
    let server = try RPCServer(
        transport: TCPServerTransport(host: "127.0.0.1", port: argument("port", default: 0), group: group),
        services: [service],
        configuration: configuration,
        codec: PassthroughCodec(),
        logger: Logger(label: "bench.server", level: .warning)
    )
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await server.serve() }
        let address = try await server.listeningAddress
        FileHandle.standardOutput.write(Data("PORT \(address.port)\n".utf8))
        // Run until stdin closes (the script holds it open) .
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                while readLine() != nil {}
                continuation.resume()
            }
        }
        server.beginGracefulShutdown()
        try await tasks.waitForAll()
    }
}

/// The client's single event loop; client tasks prefer it as their executor (no thread hop
/// between the socket and the awaiting task), unless `--pool` asks for the cooperative pool.
let clientGroup: EventLoopGroup = {
    do {
        return try EventLoopGroup(
            loopCount: 1,
            name: "bench.client",
            spinDuration: .microseconds(argument("spin-us", default: 0))
        )
    } catch {
        fatalError("cannot start the client loop: \(error)")
    }
}()

let usesPool = CommandLine.arguments.contains("--pool")

func onClientExecutor<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
    if usesPool { return try await body() }
    return try await withTaskExecutorPreference(clientGroup.loops[0]) { try await body() }
}

func makeClient() throws -> RPCClient {
    let group = clientGroup
    return RPCClient(
        transport: TCPClientTransport(host: "127.0.0.1", port: argument("port", default: 0), group: group),
        codec: PassthroughCodec(),
        logger: Logger(label: "bench.client", level: .warning)
    )
}

func percentile(_ sorted: [UInt64], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let index = min(sorted.count - 1, Int(Double(sorted.count) * fraction))
    return Double(sorted[index]) / 1000
}

func report(_ name: String, ops: Int, seconds: Double, latencies: [UInt64]) {
    let sorted = latencies.sorted()
    let rate = Double(ops) / seconds
    print(
        "RESULT name=\(name) ops=\(ops) secs=\(String(format: "%.3f", seconds)) rate=\(String(format: "%.0f", rate)) p50_us=\(String(format: "%.1f", percentile(sorted, 0.5))) p99_us=\(String(format: "%.1f", percentile(sorted, 0.99)))"
    )
}

func nanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

@concurrent func runUnary() async throws {
    let client = try makeClient()
    let concurrency = argument("concurrency", default: 1)
    let seconds = argument("seconds", default: 3)
    let size = argument("size", default: 100)
    let payload = Payload(bytes: [UInt8](repeating: 7, count: size))
    // Warm up: connect and run a few calls.
    for _ in 0..<200 { _ = try await client.unary(Bench.echo, payload) }
    let start = nanoseconds()
    let end = start + UInt64(seconds) * 1_000_000_000
    let results = try await withThrowingTaskGroup(of: [UInt64].self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                var latencies: [UInt64] = []
                latencies.reserveCapacity(1 << 16)
                while true {
                    let before = nanoseconds()
                    if before >= end { break }
                    _ = try await client.unary(Bench.echo, payload)
                    latencies.append(nanoseconds() - before)
                }
                return latencies
            }
        }
        var all: [UInt64] = []
        for try await latencies in group { all.append(contentsOf: latencies) }
        return all
    }
    let elapsed = Double(nanoseconds() - start) / 1e9
    report("swift_unary_c\(concurrency)", ops: results.count, seconds: elapsed, latencies: results)
    client.close()
}

@concurrent func runStream() async throws {
    let client = try makeClient()
    let count = argument("count", default: 1_000_000)
    let size = argument("size", default: 100)
    var request: [UInt8] = []
    for value in [count, size] {
        request += [
            UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
            UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value),
        ]
    }
    // Warm up.
    var warm: [UInt8] = [0, 0, 0x27, 0x10]
    warm += request[4..<8]
    for try await _ in try await client.serverStreaming(Bench.stream, Payload(bytes: warm)) {}
    let start = nanoseconds()
    var received = 0
    var bytes = 0
    for try await message in try await client.serverStreaming(Bench.stream, Payload(bytes: request)) {
        received += 1
        bytes += message.bytes.count
    }
    let elapsed = Double(nanoseconds() - start) / 1e9
    guard received == count, bytes == count * size else {
        print("error: received \(received) messages, \(bytes) bytes")
        exit(1)
    }
    report("swift_stream", ops: received, seconds: elapsed, latencies: [])
    client.close()
}

let mode = CommandLine.arguments.dropFirst().first ?? ""
switch mode {
case "server": try await runServer()
case "unary": try await onClientExecutor { try await runUnary() }
case "stream": try await onClientExecutor { try await runStream() }
default:
    print("usage: RPCBenchmark server|unary|stream [--port P] [--concurrency C] [--seconds S] [--count N] [--size B]")
    exit(64)
}
