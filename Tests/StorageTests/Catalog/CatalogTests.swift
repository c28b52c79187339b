import Foundation
import ServerSupport
import Storage
import Testing

/// Opens a fresh catalog in a temporary directory, runs `body`, closes it.
private func withCatalog<T>(_ body: (Catalog, String) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { directory in
        let catalog = try await Catalog.open(path: directory + "/catalog.sqlite")
        do {
            let result = try await body(catalog, directory)
            await catalog.close()
            return result
        } catch {
            await catalog.close()
            throw error
        }
    }
}

private func firm(_ text: String) throws -> FirmID { try FirmID(text) }

/// Decodes the secret part of a `plt_<key id>_<secret>` token with Foundation's base64, an
/// implementation independent of the catalog's own.
private func secretBytes(of token: String) throws -> [UInt8] {
    var text = String(token.suffix(43)).replacingOccurrences(of: "-", with: "+").replacingOccurrences(
        of: "_",
        with: "/"
    )
    text += "="
    return [UInt8](try #require(Data(base64Encoded: text)))
}

/// Whether `needle` occurs anywhere in `haystack`.
private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
        if Array(haystack[start..<(start + needle.count)]) == needle { return true }
    }
    return false
}

@Suite("Catalog: firms")
struct CatalogFirmTests {
    @Test("firms are created, listed, suspended, placed; duplicates and unknown ids are refused")
    func firms() async throws {
        try await withCatalog { catalog, _ in
            let created = Date(timeIntervalSince1970: 1_700_000_000)
            try await catalog.createFirm(
                id: firm("dupont"),
                name: " Cabinet Dupont ",
                placement: "disk-a",
                now: created
            )
            try await catalog.createFirm(id: firm("martin"), name: "Martin & Associés")
            let duplicate = await #expect(throws: StorageError.self) {
                try await catalog.createFirm(id: firm("dupont"), name: "Other")
            }
            #expect(duplicate?.code == .firmAlreadyExists)
            let unnamed = await #expect(throws: StorageError.self) {
                try await catalog.createFirm(id: firm("x"), name: "  ")
            }
            #expect(unnamed?.code == .invalidArgument)

            try await catalog.setStatus(.suspended, of: firm("martin"))
            try await catalog.setPlacement(nil, of: firm("dupont"))
            let missing = await #expect(throws: StorageError.self) {
                try await catalog.setStatus(.active, of: firm("nobody"))
            }
            #expect(missing?.code == .firmNotFound)

            let all = try await catalog.firms()
            #expect(all.map(\.id.rawValue) == ["dupont", "martin"])
            #expect(all.map(\.status) == [.active, .suspended])
            let dupont = try #require(try await catalog.firm(firm("dupont")))
            #expect(dupont.name == "Cabinet Dupont")
            #expect(dupont.placement == nil)
            #expect(dupont.createdAt == created)
            #expect(dupont.lastIngestionAt == nil)
            #expect(try await catalog.firm(firm("nobody")) == nil)
        }
    }

    @Test("the last-ingestion timestamp only moves forward")
    func lastIngestion() async throws {
        try await withCatalog { catalog, _ in
            let id = try firm("dupont")
            try await catalog.createFirm(id: id, name: "Dupont")
            let later = Date(timeIntervalSince1970: 1_800_000_000)
            try await catalog.recordIngestion(firm: id, at: later)
            try await catalog.recordIngestion(firm: id, at: later.addingTimeInterval(-3600))
            #expect(try await catalog.firm(id)?.lastIngestionAt == later)
            let unknown = await #expect(throws: StorageError.self) {
                try await catalog.recordIngestion(firm: firm("ghost"))
            }
            #expect(unknown?.code == .firmNotFound)
        }
    }

    @Test("the operator report gives every firm's schema version, file size and last ingestion")
    func operatorReport() async throws {
        try await withCatalog { catalog, directory in
            let migrations = MigrationList([
                Migration(version: 1, name: "facts", sql: "CREATE TABLE facts(id TEXT PRIMARY KEY) STRICT;")
            ])
            let pool = try TenantPool(directory: directory + "/tenants", migrations: migrations, logger: .silent())
            for id in ["a", "b", "c"] { try await catalog.createFirm(id: firm(id), name: "Firm \(id)") }
            let ingested = Date(timeIntervalSince1970: 1_750_000_000)
            try await pool.withTenant(firm("a")) { db in
                try await db.write { conn in try conn.execute("INSERT INTO facts VALUES ('x')") }
            }
            try await catalog.recordIngestion(firm: firm("a"), at: ingested)
            try await pool.withTenant(firm("b")) { _ in }
            _ = await pool.closeIdle(unusedFor: .zero)
            try await pool.withTenant(firm("b")) { _ in }

            let report = try await catalog.operatorReport(tenants: pool)
            #expect(report.map(\.firm.id.rawValue) == ["a", "b", "c"])
            #expect(report.map(\.schemaVersion) == [1, 1, nil])
            #expect(report.map(\.isOpen) == [false, true, false])
            #expect(report.map(\.needsMigration) == [false, false, true])
            #expect(report[0].fileBytes ?? 0 > 0)
            #expect(report[2].fileBytes == nil)
            #expect(report[0].firm.lastIngestionAt == ingested)
            #expect(report[1].firm.lastIngestionAt == nil)
            await pool.shutdown()
        }
    }
}

