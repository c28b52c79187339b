internal import Foundation
internal import RPCCore
internal import RPCTransportTCP
internal import ServerSupport
internal import Wire

/// `pilotage dashboard practice|receivables|prospects`: the three dashboards at three levels,
/// rendered as terminal tables (sparklines for level-1 history, bars for level-2 series) or as
/// JSON; level 3 pages with a cursor and exports CSV. Requests and replies go through
/// reflection, like `pilotage call`.
enum DashboardCommand {
    /// The methods behind one dashboard.
    struct Methods: Sendable {
        var summary: String
        var series: String
        var table: String
        var export: String
        var view: String
    }

    static let dashboards: [String: Methods] = [
        "receivables": Methods(
            summary: "pilotage.dashboard.Receivables/Summary",
            series: "pilotage.dashboard.Receivables/Series",
            table: "pilotage.dashboard.Clients/Page",
            export: "pilotage.dashboard.Clients/Export",
            view: "receivables"
        ),
        "practice": Methods(
            summary: "pilotage.dashboard.Practice/Summary",
            series: "pilotage.dashboard.Practice/Series",
            table: "pilotage.dashboard.Clients/Page",
            export: "pilotage.dashboard.Clients/Export",
            view: "practice"
        ),
        "prospects": Methods(
            summary: "pilotage.dashboard.Prospects/Summary",
            series: "pilotage.dashboard.Prospects/Series",
            table: "pilotage.dashboard.Prospects/Deals",
            export: "pilotage.dashboard.Prospects/ExportDeals",
            view: "deals"
        ),
    ]

    static let usage = """
        pilotage dashboard practice|receivables|prospects [--level 1|2|3] [filters] [--json]
          level 1   --as-of D                         KPIs at D with their 30-day history
                    --breakdown N|all                 collaborators (and receivables: offices) in the
                                                      breakdowns (default 10, those with most clients)
          level 2   --from D --to D --periodicity day|week|month|quarter [--kpi K]...
          level 3   --as-of D [--view V] [--sort COLUMN[:desc]]... [--search TEXT]
                    [--page-size N] [--cursor C] [--csv FILE [--watermark W]]
          filters   --collaborator C... --office O... --mode firm|client
                    --frequency monthly|quarterly|yearly --include-deactivated
                    --fiscal-year N --unit U (prospects)
          also      --explain (the parts behind each number), --verify (compare with raw facts),
                    --max-staleness SECONDS
        """

    static func run(_ context: CommandContext) async throws {
        var context = context
        let name = try context.arguments.nextPositional("DASHBOARD (practice, receivables or prospects)")
        guard let methods = Self.dashboards[name] else {
            throw UsageError("unknown dashboard '\(name)'; choose practice, receivables or prospects\n\(Self.usage)")
        }
        try context.arguments.expectNoMorePositionals()
        let level = try context.arguments.integer("--level", default: 1, in: 1...3)
        let request = try Self.request(context.arguments, level: level, view: methods.view, dashboard: name)
        if level != 3, context.arguments.value("--csv") != nil {
            throw UsageError("--csv exports level-3 rows: add --level 3")
        }
        if level == 3, let path = context.arguments.value("--csv") {
            try await Self.export(context, method: methods.export, request: request, path: path)
            return
        }
        let method = [methods.summary, methods.series, methods.table][level - 1]
        let reply = try await Self.unary(context, method: method, request: request)
        if context.output.json {
            context.output.print(reply)
        } else {
            let value = try JSONParser.parse(reply)
            context.output.print(DashboardRenderer().render(value, title: "\(name) · level \(level)"))
        }
    }

