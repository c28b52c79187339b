internal import Foundation
internal import ServerSupport
internal import WorkerService

/// `pilotage-worker`: computes a gateway's dirty rollup partitions (no database of its own).
@main
struct WorkerCommand {
    static let usage = """
        usage: pilotage-worker [--address HOST:PORT] (--token TOKEN | --token-file PATH) [--worker-id ID]
                               [--concurrency N] [--lease-seconds N] [--max-partitions N]
                               [--idle-poll-ms N] [--record-cache N] [--log-level LEVEL]

          --address HOST:PORT   gateway (default $PILOTAGE_ADDRESS or 127.0.0.1:7400)
          --token TOKEN         worker credential (default $PILOTAGE_TOKEN)
          --token-file PATH     file holding the worker credential (default $PILOTAGE_TOKEN_FILE)
          --worker-id ID        lease holder id (default <hostname>-<pid>); loops add -1, -2 …
          --concurrency N       batches computed in parallel (default 2: the next batch is
                                fetched and computed while the previous one commits)
          --lease-seconds N     lease duration, renewed every third of it (default 30)
          --max-partitions N    partitions per batch (default 128, at most 240)
          --idle-poll-ms N      longest pause between lease requests when idle (default 100)
          --record-cache N      records kept decoded between batches, with their facts and
                                each client's share of its group's rows, so that a batch
                                over clients seen before fetches and computes only what
                                changed since (default 5000000, about 1.5 GB: ~300 bytes a
                                record; 0: off)
          --log-level LEVEL     trace, debug, info, notice, warning, error, critical (default info)

        Prints "worker ID started" on standard output once running; SIGTERM or SIGINT stop
        leasing, let the batches in progress finish, then exit.
        """

    static func main() async {
        let configuration: WorkerConfiguration
        let level: Logger.Level?
        do {
            (configuration, level) = try Self.parse(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
        } catch let error as UsageError {
            FileHandle.standardError.write(Data("pilotage-worker: \(error.message)\n\n\(Self.usage)\n".utf8))
            exit(ExitCode.usage)
        } catch {
            FileHandle.standardError.write(Data("pilotage-worker: \(error)\n".utf8))
            exit(ExitCode.failure)
        }
        let logger = Logger(label: "worker", level: level)
        let worker = Worker(configuration: configuration, logger: logger)
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await signal in TerminationSignals() {
                    logger.notice("shutting down", metadata: ["signal": "\(signal)"])
                    worker.beginGracefulShutdown()
                    break
                }
            }
            FileHandle.standardOutput.write(Data("worker \(configuration.workerID) started\n".utf8))
            logger.notice(
                "worker started",
                metadata: [
                    "gateway": "\(configuration.host):\(configuration.port)", "concurrency": "\(configuration.concurrency)",
                    "record_cache": "\(configuration.recordCacheCapacity)",
                ]
            )
            await worker.run()
            group.cancelAll()
        }
        let counters = worker.counters
        logger.notice(
            "worker stopped",
            metadata: ["batches": "\(counters.batches)", "partitions": "\(counters.partitions)", "records": "\(counters.records)"]
        )
        exit(ExitCode.success)
    }

    static func parse(_ raw: [String], environment: [String: String]) throws -> (WorkerConfiguration, Logger.Level?) {
        let arguments = try CommandLineArguments(
            raw,
            options: [
                "--address": .value, "--token": .value, "--token-file": .value, "--worker-id": .value,
                "--concurrency": .value, "--lease-seconds": .value, "--max-partitions": .value, "--idle-poll-ms": .value,
                "--record-cache": .value, "--log-level": .value, "--help": .flag,
            ],
            aliases: ["-h": "--help", "-a": "--address"]
        )
        if arguments.flag("--help") {
            print(Self.usage)
            exit(ExitCode.success)
        }
        try arguments.expectNoMorePositionals()
        var host = "127.0.0.1"
        var port = 7400
        if let address = arguments.value("--address") ?? environment["PILOTAGE_ADDRESS"] {
            let parts = address.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let number = Int(parts[1]), (1...65535).contains(number) else {
                throw UsageError("--address expects HOST:PORT, got '\(address)'")
            }
            host = parts[0].isEmpty ? "127.0.0.1" : String(parts[0])
            port = number
        }
        var token = arguments.value("--token")
        if token == nil, let path = arguments.value("--token-file") ?? (environment["PILOTAGE_TOKEN"] == nil ? environment["PILOTAGE_TOKEN_FILE"] : nil) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw UsageError("cannot read the token file '\(path)'")
            }
            token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        token = token ?? environment["PILOTAGE_TOKEN"]
        guard let token, !token.isEmpty else { throw UsageError("a worker credential is needed: --token or --token-file") }
        let defaultID = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        var configuration = WorkerConfiguration(host: host, port: port, token: token, workerID: arguments.value("--worker-id") ?? defaultID)
        guard !configuration.workerID.isEmpty, configuration.workerID.utf8.count <= 120 else {
            throw UsageError("--worker-id needs 1 to 120 bytes")
        }
        configuration.concurrency = try arguments.integer("--concurrency", default: 2, in: 1...64)
        configuration.leaseSeconds = try arguments.integer("--lease-seconds", default: 30, in: 1...600)
        configuration.maxPartitions = try arguments.integer("--max-partitions", default: 128, in: 1...240)
        configuration.idlePoll = .milliseconds(try arguments.integer("--idle-poll-ms", default: 100, in: 10...60_000))
        configuration.recordCacheCapacity = try arguments.integer("--record-cache", default: 5_000_000, in: 0...1_000_000_000)
        var level: Logger.Level?
        if let name = arguments.value("--log-level") {
            guard let parsed = Logger.Level(name: name) else { throw UsageError("unknown log level '\(name)'") }
            level = parsed
        }
        return (configuration, level)
    }
}