@Suite("Catalog: credentials")
struct CatalogCredentialTests {
    @Test("the secret is shown once: only its SHA-256 is in the file")
    func shownOnce() async throws {
        try await withCatalog { catalog, directory in
            try await catalog.createFirm(id: firm("dupont"), name: "Dupont")
            let issued = try await catalog.issueCredential(.backOffice, label: "Dupont ERP", firms: [firm("dupont")])
            let token = issued.token
            #expect(token.hasPrefix("plt_\(issued.credential.id.rawValue)_"))
            #expect(token.utf8.count == 64)
            let secret = try secretBytes(of: token)
            #expect(secret.count == 32)

            let storedHash = try await catalog.database.read { conn in
                try conn.fetchValue(
                    [UInt8].self,
                    "SELECT secret_sha256 FROM credentials WHERE key_id = ?",
                    issued.credential.id
                )
            }
            #expect(storedHash == SHA256.hash(secret))

            // Every byte the catalog wrote: main file and write-ahead log.
            let bytes = try await onBlockingQueue {
                var bytes: [UInt8] = []
                for suffix in ["", "-wal"] {
                    if let data = FileManager.default.contents(atPath: directory + "/catalog.sqlite" + suffix) {
                        bytes += [UInt8](data)
                    }
                }
                return bytes
            }
            #expect(contains(bytes, SHA256.hash(secret)))  // the hash is there …
            #expect(!contains(bytes, secret))  // … never the secret itself,
            #expect(!contains(bytes, Array(token.suffix(43).utf8)))  // nor its text,
            #expect(!contains(bytes, Array(token.utf8)))  // nor the token.
            #expect(contains(bytes, Array(issued.credential.id.rawValue.utf8)))  // The key id is public.
            #expect(try await catalog.credentials().map(\.id) == [issued.credential.id])
        }
    }

    @Test("authenticate: a valid token gives its principal")
    func authenticateValid() async throws {
        try await withCatalog { catalog, _ in
            for id in ["a", "b", "c"] { try await catalog.createFirm(id: firm(id), name: id) }
            let issued = try await catalog.issueCredential(
                .backOffice,
                label: "ERP",
                firms: [firm("b"), firm("a"), firm("a")],
                actingUser: "collab-7"
            )
            let principal = try #require(try await catalog.authenticate(token: issued.token))
            #expect(principal.credentialID == issued.credential.id)
            #expect(principal.kind == .backOffice)
            #expect(principal.label == "ERP")
            #expect(principal.allowedFirms == [try firm("a"), try firm("b")])
            #expect(principal.mayReachTenant(try firm("a")))
            #expect(!principal.mayReachTenant(try firm("c")))
            #expect(principal.actingUser == "collab-7")
            #expect(principal.mayActAs("collab-7"))
            #expect(!principal.mayActAs("collab-8"))
        }
    }

