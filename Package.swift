// swift-tools-version:6.2
//
// Pilotage: practice-steering backend for accounting firms.
// No package dependencies: only the toolchain and Debian C libraries (libsqlite3-dev).
// Dependency arrows point one way: executables → services → domain/store/rpc → wire → nothing.

import PackageDescription

let package = Package(
    name: "Pilotage",
    platforms: [.macOS(.v15)],
    products: [
    ],
    targets: [
        // MARK: - C libraries

        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),

        /// epoll, eventfd and accept4 for the TCP transport (headers only, part of libc).
        .systemLibrary(name: "CRPCLinux", path: "Sources/CRPCLinux"),

        // MARK: - Foundations

        /// Lock box, logging facade, hashing, signals: shared by every layer, depends on nothing.
        .target(name: "ServerSupport"),

        /// Binary Codable coder, calendar dates, schemas and JSON bridging for the wire.
        .target(name: "Wire"),

        // MARK: - Contract

        /// The contract: services, methods and messages shared by gateway, worker and CLI.
        .target(name: "PilotageProtocol", dependencies: ["Wire", "RPCCore"], path: "Protocols/PilotageProtocol"),

        // MARK: - Services

        /// Batch validation of ingested rows: decoding per row, value rules, references, conflicts.
        .target(name: "Ingestion", dependencies: ["PilotageProtocol", "Wire"]),
        /// A firm's file: schema, stored records, batch writer, client groups, dirty partitions.
        .target(name: "TenantStore", dependencies: ["Storage", "Ingestion", "PilotageProtocol", "Wire"]),
        /// Records → KPI facts, compact parts encoding, and the computation of rollup partitions
        /// (pure: shared by the worker and the gateway's verification mode).
        .target(name: "Rollups", dependencies: ["KPI", "PilotageProtocol", "Wire"]),
        /// Rollups in a firm's file: commits under fencing, dirty partitions and freshness, the
        /// read path that merges client groups' parts, raw facts for workers and verification.
        .target(
            name: "RollupStore",
            dependencies: ["Rollups", "TenantStore", "Storage", "KPI", "PilotageProtocol", "Wire"]
        ),
        /// What dashboards share, pure: level-3 tables (search, sort, stable cursor pages, CSV).
        .target(name: "Dashboards", dependencies: ["KPI", "PilotageProtocol", "ServerSupport", "Wire"]),
        /// The gateway's services, access policy and assembly.
        .target(
            name: "GatewayService",
            dependencies: [
                "TenantStore", "Ingestion", "Storage", "PilotageProtocol", "RPCCore", "RPCTransportTCP", "ServerSupport", "Wire",
                "KPI", "Rollups", "RollupStore", "Dashboards",
            ]
        ),

        /// The aggregation worker's loop: lease, fetch facts, compute parts, commit (no database).
        .target(
            name: "WorkerService",
            dependencies: ["Rollups", "KPI", "PilotageProtocol", "RPCCore", "RPCTransportTCP", "ServerSupport", "Wire"]
        ),

        /// The `pilotage` command line: calls through reflection, imports, administration.
        .target(
            name: "PilotageCLI",
            dependencies: ["Imports", "PilotageProtocol", "RPCCore", "RPCTransportTCP", "ServerSupport", "Wire"]
        ),

        // MARK: - Executables

        .executableTarget(name: "pilotage", dependencies: ["PilotageCLI"]),

        .executableTarget(name: "pilotage-gateway", dependencies: ["GatewayService", "PilotageProtocol", "ServerSupport", "Wire"]),

        .executableTarget(name: "pilotage-worker", dependencies: ["WorkerService", "ServerSupport"]),

        // MARK: - Storage

        /// SQLite wrapper, database actors, migrations, tenant pool, catalog (firms, credentials, leases).
        .target(
            name: "Storage",
            dependencies: ["CSQLite", "ServerSupport", "Wire"],
            swiftSettings: [.strictMemorySafety()]
        ),
        /// Storage benchmarks: raw SQLite insert rate, cold firm open, pool memory (tools/bench-storage).
        .executableTarget(
            name: "StorageBenchmark",
            dependencies: ["Storage", "ServerSupport"],
            path: "tools/Benchmarks/StorageBenchmark"
        ),
        /// Child process of the storage crash tests (killed mid-transaction on purpose).
        .executableTarget(
            name: "StorageCrashChild",
            dependencies: ["Storage"],
            path: "tools/FaultInjection/StorageCrashChild"
        ),

        // MARK: - Imports

        /// FEC, CSV and JSON-lines readers (streaming, per-row errors) and the demo-firm generator.
        .target(name: "Imports", dependencies: ["PilotageProtocol", "ServerSupport", "Wire"]),
        /// Writes a generated demo firm as JSON lines and reports the generation speed.
        .executableTarget(
            name: "DemoGenerator",
            dependencies: ["Imports", "PilotageProtocol"],
            path: "tools/Benchmarks/DemoGenerator"
        ),

        // MARK: - Tools

        /// Wire coder benchmark: Codable path vs fast path vs Foundation JSON (tools/bench-coder).
        .executableTarget(name: "CoderBenchmark", dependencies: ["Wire"], path: "tools/Benchmarks/CoderBenchmark"),

        // MARK: - Domain

        /// KPI domain: facts, exact arithmetic, calendars, additive parts and every formula of
        /// kpi-definitions.md (pure: no I/O, no SQLite).
        .target(name: "KPI", dependencies: ["Wire"]),

        // MARK: - RPC runtime

        /// Transport-agnostic RPC runtime: frames, status, calls, server, client, health, reflection.
        .target(name: "RPCCore", dependencies: ["Wire", "ServerSupport"]),
        /// TCP transport over Glibc sockets and an epoll event loop.
        .target(name: "RPCTransportTCP", dependencies: ["CRPCLinux", "RPCCore", "ServerSupport"]),
        /// In-memory connected transport pair (tests, single-process runs).
        .target(name: "RPCInProcessTransport", dependencies: ["RPCCore", "ServerSupport"]),
        /// Benchmark client/server for `tools/bench-rpc`.
        .executableTarget(
            name: "RPCBenchmark",
            dependencies: ["RPCCore", "RPCTransportTCP", "ServerSupport"],
            path: "tools/Benchmarks/RPCBenchmark"
        ),

        // MARK: - Tests

        .testTarget(name: "ServerSupportTests", dependencies: ["ServerSupport"]),
        .testTarget(name: "WireTests", dependencies: ["Wire"]),
        .testTarget(name: "PilotageProtocolTests", dependencies: ["PilotageProtocol", "Wire"]),
        .testTarget(name: "IngestionTests", dependencies: ["Ingestion", "PilotageProtocol", "Wire"]),
        .testTarget(name: "TenantStoreTests", dependencies: ["TenantStore", "Storage", "Ingestion", "PilotageProtocol", "Wire"]),
        .testTarget(
            name: "ImportsTests",
            dependencies: ["Imports", "PilotageProtocol", "Wire"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "KPITests", dependencies: ["KPI", "Wire"]),
        .testTarget(name: "PilotageCLITests", dependencies: ["PilotageCLI", "Wire"]),
        .testTarget(name: "DashboardsTests", dependencies: ["Dashboards", "KPI", "PilotageProtocol", "Wire"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["pilotage", "pilotage-gateway", "GatewayService", "PilotageProtocol", "RPCCore", "RPCTransportTCP", "ServerSupport", "Storage", "TenantStore", "Wire"]
        ),
        .testTarget(
            name: "RollupStoreTests",
            dependencies: ["RollupStore", "Rollups", "TenantStore", "Ingestion", "Storage", "KPI", "PilotageProtocol", "Wire"]
        ),
        /// The worker's batch computation (chunked, fast-decoded, parallel) against the reference.
        .testTarget(
            name: "BatchComputationTests",
            dependencies: ["WorkerService", "Rollups", "RollupStore", "TenantStore", "Ingestion", "Storage", "Imports", "KPI", "PilotageProtocol", "Wire"]
        ),
        .testTarget(
            name: "WorkerServiceTests",
            dependencies: [
                "ProcessTestSupport", "RPCTestSupport",
                "WorkerService", "Rollups", "KPI", "Imports", "Storage", "PilotageProtocol", "RPCCore", "RPCTransportTCP",
                "ServerSupport", "Wire", "pilotage", "pilotage-gateway", "pilotage-worker",
            ]
        ),
        /// Receivables dashboards (levels 1–3) over a real gateway and worker.
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "ProcessTestSupport",
                "Dashboards", "Rollups", "KPI", "Imports", "Storage", "PilotageProtocol", "RPCCore", "RPCTransportTCP",
                "ServerSupport", "Wire", "WorkerService", "pilotage-gateway", "pilotage-worker",
            ]
        ),
        /// Practice and prospects dashboards over real gateway and worker processes.
        .testTarget(
            name: "PracticeProspectsTests",
            dependencies: [
                "ProcessTestSupport",
                "Dashboards", "WorkerService", "Rollups", "KPI", "Imports", "Storage", "PilotageProtocol", "RPCCore", "RPCTransportTCP",
                "ServerSupport", "Wire", "pilotage-gateway", "pilotage-worker",
            ]
        ),
        .testTarget(
            name: "SupervisorTests",
            dependencies: [
                "ProcessTestSupport",
                "Dashboards", "KPI", "PilotageProtocol", "RPCCore", "RPCTransportTCP", "ServerSupport", "Storage", "Wire",
                "pilotage", "pilotage-gateway",
            ]
        ),
        .testTarget(
            name: "GatewayServiceTests",
            dependencies: ["GatewayService", "PilotageProtocol", "RPCCore", "RPCTransportTCP", "ServerSupport", "Storage", "Wire"]
        ),

        // MARK: - Benchmarks

        /// `tools/bench-ingest`: streamed ingestion vs raw SQLite, cold opens, a gateway holding 10,000 firms.
        .executableTarget(
            name: "IngestBenchmark",
            dependencies: ["PilotageProtocol", "RPCCore", "RPCTransportTCP", "ServerSupport", "Storage", "TenantStore", "Wire"],
            path: "tools/Benchmarks/IngestBenchmark"
        ),

        /// Output, statistics and child processes shared by the process-level benchmarks.
        .target(
            name: "BenchmarkSupport",
            dependencies: ["Imports", "PilotageProtocol", "RPCCore", "RPCTransportTCP", "ServerSupport", "Wire"],
            path: "tools/Benchmarks/BenchmarkSupport"
        ),
        /// `tools/bench-worker`: full rebuild with 1 and 2 workers, commit-to-publish lag.
        .executableTarget(
            name: "WorkerBenchmark",
            dependencies: ["BenchmarkSupport", "Imports", "PilotageProtocol", "RPCCore", "RPCTransportTCP", "ServerSupport", "Wire"],
            path: "tools/Benchmarks/WorkerBenchmark"
        ),
        /// `tools/bench-dashboard`: level-1/2 latency from rollups vs the same answers from raw facts.
        .executableTarget(
            name: "DashboardBenchmark",
            dependencies: ["BenchmarkSupport", "Imports", "PilotageProtocol", "RPCCore", "RPCTransportTCP", "ServerSupport", "Wire"],
            path: "tools/Benchmarks/DashboardBenchmark"
        ),
        /// `tools/bench-practice-prospects`: practice and prospects dashboard latency over a published demo firm.
        .executableTarget(
            name: "PracticeProspectsBenchmark",
            dependencies: ["BenchmarkSupport", "Imports", "PilotageProtocol", "RPCCore", "RPCTransportTCP", "ServerSupport", "Wire"],
            path: "tools/Benchmarks/PracticeProspectsBenchmark"
        ),
        /// `tools/bench-supervisor`: supervisor list, client view and preview on the large demo firm.
        .executableTarget(
            name: "SupervisorBenchmark",
            dependencies: ["BenchmarkSupport", "Imports", "PilotageProtocol", "RPCCore", "RPCTransportTCP", "ServerSupport", "Wire"],
            path: "tools/Benchmarks/SupervisorBenchmark"
        ),
        /// `tools/bench-kpi`: parts per second and stored-parts vs raw-facts dashboard time.
        .executableTarget(name: "KPIBenchmark", dependencies: ["KPI", "Wire"], path: "tools/Benchmarks/KPIBenchmark"),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "ServerSupport", "Wire", "StorageCrashChild"]),
        /// Child processes (gateway, worker, CLI) for the suites over real processes.
        .target(
            name: "ProcessTestSupport",
            dependencies: [
                "Imports", "PilotageProtocol", "RPCCore", "RPCTransportTCP", "ServerSupport", "Storage", "Wire", "WorkerService",
            ],
            path: "Tests/ProcessTestSupport"
        ),
        /// Test services and fixtures shared by the RPC test targets.
        .target(
            name: "RPCTestSupport",
            dependencies: ["RPCCore", "RPCInProcessTransport", "RPCTransportTCP", "ServerSupport"],
            path: "Tests/RPCTestSupport"
        ),
        .testTarget(
            name: "RPCCoreTests",
            dependencies: ["RPCCore", "RPCInProcessTransport", "RPCTestSupport", "ServerSupport", "Wire"]
        ),
        .testTarget(
            name: "RPCTransportTCPTests",
            dependencies: ["RPCCore", "RPCTransportTCP", "RPCTestSupport", "ServerSupport"]
        ),
    ]
)

// MARK: - Settings shared by every Swift target

for target in package.targets where [.regular, .executable, .test].contains(target.type) {
    var settings = target.swiftSettings ?? []
    settings += [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    ]
    target.swiftSettings = settings
}
