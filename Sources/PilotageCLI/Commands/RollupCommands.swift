internal import Foundation
internal import PilotageProtocol
internal import RPCCore
internal import ServerSupport
internal import Wire

/// `status` and `verify`: rollup freshness, lag and verification, over `pilotage.status.Status`.
enum RollupCommands {
    /// `pilotage status [--firm F]`: freshness and lag per firm (an operator sees every firm).
    static func status(_ context: CommandContext) async throws {
        try context.arguments.expectNoMorePositionals()
        let firm = context.arguments.value("--firm") ?? context.environment["PILOTAGE_FIRM"]
        let reply = try await context.unary(StatusService.get, StatusRequest(firmID: firm))
        try context.output.show(reply) {
            var rows: [[String]] = []
            for status in reply.firms {
                let freshness = status.freshness
                let base = [
                    status.firmID,
                    "\(freshness.watermarkSequence)/\(freshness.lastSequence)",
                    "\(freshness.pendingPartitions)",
                    freshness.oldestPendingSince.map { Self.age(since: $0) } ?? "-",
                    "\(status.leasedPartitions)",
                ]
                if status.lag.isEmpty {
                    rows.append(base + ["-", "-", "-", "-"])
                }
                for lag in status.lag {
                    rows.append(
                        base + [
                            lag.family.rawValue, "\(lag.publications)", Self.milliseconds(lag.p50Milliseconds),
                            Self.milliseconds(lag.p99Milliseconds),
                        ]
                    )
                }
            }
            return CLIOutput.table(
                rows,
                header: ["FIRM", "WATERMARK/LAST", "PENDING", "OLDEST PENDING", "LEASED", "FAMILY", "PUBLISHED", "LAG P50", "LAG P99"]
            )
        }
    }

    /// `pilotage verify --firm F [--date YYYY-MM-DD]...`: recomputes every level-1 answer of the
    /// firm (receivables KPIs and sections, practice) from raw facts; exits 1 (printing the
    /// differences) when any differs.
    static func verify(_ context: CommandContext) async throws {
        try context.arguments.expectNoMorePositionals()
        guard let firm = context.arguments.value("--firm") ?? context.environment["PILOTAGE_FIRM"] else {
            throw UsageError("verify needs --firm")
        }
        var dates: [CalendarDate]?
        let texts = context.arguments.values("--date")
        if !texts.isEmpty {
            dates = try texts.map { text in
                guard let date = CalendarDate(text) else { throw UsageError("--date expects YYYY-MM-DD, got '\(text)'") }
                return date
            }
        }
        let reply = try await context.unary(StatusService.verify, VerifyRequest(firmID: firm, dates: dates))
        try context.output.show(reply) {
            var lines = [
                "firm \(reply.firmID): \(reply.answers) answers, \(reply.values) values compared, "
                    + "\(reply.findings.count) difference(s); watermark \(reply.freshness.watermarkSequence)/\(reply.freshness.lastSequence), "
                    + "\(reply.freshness.pendingPartitions) partition(s) pending"
            ]
            for finding in reply.findings {
                let difference = finding.difference
                lines.append(
                    "  [\(finding.filter)] D=\(finding.asOf) \(difference.kpi)\(difference.date.map { " @\($0)" } ?? ""): "
                        + "rollup \(difference.rollup?.text ?? "-") vs raw facts \(difference.reference?.text ?? "-")"
                        + (difference.difference.map { " (Δ \($0))" } ?? "")
                )
            }
            return lines.joined(separator: "\n")
        }
        guard reply.isEqual else {
            throw RPCError(code: .failedPrecondition, message: "verification found \(reply.findings.count) difference(s) in firm \(reply.firmID)")
        }
    }

    static func milliseconds(_ value: Double) -> String {
        value >= 1000 ? String(format: "%.2f s", value / 1000) : String(format: "%.0f ms", value)
    }

    static func age(since instant: Date) -> String {
        let seconds = max(0, Date().timeIntervalSince(instant))
        return seconds >= 60 ? String(format: "%.1f min", seconds / 60) : String(format: "%.1f s", seconds)
    }
}