    /// The request JSON of a level from the command's flags (only the flags given; a flag the
    /// method does not take is refused by the gateway's schema with the list of its fields).
    static func request(_ arguments: CommandLineArguments, level: Int, view: String, dashboard: String) throws -> [String: Any] {
        var request: [String: Any] = [:]
        var filter: [String: Any] = [:]
        let collaborators = arguments.values("--collaborator")
        if !collaborators.isEmpty { filter["collaborators"] = collaborators }
        let offices = arguments.values("--office")
        if !offices.isEmpty { filter["offices"] = offices }
        if let mode = arguments.value("--mode") { filter["bookkeeping_mode"] = try Self.choice(mode, "--mode", ["FIRM", "CLIENT"]) }
        if let frequency = arguments.value("--frequency") {
            filter["frequency"] = try Self.choice(frequency, "--frequency", ["MONTHLY", "QUARTERLY", "YEARLY"])
        }
        if arguments.flag("--include-deactivated") { filter["include_deactivated"] = true }
        if !filter.isEmpty { request["filter"] = filter }
        if let year = arguments.value("--fiscal-year") {
            guard let number = Int(year) else { throw UsageError("--fiscal-year expects a year, got '\(year)'") }
            request["fiscal_year"] = number
        }
        if let unit = arguments.value("--unit") { request["unit"] = unit }
        if let seconds = arguments.value("--max-staleness") {
            guard let number = Double(seconds), number >= 0 else { throw UsageError("--max-staleness expects seconds, got '\(seconds)'") }
            request["max_staleness_seconds"] = number
        }
        switch level {
        case 1 where dashboard == "prospects":
            // Prospects level 1 is per fiscal year (as of today and the same day of N−1), and
            // filters deals by organisation units and team collaborators.
            request["filter"] = nil
            if !collaborators.isEmpty { request["collaborators"] = collaborators }
            if let unit = request.removeValue(forKey: "unit") { request["units"] = [unit] }
            if arguments.flag("--explain") { request["explain"] = true }
            if arguments.flag("--verify") { request["verify"] = true }
        case 1:
            if let date = try Self.date(arguments, "--as-of") { request["as_of"] = date }
            if let date = try Self.date(arguments, "--from") { request["from"] = date }
            if let date = try Self.date(arguments, "--to") { request["to"] = date }
            if let limit = arguments.value("--breakdown") {
                // `all`: the gateway's maximum (`ReceivablesSummaryRequest.maximumBreakdownLimit`).
                guard let number = limit == "all" ? 10_000 : Int(limit), number >= 0 else {
                    throw UsageError("--breakdown expects a number of lines or 'all', got '\(limit)'")
                }
                request["breakdown_limit"] = number
            }
            if arguments.flag("--explain") { request["explain"] = true }
            if arguments.flag("--verify") { request["verify"] = true }
        case 2:
            if let date = try Self.date(arguments, "--from") { request["from"] = date }
            if let date = try Self.date(arguments, "--to") { request["to"] = date }
            if let periodicity = arguments.value("--periodicity") {
                request["periodicity"] = try Self.choice(periodicity, "--periodicity", ["DAY", "WEEK", "MONTH", "QUARTER"])
            }
            let kpis = arguments.values("--kpi")
            if !kpis.isEmpty { request["kpis"] = kpis }
            if arguments.flag("--explain") { request["explain"] = true }
            if arguments.flag("--verify") { request["verify"] = true }
        default:
            request["view"] = arguments.value("--view") ?? view
            if let date = try Self.date(arguments, "--as-of") { request["as_of"] = date }
            if let search = arguments.value("--search") { request["search"] = search }
            let sort = arguments.values("--sort").map(Self.sortKey)
            if !sort.isEmpty { request["sort"] = sort }
            if let size = arguments.value("--page-size") {
                guard let number = Int(size) else { throw UsageError("--page-size expects a number, got '\(size)'") }
                request["page_size"] = number
            }
            if let cursor = arguments.value("--cursor") { request["cursor"] = cursor }
            if let watermark = arguments.value("--watermark") {
                guard let number = Int64(watermark) else { throw UsageError("--watermark expects a number, got '\(watermark)'") }
                request["watermark"] = number
            }
        }
        return request
    }

    /// `COLUMN`, `COLUMN:desc`, `COLUMN:asc` or `-COLUMN`.
    static func sortKey(_ text: String) -> [String: Any] {
        if text.hasPrefix("-") { return ["column": String(text.dropFirst()), "descending": true] }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let descending = parts.count == 2 && parts[1].lowercased().hasPrefix("desc")
        return ["column": parts.first ?? text, "descending": descending]
    }

    static func choice(_ value: String, _ flag: String, _ allowed: [String]) throws -> String {
        let upper = value.uppercased()
        guard allowed.contains(upper) else {
            throw UsageError("\(flag) expects one of \(allowed.map { $0.lowercased() }.joined(separator: ", ")), got '\(value)'")
        }
        return upper
    }

    static func date(_ arguments: CommandLineArguments, _ flag: String) throws -> String? {
        guard let text = arguments.value(flag) else { return nil }
        guard CalendarDate(text) != nil else { throw UsageError("\(flag) expects YYYY-MM-DD, got '\(text)'") }
        return text
    }

    /// Calls a unary method through reflection; returns the reply as pretty JSON.
    static func unary(_ context: CommandContext, method: String, request: [String: Any]) async throws -> String {
        let bridge = try await Self.bridge(context, method: method)
        let bytes = try bridge.request(fromJSON: try Self.json(request))
        let (response, _) = try await context.client.rawUnary(method: method, request: bytes, metadata: context.metadata, deadline: context.deadline)
        return try bridge.json(fromResponse: Array(response), pretty: true)
    }

    /// Streams a level-3 export into `path` (`-` for standard output); prints a summary line.
    static func export(_ context: CommandContext, method: String, request: [String: Any], path: String) async throws {
        var request = request
        request["page_size"] = nil
        request["cursor"] = nil
        let bridge = try await Self.bridge(context, method: method)
        let bytes = try bridge.request(fromJSON: try Self.json(request))
        let stream = try await context.client.rawServerStreaming(method: method, request: bytes, metadata: context.metadata, deadline: context.deadline)
        let temporary = path == "-" ? nil : path + ".partial"
        var handle: FileHandle = .standardOutput
        if let temporary {
            guard FileManager.default.createFile(atPath: temporary, contents: nil), let file = FileHandle(forWritingAtPath: temporary) else {
                throw UsageError("cannot write '\(path)'")
            }
            handle = file
        }
        var lines = 0
        var written = 0
        do {
            for try await message in stream {
                let chunk = try JSONParser.parse(try bridge.json(fromResponse: Array(message), pretty: false))
                guard case .string(let text)? = chunk.member("text") else { continue }
                handle.write(Data(text.utf8))
                written += text.utf8.count
                lines += text.components(separatedBy: "\r\n").count - 1
            }
        } catch {
            if let temporary {
                try? handle.close()
                try? FileManager.default.removeItem(atPath: temporary)
            }
            throw error
        }
        if let temporary {
            try handle.close()
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
            context.output.diagnostic("wrote \(max(0, lines - 1)) rows (\(written) bytes) to \(path)")
        }
    }

    static func bridge(_ context: CommandContext, method: String) async throws -> MessageBridge {
        do {
            return MessageBridge(description: try await context.unary(ReflectionService.describeMethod, DescribeMethodRequest(method: method)))
        } catch let error as RPCError where error.code == .notFound || error.code == .unimplemented {
            throw RPCError(code: error.code, message: "this gateway does not serve \(method): \(error.message)")
        }
    }

    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