    @Test("authenticate: unknown, tampered and malformed tokens give nil")
    func authenticateRejects() async throws {
        try await withCatalog { catalog, _ in
            try await catalog.createFirm(id: firm("a"), name: "A")
            let token = try await catalog.issueCredential(.backOffice, label: "ERP", firms: [firm("a")]).token
            let other = try await catalog.issueCredential(.worker, label: "worker").token
            var flipped = Array(token.utf8)
            flipped[30] = flipped[30] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let candidates: [String] = [
                String(decoding: flipped, as: UTF8.self),  // tampered secret
                String(token.prefix(21)) + String(other.suffix(43)),  // right key id, another key's secret
                "plt_0123456789abcdef_" + String(token.suffix(43)),  // unknown key id
                "", "plt_", token + "A", String(token.dropLast()), "PLT" + token.dropFirst(3),
                String(token.prefix(4)) + token.dropFirst(4).uppercased(),  // hex must be lowercase
                token.replacingOccurrences(of: "_", with: "-"),
                String(token.dropLast()) + "=",  // padding is not part of the format
                String(token.dropLast()) + "/",  // outside the base64url alphabet
            ]
            for candidate in candidates where candidate != token {
                #expect(try await catalog.authenticate(token: candidate) == nil, "\(candidate)")
            }
            #expect(try await catalog.authenticate(token: token) != nil)
        }
    }

    @Test("authenticate: a revoked credential gives nil from its revocation instant on")
    func revoked() async throws {
        try await withCatalog { catalog, _ in
            let issued = try await catalog.issueCredential(.operator, label: "ops")
            let now = Date()
            try await catalog.revokeCredential(issued.credential.id, at: now.addingTimeInterval(60))
            #expect(try await catalog.authenticate(token: issued.token, now: now) != nil)
            #expect(try await catalog.authenticate(token: issued.token, now: now.addingTimeInterval(61)) == nil)
            try await catalog.revokeCredential(issued.credential.id, at: now)
            #expect(try await catalog.authenticate(token: issued.token, now: now.addingTimeInterval(1)) == nil)
            // Revoking later again does not postpone it.
            try await catalog.revokeCredential(issued.credential.id, at: now.addingTimeInterval(3600))
            #expect(try await catalog.authenticate(token: issued.token, now: now.addingTimeInterval(1)) == nil)
            #expect(try await catalog.credentials().first?.revokedAt != nil)
            let unknown = await #expect(throws: StorageError.self) {
                try await catalog.revokeCredential(CredentialID("0000000000000000"))
            }
            #expect(unknown?.code == .credentialNotFound)
        }
    }

    @Test("firm restriction: back-office keys reach their active firms only; workers any; operators none")
    func firmRestriction() async throws {
        try await withCatalog { catalog, _ in
            let (a, b) = try (firm("a"), firm("b"))
            try await catalog.createFirm(id: a, name: "A")
            try await catalog.createFirm(id: b, name: "B")
            let office = try await catalog.issueCredential(.backOffice, label: "A back-office", firms: [a])
            let worker = try await catalog.issueCredential(.worker, label: "worker-1")
            let ops = try await catalog.issueCredential(.operator, label: "ops")

            let officePrincipal = try #require(try await catalog.authenticate(token: office.token))
            #expect(officePrincipal.mayReachTenant(a) && !officePrincipal.mayReachTenant(b))
            let workerPrincipal = try #require(try await catalog.authenticate(token: worker.token))
            #expect(workerPrincipal.kind == .worker && workerPrincipal.mayReachTenant(b))
            #expect(workerPrincipal.allowedFirms.isEmpty)
            let opsPrincipal = try #require(try await catalog.authenticate(token: ops.token))
            #expect(!opsPrincipal.mayReachTenant(a))

            try await catalog.grant(firm: b, to: office.credential.id)
            #expect(try await catalog.authenticate(token: office.token)?.allowedFirms == [a, b])
            try await catalog.setStatus(.suspended, of: a)
            // Suspension does not withdraw a grant: the gateway refuses calls to a suspended firm itself.
            #expect(try await catalog.authenticate(token: office.token)?.allowedFirms == [a, b])
            #expect(try await catalog.withdraw(firm: b, from: office.credential.id))
            #expect(try await catalog.authenticate(token: office.token)?.allowedFirms == [a])
            #expect(try await catalog.credentials().first { $0.id == office.credential.id }?.firms == [a])

            let grantWorker = await #expect(throws: StorageError.self) {
                try await catalog.grant(firm: a, to: worker.credential.id)
            }
            #expect(grantWorker?.code == .invalidArgument)
        }
    }

    @Test("issuing checks the kind's firm rules and that firms exist")
    func issueValidation() async throws {
        try await withCatalog { catalog, _ in
            try await catalog.createFirm(id: firm("a"), name: "A")
            let noFirm = await #expect(throws: StorageError.self) {
                try await catalog.issueCredential(.backOffice, label: "x")
            }
            #expect(noFirm?.code == .invalidArgument)
            let workerWithFirm = await #expect(throws: StorageError.self) {
                try await catalog.issueCredential(.worker, label: "w", firms: [firm("a")])
            }
            #expect(workerWithFirm?.code == .invalidArgument)
            let unknownFirm = await #expect(throws: StorageError.self) {
                try await catalog.issueCredential(.backOffice, label: "x", firms: [firm("a"), firm("ghost")])
            }
            #expect(unknownFirm?.code == .firmNotFound)
            #expect(try await catalog.credentials().isEmpty)
            // Two issued keys never share an id or a secret.
            let first = try await catalog.issueCredential(.operator, label: "1")
            let second = try await catalog.issueCredential(.operator, label: "2")
            #expect(first.credential.id != second.credential.id)
            #expect(try secretBytes(of: first.token) != secretBytes(of: second.token))
        }
    }
}

