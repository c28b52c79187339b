internal import Foundation
internal import Glibc
internal import GatewayService
internal import PilotageProtocol
internal import ServerSupport
internal import Wire

/// `pilotage-gateway`: serves every firm of a data directory over the Pilotage RPC protocol.
@main
struct GatewayCommand {
    static let usage = """
        usage: pilotage-gateway [--data DIR] [--host ADDR] [--port N] [--pool-capacity N]
                                [--max-rows-per-batch N] [--today YYYY-MM-DD] [--log-level LEVEL]

          --data DIR              catalog.sqlite, tenants/ and operator.token (default $PILOTAGE_DATA or ./pilotage-data)
          --host ADDR             IPv4 address to listen on (default 127.0.0.1)
          --port N                TCP port, 0 for any free port (default 7400)
          --pool-capacity N       firm files kept open at once (default 256)
          --max-rows-per-batch N  ingestion batch limit (default 10000)
          --today YYYY-MM-DD      fixed business date for every firm (tests, reproducible demos)
          --log-level LEVEL       trace, debug, info, notice, warning, error, critical (default info)

        Prints "listening on HOST:PORT" on standard output once bound; SIGTERM or SIGINT drain
        in-flight calls and stop.
        """

    static func main() async {
        let configuration: GatewayConfiguration
        let level: Logger.Level?
        do {
            (configuration, level) = try Self.parse(Array(CommandLine.arguments.dropFirst()))
        } catch let error as UsageError {
            FileHandle.standardError.write(Data("pilotage-gateway: \(error.message)\n\n\(Self.usage)\n".utf8))
            exit(ExitCode.usage)
        } catch {
            FileHandle.standardError.write(Data("pilotage-gateway: \(error)\n".utf8))
            exit(ExitCode.failure)
        }
        let logger = Logger(label: "gateway", level: level)
        Self.raiseDescriptorLimit(logger: logger)
        do {
            let gateway = try await Gateway.build(configuration: configuration, logger: logger)
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await gateway.run() }
                let address = try await gateway.listeningAddress
                FileHandle.standardOutput.write(Data("listening on \(address)\n".utf8))
                logger.notice("listening", metadata: ["address": "\(address)", "data": configuration.dataDirectory])
                group.addTask {
                    for await signal in TerminationSignals() {
                        logger.notice("shutting down", metadata: ["signal": "\(signal)"])
                        gateway.beginGracefulShutdown()
                        break
                    }
                }
            }
        } catch {
            logger.critical("gateway failed: \(error)")
            exit(ExitCode.failure)
        }
        exit(ExitCode.success)
    }

    /// Each open firm holds about five descriptors (database, WAL, shared memory, readers): raise
    /// the soft limit to the hard one so that a pool of 256 firms fits.
    static func raiseDescriptorLimit(logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        let previous = limit.rlim_cur
        limit.rlim_cur = limit.rlim_max
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            logger.debug("raised the descriptor limit", metadata: ["from": "\(previous)", "to": "\(limit.rlim_cur)"])
        }
    }

    static func parse(_ raw: [String]) throws -> (GatewayConfiguration, Logger.Level?) {
        let arguments = try CommandLineArguments(
            raw,
            options: [
                "--data": .value, "--host": .value, "--port": .value, "--pool-capacity": .value,
                "--max-rows-per-batch": .value, "--today": .value, "--log-level": .value, "--help": .flag,
            ],
            aliases: ["-h": "--help"]
        )
        if arguments.flag("--help") {
            print(Self.usage)
            exit(ExitCode.success)
        }
        try arguments.expectNoMorePositionals()
        let data = arguments.value("--data") ?? ProcessInfo.processInfo.environment["PILOTAGE_DATA"] ?? "pilotage-data"
        var configuration = GatewayConfiguration(
            dataDirectory: data,
            host: arguments.value("--host") ?? "127.0.0.1",
            port: try arguments.integer("--port", default: 7400, in: 0...65535)
        )
        configuration.tenantPoolCapacity = try arguments.integer("--pool-capacity", default: 256, in: 1...100_000)
        configuration.ingestLimits.maxRowsPerBatch = try arguments.integer("--max-rows-per-batch", default: 10_000, in: 1...1_000_000)
        if let text = arguments.value("--today") {
            guard let today = CalendarDate(text) else { throw UsageError("--today expects YYYY-MM-DD, got '\(text)'") }
            configuration.fixedToday = today
        }
        var level: Logger.Level?
        if let name = arguments.value("--log-level") {
            guard let parsed = Logger.Level(name: name) else { throw UsageError("unknown log level '\(name)'") }
            level = parsed
        }
        return (configuration, level)
    }
}
