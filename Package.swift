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
        .target(name: "PilotageProtocol", dependencies: ["Wire"], path: "Protocols/PilotageProtocol"),

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
        /// Test services and fixtures shared by the RPC test targets.
        .target(
            name: "RPCTestSupport",
            dependencies: ["RPCCore", "RPCInProcessTransport", "RPCTransportTCP", "ServerSupport"],
            path: "Tests/RPCTestSupport"
        ),
        .testTarget(
            name: "RPCCoreTests",
            dependencies: ["RPCCore", "RPCInProcessTransport", "RPCTestSupport", "ServerSupport"]
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
