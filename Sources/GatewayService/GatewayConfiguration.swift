internal import Foundation
public import PilotageProtocol
public import RPCCore
public import Wire

/// Everything a gateway needs to start, built by the executable from flags and environment.
public struct GatewayConfiguration: Sendable {
    /// Directory holding `catalog.sqlite`, `tenants/` and `operator.token`.
    public var dataDirectory: String
    /// Address to listen on (`127.0.0.1` by default).
    public var host: String
    /// Port (0 = any free port; the bound one is logged and returned).
    public var port: Int
    /// Firm files kept open at once (least recently used closed first).
    public var tenantPoolCapacity: Int
    /// Ingestion limits (data-contract.md).
    public var ingestLimits: IngestLimits
    /// RPC limits and timeouts.
    public var rpc: RPCServer.Configuration
    /// How long an authenticated token is remembered before the catalog is asked again
    /// (revocations through this gateway take effect at once).
    public var credentialCacheLifetime: Duration
    /// Business "today" for every firm, overriding the clock (tests and reproducible demos).
    public var fixedToday: CalendarDate?
    /// How often the daily roll-over checks whether a firm's business date changed.
    public var rollOverInterval: Duration

    /// Defaults: loopback, port 7400, 256 open firms, data-contract limits.
    public init(dataDirectory: String, host: String = "127.0.0.1", port: Int = 7400) {
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.tenantPoolCapacity = 256
        self.ingestLimits = .default
        self.rpc = RPCServer.Configuration()
        self.rpc.maxFrameSize = IngestLimits.default.maxFrameBytes
        self.credentialCacheLifetime = .seconds(30)
        self.fixedToday = nil
        self.rollOverInterval = .seconds(30)
    }

    /// `<data>/catalog.sqlite`.
    public var catalogPath: String { (self.dataDirectory as NSString).appendingPathComponent("catalog.sqlite") }
    /// `<data>/tenants`.
    public var tenantsDirectory: String { (self.dataDirectory as NSString).appendingPathComponent("tenants") }
    /// `<data>/operator.token`: the bootstrap operator credential, written once (mode 0600).
    public var operatorTokenPath: String { (self.dataDirectory as NSString).appendingPathComponent("operator.token") }
}
