internal import Foundation
internal import PilotageProtocol
public import RPCCore
internal import RPCTransportTCP
public import ServerSupport
public import Storage
internal import TenantStore

/// The gateway process's core: catalog, tenant pool, access policy and services on one RPC server.
///
/// ```swift
/// let gateway = try await Gateway.build(configuration: configuration, logger: logger)
/// try await gateway.run()          // until gateway.beginGracefulShutdown()
/// ```
public final class Gateway: Sendable {
    /// The configuration it was built from.
    public let configuration: GatewayConfiguration
    /// Firms, credentials, leases.
    public let catalog: Catalog
    /// Open firm files.
    public let tenants: TenantPool
    /// The RPC server (health and reflection built in).
    public let server: RPCServer
    /// Firms with rollup partitions waiting for a worker.
    public let pending: PendingWork
    /// Commit-to-publish latency of rollups.
    public let lag: LagMetrics
    private let logger: Logger

    private init(
        configuration: GatewayConfiguration,
        catalog: Catalog,
        tenants: TenantPool,
        server: RPCServer,
        pending: PendingWork,
        lag: LagMetrics,
        logger: Logger
    ) {
        self.configuration = configuration
        self.catalog = catalog
        self.tenants = tenants
        self.server = server
        self.pending = pending
        self.lag = lag
        self.logger = logger
    }

    /// Opens the catalog (creating the data directory), prepares the tenant pool and the
    /// services, and makes sure an operator credential exists (see ``bootstrapOperatorToken()``).
    public static func build(configuration: GatewayConfiguration, logger: Logger) async throws -> Gateway {
        // The data directory holds every firm's data and the bootstrap token: owner-only.
        try FileManager.default.createDirectory(
            atPath: configuration.tenantsDirectory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: configuration.dataDirectory)
        let catalog = try await Catalog.open(path: configuration.catalogPath)
        var poolConfiguration = TenantPool.Configuration()
        poolConfiguration.capacity = configuration.tenantPoolCapacity
        let tenants = try TenantPool(
            directory: configuration.tenantsDirectory,
            migrations: TenantSchema.migrations,
            configuration: poolConfiguration,
            logger: logger
        )
        let access = AccessPolicy(catalog: catalog, cacheLifetime: configuration.credentialCacheLifetime)
        let pending = PendingWork()
        let lag = LagMetrics()
        let clock = FirmClock(fixedToday: configuration.fixedToday)
        let services = [
            OperatorHandlers(catalog: catalog, tenants: tenants, access: access).definition,
            IngestionHandlers(
                catalog: catalog,
                tenants: tenants,
                limits: configuration.ingestLimits,
                fixedToday: configuration.fixedToday,
                pending: pending
            ).definition,
            WorkerHandlers(catalog: catalog, tenants: tenants, pending: pending, lag: lag, clock: clock).definition,
            ReceivablesDashboardHandlers(tenants: tenants, clock: clock).definition,
            ClientsDashboardHandlers(tenants: tenants, clock: clock).definition,
            PracticeDashboardHandlers(tenants: tenants, clock: clock).definition,
            ProspectsDashboardHandlers(tenants: tenants, clock: clock).definition,
            StatusHandlers(catalog: catalog, tenants: tenants, lag: lag, clock: clock).definition,
            SupervisorHandlers(catalog: catalog, tenants: tenants, limits: configuration.ingestLimits, clock: clock, pending: pending).definition,
        ]
        let server = try RPCServer(
            transport: TCPServerTransport(host: configuration.host, port: configuration.port),
            services: services,
            configuration: configuration.rpc,
            interceptors: [access],
            logger: logger
        )
        let gateway = Gateway(
            configuration: configuration,
            catalog: catalog,
            tenants: tenants,
            server: server,
            pending: pending,
            lag: lag,
            logger: logger
        )
        try await gateway.bootstrapOperatorToken()
        return gateway
    }

    /// On first start (no operator credential in the catalog), issues one and writes its token to
    /// `<data>/operator.token` with mode 0600, the only place it is ever shown.
    func bootstrapOperatorToken() async throws {
        let operators = try await self.catalog.credentials().filter { $0.kind == .operator && $0.revokedAt == nil }
        guard operators.isEmpty else { return }
        let issued = try await self.catalog.issueCredential(.operator, label: "bootstrap operator")
        let path = self.configuration.operatorTokenPath
        guard FileManager.default.createFile(atPath: path, contents: Data((issued.token + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw RPCError(code: .internalError, message: "cannot write the bootstrap operator token to \(path)")
        }
        self.logger.notice("bootstrap operator credential written", metadata: ["path": path, "credential": issued.credential.id.rawValue])
    }

    /// Serves until ``beginGracefulShutdown()``, then closes the firm files and the catalog.
    /// Rollup maintenance (start-up scan of pending work, daily roll-over) runs alongside.
    public func run() async throws {
        defer { self.logger.info("gateway stopped") }
        let maintenance = RollupMaintenance(
            catalog: self.catalog,
            tenants: self.tenants,
            pending: self.pending,
            clock: FirmClock(fixedToday: self.configuration.fixedToday),
            interval: self.configuration.rollOverInterval,
            logger: self.logger
        )
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.server.serve() }
                group.addTask { await maintenance.run() }
                // The server ends first (shutdown or failure); maintenance only ends when cancelled.
                try await group.next()
                group.cancelAll()
            }
        } catch {
            await self.close()
            throw error
        }
        await self.close()
    }

    /// Stops accepting, drains in-flight calls (grace period of the RPC configuration), then stops.
    public func beginGracefulShutdown() {
        self.server.beginGracefulShutdown()
    }

    /// The bound address, once listening.
    public var listeningAddress: RPCAddress {
        get async throws { try await self.server.listeningAddress }
    }

    private func close() async {
        await self.tenants.shutdown()
        await self.catalog.close()
    }
}
