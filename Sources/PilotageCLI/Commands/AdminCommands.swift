internal import Foundation
internal import PilotageProtocol
internal import ServerSupport

/// `firm …`, `credential …` and `ingestions`: thin wrappers over the operator and ingestion services.
enum AdminCommands {
    static func firm(_ context: CommandContext) async throws {
        var context = context
        let action = try context.arguments.nextPositional("firm action (create, list, suspend, resume)")
        switch action {
        case "create":
            let id = try context.arguments.nextPositional("firm ID")
            let name = try context.arguments.nextPositional("firm NAME")
            try context.arguments.expectNoMorePositionals()
            let firm = try await context.unary(OperatorService.createFirm, CreateFirmRequest(firmID: id, name: name))
            try context.output.show(firm) { "created firm \(firm.firmID) (\(firm.name)), schema v\(firm.schemaVersion ?? 0)" }
        case "list":
            try context.arguments.expectNoMorePositionals()
            let list = try await context.unary(OperatorService.listFirms, ListFirmsRequest())
            try context.output.show(list) {
                CLIOutput.table(
                    list.firms.map { firm in
                        [firm.firmID, firm.name, firm.status, firm.schemaVersion.map { "v\($0)" } ?? "-",
                         firm.fileBytes.map(Self.bytes) ?? "-", firm.lastIngestionAt.map { $0.formatted(.iso8601) } ?? "never"]
                    },
                    header: ["FIRM", "NAME", "STATUS", "SCHEMA", "SIZE", "LAST INGESTION"]
                )
            }
        case "suspend", "resume":
            let id = try context.arguments.nextPositional("firm ID")
            try context.arguments.expectNoMorePositionals()
            let firm = try await context.unary(OperatorService.setFirmStatus, SetFirmStatusRequest(firmID: id, suspended: action == "suspend"))
            try context.output.show(firm) { "firm \(firm.firmID) is \(firm.status)" }
        default:
            throw UsageError("unknown firm action '\(action)'")
        }
    }

    static func credential(_ context: CommandContext) async throws {
        var context = context
        let action = try context.arguments.nextPositional("credential action (issue, revoke, list)")
        switch action {
        case "issue":
            let kindText = try context.arguments.nextPositional("credential kind (back-office, worker, operator)")
            try context.arguments.expectNoMorePositionals()
            let kind: CredentialKindName
            switch kindText {
            case "back-office", "BACK_OFFICE": kind = .backOffice
            case "worker", "WORKER": kind = .worker
            case "operator", "OPERATOR": kind = .operator
            default: throw UsageError("unknown credential kind '\(kindText)'")
            }
            guard let label = context.arguments.value("--label") else { throw UsageError("credential issue needs --label") }
            // For a credential, --firm names the firms it reaches (it is not the call's tenant).
            let request = IssueCredentialRequest(
                kind: kind,
                firms: context.arguments.values("--firm"),
                label: label,
                actingUser: context.arguments.value("--acting-user")
            )
            // The operator service ignores the tenant metadata that --firm also sets.
            let issued = try await context.unary(OperatorService.issueCredential, request)
            try context.output.show(issued) {
                "issued \(issued.credential.kind.rawValue) credential \(issued.credential.credentialID)\n"
                    + "token (shown once, store it now): \(issued.token)"
            }
        case "revoke":
            let id = try context.arguments.nextPositional("credential ID")
            try context.arguments.expectNoMorePositionals()
            let credential = try await context.unary(OperatorService.revokeCredential, RevokeCredentialRequest(credentialID: id))
            try context.output.show(credential) { "revoked credential \(credential.credentialID)" }
        case "list":
            try context.arguments.expectNoMorePositionals()
            let list = try await context.unary(OperatorService.listCredentials, ListCredentialsRequest())
            try context.output.show(list) {
                CLIOutput.table(
                    list.credentials.map { credential in
                        [credential.credentialID, credential.kind.rawValue, credential.label, credential.firms.joined(separator: ","),
                         credential.actingUser ?? "-", credential.revokedAt == nil ? "active" : "revoked"]
                    },
                    header: ["ID", "KIND", "LABEL", "FIRMS", "ACTING USER", "STATE"]
                )
            }
        default:
            throw UsageError("unknown credential action '\(action)'")
        }
    }

    static func ingestions(_ context: CommandContext) async throws {
        try context.arguments.expectNoMorePositionals()
        let limit = try context.arguments.integer("--limit", default: 20, in: 1...1000)
        let list = try await context.unary(IngestionService.listIngestions, ListIngestionsRequest(limit: limit))
        try context.output.show(list) {
            CLIOutput.table(
                list.ingestions.map { batch in
                    ["\(batch.sequence)", batch.committedAt.formatted(.iso8601), batch.source ?? "-", "\(batch.received)",
                     "\(batch.landed)", "\(batch.unchanged)", "\(batch.deleted)", "\(batch.rejected)"]
                },
                header: ["SEQ", "COMMITTED", "SOURCE", "RECEIVED", "LANDED", "UNCHANGED", "DELETED", "REJECTED"]
            )
        }
    }

    static func bytes(_ count: Int64) -> String {
        if count >= 1 << 30 { return String(format: "%.1f GiB", Double(count) / Double(1 << 30)) }
        if count >= 1 << 20 { return String(format: "%.1f MiB", Double(count) / Double(1 << 20)) }
        if count >= 1 << 10 { return String(format: "%.1f KiB", Double(count) / Double(1 << 10)) }
        return "\(count) B"
    }
}
