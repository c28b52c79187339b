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

        // MARK: - Foundations

        /// Lock box, logging facade, hashing, signals: shared by every layer, depends on nothing.
        .target(name: "ServerSupport"),

        /// Binary Codable coder, calendar dates, schemas and JSON bridging for the wire.
        .target(name: "Wire"),

        // MARK: - Contract

        /// The contract: services, methods and messages shared by gateway, worker and CLI.
        .target(name: "PilotageProtocol", dependencies: ["Wire"], path: "Protocols/PilotageProtocol"),

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

        // MARK: - Tests

        .testTarget(name: "ServerSupportTests", dependencies: ["ServerSupport"]),
        .testTarget(name: "WireTests", dependencies: ["Wire"]),
        .testTarget(name: "PilotageProtocolTests", dependencies: ["PilotageProtocol", "Wire"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "ServerSupport", "Wire", "StorageCrashChild"]),
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
