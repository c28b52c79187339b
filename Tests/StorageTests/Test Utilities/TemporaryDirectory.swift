import Dispatch
import Foundation
import Storage

/// Runs `body` with a fresh empty directory under the system temp dir, removed afterwards
/// whatever happens.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("pilotage-storage-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Runs blocking work (the synchronous SQLite wrapper, file reads) on a dispatch queue rather
/// than on a cooperative-pool thread, and awaits its result.
func onBlockingQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue(label: "pilotage.storage.tests.blocking").async {
            continuation.resume(with: Result { try body() })
        }
    }
}

/// Opens a connection on a fresh file in a temporary directory and runs `body` with it on a
/// dispatch queue; the connection is closed and the directory removed afterwards.
func withConnection<T: Sendable>(
    options: SQLiteConnection.Options = SQLiteConnection.Options(),
    _ body: @escaping @Sendable (SQLiteConnection) throws -> T
) async throws -> T {
    try await withTemporaryDirectory { directory in
        try await onBlockingQueue {
            let connection = try SQLiteConnection(path: directory + "/test.sqlite", options: options)
            defer { connection.close() }
            return try body(connection)
        }
    }
}
