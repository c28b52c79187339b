internal import Foundation
internal import RPCCore
internal import ServerSupport

/// The options every command shares, from flags, then environment, then defaults.
struct CLIOptions: Sendable {
    /// Gateway host.
    var host = "127.0.0.1"
    /// Gateway port.
    var port = 7400
    /// Per-call deadline.
    var deadline: Duration?
    /// Metadata sent with every call (`-H key=value`, `--token`, `--firm`, `--user`).
    var metadata = Metadata()
    /// Machine-readable output.
    var json = false

    /// Every option a command line may carry, whatever the command.
    static let specification: [String: CommandLineArguments.OptionKind] = [
        "--address": .value, "--deadline": .value, "--metadata": .value, "--token": .value,
        "--token-file": .value, "--firm": .value, "--user": .value, "--json": .flag, "--help": .flag,
        // import
        "--batch-size": .value, "--all-or-nothing": .flag, "--kind": .value, "--no-progress": .flag,
        "--size": .value, "--seed": .value, "--today": .value,
        // credential
        "--label": .value, "--acting-user": .value,
        // list
        "--limit": .value,
        // verify
        "--date": .value,
        // dashboard
        "--level": .value, "--as-of": .value, "--from": .value, "--to": .value, "--periodicity": .value, "--kpi": .value,
        "--collaborator": .value, "--office": .value, "--mode": .value, "--frequency": .value, "--include-deactivated": .flag,
        "--fiscal-year": .value, "--unit": .value, "--view": .value, "--sort": .value, "--search": .value, "--page-size": .value,
        "--cursor": .value, "--watermark": .value, "--csv": .value, "--explain": .flag, "--verify": .flag, "--max-staleness": .value,
        "--breakdown": .value,
        // supervisor (with --from, --to, --as-of, --search, --sort, --page-size, --cursor, --csv above)
        "--agent": .value, "--client": .value, "--collective": .value, "--min-amount": .value, "--max-amount": .value,
        "--due-from": .value, "--due-to": .value, "--group": .value, "--out": .value, "--note": .value, "--code": .value,
        "--request-id": .value, "--title": .value, "--days": .value,
    ]
    static let aliases = ["-H": "--metadata", "-a": "--address", "-h": "--help"]

    /// Reads the shared options of `arguments`, falling back on `PILOTAGE_ADDRESS`,
    /// `PILOTAGE_TOKEN`, `PILOTAGE_TOKEN_FILE`, `PILOTAGE_FIRM` and `PILOTAGE_USER`.
    init(_ arguments: CommandLineArguments, environment: [String: String]) throws {
        if let address = arguments.value("--address") ?? environment["PILOTAGE_ADDRESS"] {
            (self.host, self.port) = try Self.parseAddress(address)
        }
        self.deadline = try arguments.duration("--deadline")
        for pair in arguments.values("--metadata") {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw UsageError("metadata must be key=value, got '\(pair)'")
            }
            let key = String(pair[..<equals]).lowercased()
            guard Metadata.isValidKey(key) else { throw UsageError("'\(key)' is not a valid metadata key") }
            self.metadata.add(key, String(pair[pair.index(after: equals)...]))
        }
        // Flags win over the environment; a token wins over a token file at the same level.
        var token = arguments.value("--token")
        if token == nil, let path = arguments.value("--token-file") {
            token = try Self.readToken(path)
        }
        if token == nil { token = environment["PILOTAGE_TOKEN"] }
        if token == nil, let path = environment["PILOTAGE_TOKEN_FILE"] {
            token = try Self.readToken(path)
        }
        if let token { self.metadata.add(MetadataKey.authorization, token) }
        if let firm = arguments.value("--firm") ?? environment["PILOTAGE_FIRM"] { self.metadata.add(MetadataKey.tenant, firm) }
        if let user = arguments.value("--user") ?? environment["PILOTAGE_USER"] { self.metadata.add(MetadataKey.user, user) }
        self.json = arguments.flag("--json")
    }

    static func readToken(_ path: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw UsageError("cannot read the token file '\(path)'")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `host:port`, `:port` or `port`.
    static func parseAddress(_ text: String) throws -> (String, Int) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let host = parts.count == 2 ? (parts[0].isEmpty ? "127.0.0.1" : String(parts[0])) : "127.0.0.1"
        guard let portText = parts.last, let port = Int(portText), (1...65535).contains(port), parts.count <= 2 else {
            throw UsageError("--address expects HOST:PORT, got '\(text)'")
        }
        return (host, port)
    }

    /// The absolute deadline of a call starting now.
    var callDeadline: ContinuousClock.Instant? {
        self.deadline.map { ContinuousClock.now.advanced(by: $0) }
    }
}
