internal import Foundation
internal import Glibc
internal import PilotageProtocol
internal import RPCCore
internal import ServerSupport
internal import Wire

/// `pilotage supervisor …`: the collection supervisor over `pilotage.supervisor.Supervisor`.
///
/// The acting collaborator is `--user` (or `$PILOTAGE_USER`); actions need one. Tables show the
/// groups with their subtotals and the colour class of every item (in colour on a terminal);
/// `--json` prints the replies, `--csv FILE` writes the export, `print --out FILE` the document.
enum SupervisorCommands {
    static let usage = """
        usage: pilotage supervisor list [FILTERS] [--from D] [--to D] [--group MODE] [--search TEXT]
                                        [--sort COLUMN[:desc]]... [--page-size N [--cursor C]] [--csv FILE]
               pilotage supervisor validate|ignore ITEM... [--note TEXT] [--request-id ID]
               pilotage supervisor modify ITEM... --code ACTION [--note TEXT] [--request-id ID]
               pilotage supervisor print ITEM... --out FILE [--group MODE] [--title TEXT] [--request-id ID]
               pilotage supervisor client CLIENT [--as-of D]
               pilotage supervisor preview [--days N] [FILTERS]
               pilotage supervisor strategies
        FILTERS: --agent A --client C --collective ACCOUNT --min-amount EUR --max-amount EUR --due-from D --due-to D
        MODE: client, action-then-client, client-then-due-date, action, client-then-action, action-then-due-date
        """

    static func run(_ context: CommandContext) async throws {
        var context = context
        let action = try context.arguments.nextPositional("supervisor action (list, validate, modify, ignore, print, client, preview, strategies)")
        switch action {
        case "list": try await Self.list(context)
        case "validate": try await Self.record(context, outcome: .validated)
        case "modify": try await Self.record(context, outcome: .modified)
        case "ignore": try await Self.record(context, outcome: .ignored)
        case "print": try await Self.print(context)
        case "client": try await Self.client(context)
        case "preview": try await Self.preview(context)
        case "strategies": try await Self.strategies(context)
        default: throw UsageError("unknown supervisor action '\(action)'\n\(Self.usage)")
        }
    }

    // MARK: - Arguments

    static func date(_ context: CommandContext, _ name: String) throws -> CalendarDate? {
        guard let text = context.arguments.value(name) else { return nil }
        guard let date = CalendarDate(text) else { throw UsageError("\(name) expects YYYY-MM-DD, got '\(text)'") }
        return date
    }