@Suite("Catalog: worker leases")
struct CatalogLeaseTests {
    private let start = Date(timeIntervalSince1970: 1_760_000_000)

    @Test("acquire, refuse while held, renew, expire, take over with a larger token, refuse the stale holder")
    func lifecycle() async throws {
        try await withCatalog { catalog, _ in
            let id = try firm("dupont")
            try await catalog.createFirm(id: id, name: "Dupont")
            let partition = "receivables/2025-03"
            let first = try #require(
                try await catalog.acquireLease(
                    firm: id,
                    partition: partition,
                    holder: "w1",
                    duration: .seconds(30),
                    now: self.start
                )
            )
            #expect(first.fencingToken == 1)
            #expect(first.expiresAt == self.start.addingTimeInterval(30))
            #expect(
                try await catalog.acquireLease(
                    firm: id,
                    partition: partition,
                    holder: "w2",
                    duration: .seconds(30),
                    now: self.start.addingTimeInterval(10)
                ) == nil
            )
            #expect(
                try await catalog.acquireLease(
                    firm: id,
                    partition: partition,
                    holder: "w1",
                    duration: .seconds(30),
                    now: self.start.addingTimeInterval(10)
                ) == nil
            )
            // Renewal while held.
            let renewed = try await catalog.renewLease(
                first,
                duration: .seconds(30),
                now: self.start.addingTimeInterval(20)
            )
            #expect(renewed.expiresAt == self.start.addingTimeInterval(50))
            #expect(try await catalog.isHolding(renewed, now: self.start.addingTimeInterval(49)))
            // Expiry: no renewal, no completion.
            let expiredAt = self.start.addingTimeInterval(51)
            #expect(try await !catalog.isHolding(renewed, now: expiredAt))
            let lateRenew = await #expect(throws: StorageError.self) {
                try await catalog.renewLease(renewed, duration: .seconds(30), now: expiredAt)
            }
            #expect(lateRenew?.code == .leaseLost)
            // Takeover.
            let second = try #require(
                try await catalog.acquireLease(
                    firm: id,
                    partition: partition,
                    holder: "w2",
                    duration: .seconds(30),
                    now: expiredAt
                )
            )
            #expect(second.fencingToken == 2)
            let staleCommit = await #expect(throws: StorageError.self) {
                try await catalog.completeLease(renewed, now: expiredAt.addingTimeInterval(1))
            }
            #expect(staleCommit?.code == .leaseLost)
            #expect(try await !catalog.releaseLease(renewed))  // cannot disturb the new holder
            #expect(try await catalog.isHolding(second, now: expiredAt.addingTimeInterval(1)))
            try await catalog.completeLease(second, now: expiredAt.addingTimeInterval(2))
            #expect(try await !catalog.isHolding(second, now: expiredAt.addingTimeInterval(2)))
            // Tokens keep growing across releases.
            let third = try #require(
                try await catalog.acquireLease(
                    firm: id,
                    partition: partition,
                    holder: "w1",
                    duration: .seconds(5),
                    now: expiredAt.addingTimeInterval(3)
                )
            )
            #expect(third.fencingToken == 3)
            #expect(try await catalog.releaseLease(third))
            let states = try await catalog.leases(firm: id)
            #expect(states.count == 1)
            #expect(states[0].fencingToken == 3)
            #expect(states[0].holder == nil)
            #expect(try await catalog.leases().count == 1)
        }
    }

    @Test("held partitions: a firm's leased ones until released or expired, read through the index of held leases")
    func heldPartitions() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/catalog.sqlite"
            // A catalog at version 1 with a lease already taken: the upgrade keeps it.
            let version1 = try await Database.open(path: path, migrations: MigrationList(Array(Catalog.migrations.migrations.prefix(1))))
            try await version1.write { connection in
                try connection.execute("INSERT INTO firms (id, name, created_at) VALUES ('dupont', 'Dupont', 0), ('martin', 'Martin', 0)")
                try connection.execute(
                    """
                    INSERT INTO worker_leases (firm_id, partition_key, fencing_token, holder, acquired_at, expires_at)
                    VALUES ('dupont', 'g1/fy2025/m2025-03', 4, 'w0', ?1, ?2)
                    """,
                    self.start,
                    self.start.addingTimeInterval(60)
                )
            }
            await version1.close()

            let catalog = try await Catalog.open(path: path)
            let dupont = try firm("dupont")
            let martin = try firm("martin")
            let leased = try await catalog.acquireLeases(
                firm: dupont,
                partitions: ["g1/fy2025/m2025-03", "g2/fy2025/m2025-03", "g3/fy2025/m2025-03"],
                holder: "w1",
                duration: .seconds(30),
                now: self.start
            )
            #expect(leased.map(\.partition) == ["g2/fy2025/m2025-03", "g3/fy2025/m2025-03"])
            _ = try await catalog.acquireLeases(firm: martin, partitions: ["g9/fy2025/m2025-03"], holder: "w2", duration: .seconds(30), now: self.start)
            #expect(
                try await catalog.heldPartitions(firm: dupont, now: self.start.addingTimeInterval(1))
                    == ["g1/fy2025/m2025-03", "g2/fy2025/m2025-03", "g3/fy2025/m2025-03"]
            )
            #expect(try await catalog.heldPartitions(firm: martin, now: self.start.addingTimeInterval(1)) == ["g9/fy2025/m2025-03"])
            #expect(try await catalog.heldPartitionCount(firm: dupont, now: self.start.addingTimeInterval(1)) == 3)
            let released = try await catalog.releaseLeases(
                firm: dupont,
                holder: "w1",
                [PartitionToken(partition: "g2/fy2025/m2025-03", fencingToken: leased[0].fencingToken)]
            )
            #expect(released == 1)
            #expect(try await catalog.heldPartitions(firm: dupont, now: self.start.addingTimeInterval(1)) == ["g1/fy2025/m2025-03", "g3/fy2025/m2025-03"])
            // The w1 leases expire after 30 s, the one taken before the upgrade after 60 s.
            #expect(try await catalog.heldPartitions(firm: dupont, now: self.start.addingTimeInterval(30)) == ["g1/fy2025/m2025-03"])
            #expect(try await catalog.heldPartitions(firm: dupont, now: self.start.addingTimeInterval(60)).isEmpty)
            #expect(try await catalog.heldPartitionCount(firm: dupont, now: self.start.addingTimeInterval(60)) == 0)
            await catalog.close()

            // Every call of a lease and of a status runs this query: it must seek the held
            // leases of the firm, not read every partition the firm ever leased.
            let connection = try SQLiteConnection(path: path)
            var plan: [String] = []
            try connection.query("EXPLAIN QUERY PLAN " + Catalog.heldPartitionsQuery, self.start, "dupont") { row in
                plan.append(try row.decode(String.self, at: 3))
            }
            #expect(plan.contains { $0.contains("USING INDEX worker_leases_held_by_firm (firm_id=? AND expires_at>?)") }, "\(plan)")
        }
    }

    @Test("withLease runs its body only while the lease is held, atomically with the check")
    func withLease() async throws {
        try await withCatalog { catalog, _ in
            let id = try firm("a")
            try await catalog.createFirm(id: id, name: "A")
            let lease = try #require(
                try await catalog.acquireLease(
                    firm: id,
                    partition: "p",
                    holder: "w1",
                    duration: .seconds(10),
                    now: self.start
                )
            )
            let ran = LockedValueBox(0)
            try await catalog.withLease(lease, now: self.start.addingTimeInterval(5)) { conn in
                ran.withLock { $0 += 1 }
                try conn.execute("UPDATE firms SET last_ingestion_at = 1 WHERE id = ?", id)
            }
            let error = await #expect(throws: StorageError.self) {
                try await catalog.withLease(lease, now: self.start.addingTimeInterval(11)) { _ in
                    ran.withLock { $0 += 1 }
                }
            }
            #expect(error?.code == .leaseLost)
            #expect(ran.withLock { $0 } == 1)
        }
    }

    @Test("many workers racing for one partition: exactly one wins")
    func race() async throws {
        try await withCatalog { catalog, _ in
            let id = try firm("a")
            try await catalog.createFirm(id: id, name: "A")
            let winners = try await withThrowingTaskGroup(of: WorkerLease?.self) { group in
                for worker in 0..<12 {
                    group.addTask {
                        try await catalog.acquireLease(
                            firm: id,
                            partition: "hot",
                            holder: "w\(worker)",
                            duration: .seconds(60)
                        )
                    }
                }
                var winners: [WorkerLease] = []
                for try await lease in group { if let lease { winners.append(lease) } }
                return winners
            }
            #expect(winners.count == 1)
            #expect(winners.first?.fencingToken == 1)
        }
    }

    @Test("lease arguments are validated and the firm must exist")
    func validation() async throws {
        try await withCatalog { catalog, _ in
            try await catalog.createFirm(id: firm("a"), name: "A")
            let ghost = await #expect(throws: StorageError.self) {
                try await catalog.acquireLease(firm: firm("ghost"), partition: "p", holder: "w", duration: .seconds(1))
            }
            #expect(ghost?.code == .firmNotFound)
            for (partition, holder, duration) in [
                ("", "w", Duration.seconds(1)), (String(repeating: "p", count: 257), "w", .seconds(1)),
                ("p", "", .seconds(1)),
                ("p", "w", .zero),
            ] {
                let error = await #expect(throws: StorageError.self) {
                    try await catalog.acquireLease(
                        firm: firm("a"),
                        partition: partition,
                        holder: holder,
                        duration: duration
                    )
                }
                #expect(error?.code == .invalidArgument)
            }
        }
    }

    @Test("the tenant-side fence refuses a stale holder's commit and rolls its transaction back")
    func partitionFence() async throws {
        try await withTemporaryDirectory { directory in
            let db = try await Database.open(path: directory + "/tenant.sqlite")
            let initial = try await db.write { conn in
                try conn.execute("CREATE TABLE rollups(partition_key TEXT PRIMARY KEY, total INTEGER NOT NULL) STRICT")
                return try PartitionFence.currentToken(conn, partition: "p")
            }
            #expect(initial == nil)
            /// What a worker's commit does: advance the fence, replace the partition.
            func commit(token: Int64, total: Int) async throws {
                try await db.write { conn in
                    try conn.execute("INSERT OR REPLACE INTO rollups VALUES ('p', ?)", total)
                    try PartitionFence.advance(conn, partition: "p", to: token)
                }
            }
            try await commit(token: 2, total: 200)  // the new holder commits first
            let stale = await #expect(throws: StorageError.self) { try await commit(token: 1, total: 100) }
            #expect(stale?.code == .staleFence)
            try await commit(token: 2, total: 250)  // the same holder may commit again
            try await commit(token: 3, total: 300)
            let (total, token) = try await db.read { conn in
                (
                    try conn.fetchValue(Int.self, "SELECT total FROM rollups WHERE partition_key = 'p'"),
                    try PartitionFence.currentToken(conn, partition: "p")
                )
            }
            #expect(total == 300)
            #expect(token == 3)
            let stillStale = await #expect(throws: StorageError.self) { try await commit(token: 2, total: 1) }
            #expect(stillStale?.code == .staleFence)
            #expect(try await db.read { conn in try conn.fetchValue(Int.self, "SELECT total FROM rollups") } == 300)
            await db.close()
        }
    }
}
