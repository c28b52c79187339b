internal import Foundation
internal import RPCCore
internal import RPCTransportTCP
internal import ServerSupport

/// The `pilotage` command line: call any method, import data, administer firms and credentials.
///
/// Exit codes: 0 success, 1 failure (the error is printed with its status name), 64 usage error.
public enum PilotageCLI {
    static let usage = """
        usage: pilotage COMMAND [OPTIONS]

        Calls (JSON in, JSON out, through reflection: no schema file):
          pilotage health [SERVICE]                 health of the gateway or of one service
          pilotage list                             services and methods
          pilotage describe SERVICE/METHOD          kind and message shapes of a method
          pilotage call SERVICE/METHOD [JSON|-]     call a method; '-' reads JSON from stdin
                                                    (client streaming: a JSON array, or one value per line)
        Data:
          pilotage import fec FILE... [--batch-size N] [--all-or-nothing]
          pilotage import csv DIR|FILE [--kind KIND] [--batch-size N] [--all-or-nothing]
          pilotage import jsonl FILE [--batch-size N] [--all-or-nothing]
          pilotage import demo [--size small|medium|large] [--seed N] [--today YYYY-MM-DD]
                                                    generate a realistic firm and ingest it
          pilotage ingestions [--limit N]           the firm's latest batches
        Dashboards:
          pilotage dashboard practice|receivables|prospects [--level 1|2|3] [filters]
                                                    KPIs at D with a 30-day sparkline (1), series
                                                    (2: --from --to --periodicity), client or deal
                                                    rows (3: --sort --search --cursor --csv FILE);
                                                    filters --collaborator --office --mode
                                                    --frequency --include-deactivated --fiscal-year
                                                    --unit; --explain, --verify
        Rollups:
          pilotage status [--firm F]                freshness and rollup lag (an operator sees every firm)
          pilotage verify --firm F [--date D]...    recompute every level-1 answer (KPIs, sections, practice)
                                                    from raw facts;
                                                    exit 1 and print the differences if any
        Collection supervisor (acting collaborator: --user):
          pilotage supervisor list [--from D] [--to D] [--agent A] [--client C] [--collective ACCOUNT]
                                   [--min-amount EUR] [--max-amount EUR] [--due-from D] [--due-to D]
                                   [--group MODE] [--search TEXT] [--sort COLUMN[:desc]] [--csv FILE]
          pilotage supervisor validate|ignore ITEM... | modify ITEM... --code ACTION   [--note TEXT] [--request-id ID]
          pilotage supervisor print ITEM... --out FILE [--group MODE]   printable HTML; one PRINTED event per item
          pilotage supervisor client CLIENT [--as-of D] | preview [--days N] | strategies
        Operators:
          pilotage firm create ID NAME | firm list | firm suspend ID | firm resume ID
          pilotage credential issue back-office|worker|operator --label TEXT [--firm F]... [--acting-user U]
          pilotage credential revoke ID | credential list

        Options:
          -a, --address HOST:PORT   gateway (default $PILOTAGE_ADDRESS or 127.0.0.1:7400)
          --deadline DURATION       per-call deadline: 500ms, 5s, 2m
          --token TOKEN             credential (default $PILOTAGE_TOKEN); --token-file PATH ($PILOTAGE_TOKEN_FILE)
          --firm FIRM               firm the call is for (default $PILOTAGE_FIRM)
          --user COLLABORATOR       collaborator the call acts for (default $PILOTAGE_USER)
          -H, --metadata KEY=VALUE  extra metadata (repeatable)
          --json                    machine-readable output
          --no-progress             plain progress lines even on a terminal
        """

    /// Runs one command line (without the executable name) and returns the exit code.
    public static func run(_ raw: [String], environment: [String: String]? = nil) async -> Int32 {
        let environment = environment ?? ProcessInfo.processInfo.environment
        var output = CLIOutput(json: raw.contains("--json"))
        let arguments: CommandLineArguments
        let options: CLIOptions
        do {
            arguments = try CommandLineArguments(raw, options: CLIOptions.specification, aliases: CLIOptions.aliases)
            options = try CLIOptions(arguments, environment: environment)
        } catch let error as UsageError {
            output.failure(error)
            output.diagnostic("\n" + Self.usage)
            return ExitCode.usage
        } catch {
            output.failure(error)
            return ExitCode.usage
        }
        output.json = options.json
        if arguments.flag("--help") || raw.isEmpty {
            output.print(Self.usage)
            return raw.isEmpty ? ExitCode.usage : ExitCode.success
        }
        let client = RPCClient(
            transport: TCPClientTransport(host: options.host, port: options.port),
            logger: Logger(label: "pilotage", level: .warning)
        )
        defer { client.close() }
        let context = CommandContext(client: client, options: options, arguments: arguments, output: output, environment: environment)
        do {
            try await Self.dispatch(context)
            return ExitCode.success
        } catch let error as UsageError {
            // The command line parsed: a bad request or argument of the command itself; the error says which.
            output.failure(error)
            output.diagnostic("(pilotage --help lists the commands)")
            return ExitCode.usage
        } catch {
            output.failure(error)
            return ExitCode.failure
        }
    }

    static func dispatch(_ context: CommandContext) async throws {
        var context = context
        let command = try context.arguments.nextPositional("COMMAND")
        switch command {
        case "health": try await CallCommands.health(context)
        case "list": try await CallCommands.list(context)
        case "describe": try await CallCommands.describe(context)
        case "call": try await CallCommands.call(context)
        case "import": try await ImportCommand.run(context)
        case "ingestions": try await AdminCommands.ingestions(context)
        case "dashboard": try await DashboardCommand.run(context)
        case "status": try await RollupCommands.status(context)
        case "verify": try await RollupCommands.verify(context)
        case "firm": try await AdminCommands.firm(context)
        case "credential": try await AdminCommands.credential(context)
        case "supervisor": try await SupervisorCommands.run(context)
        default: throw UsageError("unknown command '\(command)'")
        }
    }
}

/// What a command runs with.
struct CommandContext: Sendable {
    let client: RPCClient
    let options: CLIOptions
    var arguments: CommandLineArguments
    let output: CLIOutput
    let environment: [String: String]

    var metadata: Metadata { self.options.metadata }
    var deadline: ContinuousClock.Instant? { self.options.callDeadline }

    /// Calls a unary method with the command's metadata and deadline.
    func unary<Request, Response>(_ method: MethodDescriptor<Request, Response>, _ request: Request) async throws -> Response {
        try await self.client.unary(method, request, metadata: self.metadata, deadline: self.deadline)
    }
}