    /// Euros (`1200`, `1 200,50`, `1200.5`) to cents.
    static func cents(_ context: CommandContext, _ name: String) throws -> Int64? {
        guard let text = context.arguments.value(name) else { return nil }
        let cleaned = text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ",", with: ".")
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let euros = Int64(parts[0]), euros.magnitude < 1_000_000_000_000,
            parts.count == 1 || (1...2).contains(parts[1].count) && parts[1].allSatisfy(\.isNumber)
        else {
            throw UsageError("\(name) expects an amount in euros such as 1200 or 1200,50, got '\(text)'")
        }
        var fraction: Int64 = 0
        if parts.count == 2 {
            fraction = Int64(parts[1]) ?? 0
            if parts[1].count == 1 { fraction *= 10 }
        }
        return euros * 100 + (cleaned.hasPrefix("-") ? -fraction : fraction)
    }

    static func filter(_ context: CommandContext) throws -> SupervisorFilterMessage? {
        let filter = SupervisorFilterMessage(
            agent: context.arguments.value("--agent"),
            client: context.arguments.value("--client"),
            collectiveAccount: context.arguments.value("--collective"),
            minAmount: try Self.cents(context, "--min-amount"),
            maxAmount: try Self.cents(context, "--max-amount"),
            dueFrom: try Self.date(context, "--due-from"),
            dueTo: try Self.date(context, "--due-to")
        )
        return filter == SupervisorFilterMessage() ? nil : filter
    }

    static func grouping(_ context: CommandContext) throws -> SupervisorGroupingMessage? {
        guard let text = context.arguments.value("--group") else { return nil }
        let raw = text.uppercased().replacingOccurrences(of: "-", with: "_")
        guard let grouping = SupervisorGroupingMessage(rawValue: raw) else {
            let names = SupervisorGroupingMessage.allCases.map { $0.rawValue.lowercased().replacingOccurrences(of: "_", with: "-") }
            throw UsageError("--group expects one of \(names.joined(separator: ", ")), got '\(text)'")
        }
        return grouping
    }

    static func requestID(_ context: CommandContext) -> String {
        context.arguments.value("--request-id") ?? "cli-\(UUID().uuidString.lowercased())"
    }

    // MARK: - List

    static func listRequest(_ context: CommandContext) throws -> SupervisorListRequest {
        SupervisorListRequest(
            from: try Self.date(context, "--from"),
            to: try Self.date(context, "--to"),
            filter: try Self.filter(context),
            grouping: try Self.grouping(context),
            search: context.arguments.value("--search"),
            sort: context.arguments.values("--sort").map { text in
                let descending = text.hasSuffix(":desc")
                let column = descending ? String(text.dropLast(5)) : (text.hasSuffix(":asc") ? String(text.dropLast(4)) : text)
                return SortKeyMessage(column: column, descending: descending ? true : nil)
            },
            pageSize: context.arguments.value("--page-size").map { Int($0) ?? 0 },
            cursor: context.arguments.value("--cursor")
        )
    }

    static func list(_ context: CommandContext) async throws {
        try context.arguments.expectNoMorePositionals()
        var request = try Self.listRequest(context)
        if let path = context.arguments.value("--csv") {
            var csv = ""
            let stream = try await context.client.serverStreaming(
                SupervisorService.export,
                request,
                metadata: context.metadata,
                deadline: context.deadline
            )
            for try await chunk in stream { csv += chunk.text }
            do {
                try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                throw UsageError("cannot write '\(path)': \(error.localizedDescription)")
            }
            let lines = max(csv.components(separatedBy: "\r\n").count - 2, 0)
            context.output.diagnostic("wrote \(lines) item(s) to \(path)")
            return
        }
        // One page when paging is asked for; every page otherwise.
        let singlePage = request.pageSize != nil || request.cursor != nil
        if !singlePage { request.pageSize = 1_000 }
        var reply = try await context.unary(SupervisorService.list, request)
        var pages = [reply]
        while !singlePage, let cursor = reply.nextCursor, pages.count < 100 {
            request.cursor = cursor
            reply = try await context.unary(SupervisorService.list, request)
            pages.append(reply)
        }
        if context.output.json {
            try context.output.show(singlePage ? pages[0] : Self.merged(pages)) { "" }
            return
        }
        let first = pages[0]
        var lines = [
            "supervisor \(first.from.map { "\($0) → " } ?? "up to ")\(first.to), grouped by \(Self.modeName(first.grouping)): "
                + "\(first.totalItems) item(s), total \(Self.euros(first.totalOpen))"
        ]
        let colours = isatty(STDOUT_FILENO) == 1
        for page in pages {
            lines += Self.render(page.groups, depth: 0, colours: colours)
        }
        if singlePage, let cursor = first.nextCursor { lines.append("next page: --cursor \(cursor)") }
        context.output.print(lines.joined(separator: "\n"))
    }

    /// Pages merged into one reply (groups split across pages joined back).
    static func merged(_ pages: [SupervisorListReply]) -> SupervisorListReply {
        var result = pages[0]
        result.groups = Self.merge(pages.map(\.groups))
        result.nextCursor = nil
        return result
    }

    private static func merge(_ lists: [[SupervisorGroupMessage]]) -> [SupervisorGroupMessage] {
        var groups: [SupervisorGroupMessage] = []
        for list in lists {
            for group in list {
                if let last = groups.last, last.key == group.key {
                    groups[groups.count - 1].items += group.items
                    groups[groups.count - 1].subgroups = Self.merge([last.subgroups, group.subgroups])
                } else {
                    groups.append(group)
                }
            }
        }
        return groups
    }

    static func render(_ groups: [SupervisorGroupMessage], depth: Int, colours: Bool) -> [String] {
        var lines: [String] = []
        let indent = String(repeating: "  ", count: depth)
        for group in groups {
            let label = group.label == group.key ? group.key : "\(group.key) \(group.label)"
            lines.append("\(indent)▸ \(label) — \(group.count) item(s), subtotal \(Self.euros(group.subtotal))")
            if group.subgroups.isEmpty {
                let table = CLIOutput.table(
                    group.items.map(Self.row),
                    header: ["COLOUR", "ITEM", "CLIENT", "REFERENCE", "DUE", "OPEN", "MODE", "DPD", "ACTION", "CHANNEL", "TRIGGER"]
                )
                for (index, line) in table.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    var text = "\(indent)    \(line)"
                    if colours, index > 0 { text = Self.coloured(text, group.items[index - 1].colour) }
                    lines.append(text)
                }
            } else {
                lines += Self.render(group.subgroups, depth: depth + 1, colours: colours)
            }
        }
        return lines
    }

    static func row(_ item: SupervisorItemMessage) -> [String] {
        [
            item.colour, item.id, item.clientName, item.reference, item.dueDate.description, Self.euros(item.open), item.paymentMode ?? "-",
            "\(item.daysPastDue)", item.nextAction?.code ?? "-", item.nextAction?.channel.rawValue ?? "-",
            item.nextAction?.triggerDate.description ?? "-",
        ]
    }

    /// ANSI colour of a colour class on a terminal (black is the terminal's default).
    static func coloured(_ text: String, _ colour: String) -> String {
        switch colour {
        case "RED": "\u{1B}[31m\(text)\u{1B}[0m"
        case "BLUE": "\u{1B}[34m\(text)\u{1B}[0m"
        default: text
        }
    }

    static func modeName(_ grouping: SupervisorGroupingMessage) -> String {
        grouping.rawValue.lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// `1 234,56 €`.
    static func euros(_ cents: Int64) -> String {
        let magnitude = cents.magnitude
        let digits = String(magnitude / 100)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += " " }
            grouped.append(character)
        }
        let fraction = String(magnitude % 100)
        return "\(cents < 0 ? "-" : "")\(grouped),\(fraction.count == 1 ? "0" : "")\(fraction) €"
    }

    // MARK: - Actions

    static func items(_ context: inout CommandContext) throws -> [String] {
        let items = context.arguments.remainingPositionals
        guard !items.isEmpty else { throw UsageError("name at least one installment (ITEM...)") }
        return items
    }

    static func record(_ context: CommandContext, outcome: CollectionOutcome) async throws {
        var context = context
        let items = try Self.items(&context)
        let code = context.arguments.value("--code")
        if outcome == .modified, code == nil { throw UsageError("modify needs --code ACTION (the action done instead)") }
        let request = SupervisorRecordRequest(
            requestID: Self.requestID(context),
            outcome: outcome,
            items: items,
            replacementCode: outcome == .modified ? code : nil,
            note: context.arguments.value("--note")
        )
        let reply = try await context.unary(SupervisorService.record, request)
        try context.output.show(reply) {
            var lines = [
                "\(outcome.rawValue): \(reply.recorded.count) recorded, \(reply.refused.count) refused (request \(reply.requestID)"
                    + "\(reply.replayed ? ", replayed: nothing new recorded" : "")"
                    + ")"
            ]
            for event in reply.recorded {
                lines.append("  \(event.installment): \(event.actionCode)\(event.replacementCode.map { " → \($0)" } ?? "") by \(event.actor)")
            }
            for refused in reply.refused {
                lines.append("  \(refused.installment): refused, \(refused.reason): \(refused.message)")
            }
            return lines.joined(separator: "\n")
        }
    }

    static func print(_ context: CommandContext) async throws {
        var context = context
        let items = try Self.items(&context)
        guard let path = context.arguments.value("--out") else { throw UsageError("print needs --out FILE (the HTML document)") }
        let request = SupervisorPrintRequest(
            requestID: Self.requestID(context),
            items: items,
            grouping: try Self.grouping(context),
            title: context.arguments.value("--title")
        )
        let reply = try await context.unary(SupervisorService.print, request)
        do {
            try Data(reply.html.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw UsageError("cannot write '\(path)': \(error.localizedDescription)")
        }
        try context.output.show(reply) {
            var lines = ["printed \(reply.printed.count) item(s) to \(path)\(reply.replayed ? " (replayed: no new event)" : "")"]
            for refused in reply.refused {
                lines.append("  \(refused.installment): refused, \(refused.reason): \(refused.message)")
            }
            return lines.joined(separator: "\n")
        }
    }

    // MARK: - Views

    static func client(_ context: CommandContext) async throws {
        var context = context
        let client = try context.arguments.nextPositional("CLIENT")
        try context.arguments.expectNoMorePositionals()
        let reply = try await context.unary(SupervisorService.client, SupervisorClientRequest(client: client, asOf: try Self.date(context, "--as-of")))
        try context.output.show(reply) {
            var lines = [
                "\(reply.client) \(reply.name) — agent \(reply.agent ?? "-"), strategy \(reply.strategy ?? "-"), at \(reply.asOf)",
                "open \(Self.euros(reply.totalOpen)) (overdue \(Self.euros(reply.totalOverdue)), not due \(Self.euros(reply.totalNotDue))), "
                    + "credits \(Self.euros(reply.totalCredits))",
                "items: overdue \(reply.overdueShare.value ?? "-") %, not due \(reply.notDueShare.value ?? "-") %, "
                    + "prepayments/credits \(reply.creditShare.value ?? "-") %",
                "",
                CLIOutput.table(
                    reply.items.map(Self.row),
                    header: ["COLOUR", "ITEM", "CLIENT", "REFERENCE", "DUE", "OPEN", "MODE", "DPD", "ACTION", "CHANNEL", "TRIGGER"]
                ),
            ]
            if !reply.events.isEmpty {
                lines.append("")
                lines.append(
                    CLIOutput.table(
                        reply.events.map { event in
                            [
                                event.at.formatted(.iso8601), event.installment, event.outcome.rawValue, event.actionCode,
                                event.replacementCode ?? "", event.actor, event.note ?? "",
                            ]
                        },
                        header: ["AT", "ITEM", "OUTCOME", "ACTION", "REPLACED BY", "ACTOR", "NOTE"]
                    )
                )
            }
            return lines.joined(separator: "\n")
        }
    }

    static func preview(_ context: CommandContext) async throws {
        try context.arguments.expectNoMorePositionals()
        let days = try context.arguments.value("--days").map { text in
            guard let value = Int(text) else { throw UsageError("--days expects a number, got '\(text)'") }
            return value
        }
        let reply = try await context.unary(SupervisorService.preview, SupervisorPreviewRequest(days: days, filter: try Self.filter(context)))
        try context.output.show(reply) {
            var lines = ["today \(reply.today), at least \(reply.minimumDaysBetweenActions) day(s) between two actions on a client"]
            for day in reply.days {
                lines.append("\(day.date): \(day.entries.isEmpty ? "nothing" : "\(day.entries.count) client(s)")")
                for entry in day.entries {
                    let moved = entry.postponedFrom.map { " (moved from \($0): last contact \(entry.lastContact?.description ?? "-"))" } ?? ""
                    let actions = entry.items.map { "\($0.id) \($0.nextAction?.code ?? "-")" }.joined(separator: ", ")
                    lines.append("  \(entry.client) \(entry.clientName)\(moved): \(actions)")
                }
            }
            return lines.joined(separator: "\n")
        }
    }

    static func strategies(_ context: CommandContext) async throws {
        try context.arguments.expectNoMorePositionals()
        let reply = try await context.unary(SupervisorService.listStrategies, ListStrategiesRequest())
        try context.output.show(reply) {
            var rows: [[String]] = []
            for strategy in reply.strategies {
                for action in strategy.actions {
                    rows.append([
                        strategy.id, strategy.name, action.code, action.channel.rawValue,
                        action.offsetDays >= 0 ? "+\(action.offsetDays)" : "\(action.offsetDays)", action.paymentMode ?? "*",
                    ])
                }
            }
            return CLIOutput.table(rows, header: ["STRATEGY", "NAME", "ACTION", "CHANNEL", "DAYS", "MODE"])
        }
    }
}
