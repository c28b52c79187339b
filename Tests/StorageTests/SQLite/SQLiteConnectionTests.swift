import Foundation
import Storage
import Testing
import Wire

/// Binds each value, stores it in an untyped column (no affinity: SQLite keeps the storage class
/// it was given), reads it back as the same Swift type, and reports the storage class SQLite saw.
private func roundTrip<T: SQLiteBindable & SQLiteColumnDecodable & Sendable>(
    _ values: [T]
) async throws -> [(value: T, storageClass: String)] {
    try await withConnection { conn in
        try conn.execute("CREATE TABLE v(position INTEGER PRIMARY KEY, x)")
        for (position, value) in values.enumerated() {
            try conn.execute("INSERT INTO v(position, x) VALUES (?, ?)", position, value)
        }
        var result: [(value: T, storageClass: String)] = []
        try conn.query("SELECT x, typeof(x) FROM v ORDER BY position") { row in
            result.append((try row[0], try row[1]))
        }
        return result
    }
}

/// Runs `body` and returns the `SQLiteError` it throws, or `nil` if it does not throw one.
private func sqliteError(_ body: () throws -> Void) -> SQLiteError? {
    do {
        try body()
        return nil
    } catch let error as SQLiteError {
        return error
    } catch {
        return nil
    }
}

@Suite("SQLiteConnection")
struct SQLiteConnectionTests {
    // MARK: - Typed round trips

    @Test("Int64 round-trips as INTEGER")
    func int64() async throws {
        let values: [Int64] = [0, 1, -1, .min, .max, 1_234_567_890_123]
        let stored = try await roundTrip(values)
        #expect(stored.map(\.value) == values)
        #expect(stored.allSatisfy { $0.storageClass == "integer" })
    }

    @Test("Int and Bool round-trip as INTEGER")
    func intAndBool() async throws {
        let ints = [0, 42, -7, Int.max]
        #expect(try await roundTrip(ints).map(\.value) == ints)
        let bools = [true, false]
        let stored = try await roundTrip(bools)
        #expect(stored.map(\.value) == bools)
        #expect(stored.map(\.storageClass) == ["integer", "integer"])
    }

    @Test("Double round-trips as REAL, bit for bit")
    func double() async throws {
        let values: [Double] = [0, -0.0, 1.5, -2.25e-300, .greatestFiniteMagnitude, .infinity, -.infinity, 0.1]
        let stored = try await roundTrip(values)
        #expect(stored.map(\.value.bitPattern) == values.map(\.bitPattern))
        #expect(stored.allSatisfy { $0.storageClass == "real" })
    }

    @Test("String round-trips as TEXT, including empty, non-ASCII and embedded NUL")
    func string() async throws {
        let values = [
            "", "abc", "Société Générale — dû 1 250,00 €", "😀 emoji", "a\u{0}b", String(repeating: "x", count: 100_000),
        ]
        let stored = try await roundTrip(values)
        #expect(stored.map(\.value) == values)
        #expect(stored.allSatisfy { $0.storageClass == "text" })
    }

    @Test("[UInt8] round-trips as BLOB; an empty array is an empty blob, not NULL")
    func blob() async throws {
        let values: [[UInt8]] = [[], [0], [0, 255, 1, 0], Array(0...255)]
        let stored = try await roundTrip(values)
        #expect(stored.map(\.value) == values)
        #expect(stored.allSatisfy { $0.storageClass == "blob" })
    }

    @Test("CalendarDate round-trips as INTEGER days since 1970-01-01")
    func calendarDate() async throws {
        let values = [
            CalendarDate.min, .max, try #require(CalendarDate("1970-01-01")), try #require(CalendarDate("2025-03-31")),
        ]
        let stored = try await roundTrip(values)
        #expect(stored.map(\.value) == values)
        #expect(stored.allSatisfy { $0.storageClass == "integer" })
        let days = try await withConnection { conn in
            try conn.fetchValue(Int64.self, "SELECT ?", try #require(CalendarDate("2025-03-31")))
        }
        #expect(days == 20_178)
    }

    @Test("Date round-trips as INTEGER milliseconds since the epoch")
    func date() async throws {
        let values = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_763_900_000.123),
            Date(timeIntervalSince1970: -86_400.5),
        ]
        let stored = try await roundTrip(values)
        for (original, back) in zip(values, stored) {
            #expect(abs(original.timeIntervalSince1970 - back.value.timeIntervalSince1970) < 0.001)
            #expect(back.storageClass == "integer")
        }
        let milliseconds = try await withConnection { conn in
            try conn.fetchValue(Int64.self, "SELECT ?", Date(timeIntervalSince1970: 1.5))
        }
        #expect(milliseconds == 1500)
    }

    @Test("Optional binds NULL and reads NULL back as nil")
    func optional() async throws {
        let values: [String?] = [nil, "x", nil]
        let stored = try await roundTrip(values)
        #expect(stored.map(\.value) == values)
        #expect(stored.map(\.storageClass) == ["null", "text", "null"])
    }

    @Test("SQLiteValue round-trips every storage class")
    func dynamicValues() async throws {
        let values: [SQLiteValue] = [.null, .integer(-5), .real(2.5), .text("t"), .blob([1, 2])]
        let stored = try await roundTrip(values)
        #expect(stored.map(\.value) == values)
        #expect(stored.map(\.storageClass) == ["null", "integer", "real", "text", "blob"])
    }

    @Test("RawRepresentable enums bind and decode through their raw value")
    func rawRepresentable() async throws {
        let stored = try await roundTrip([Kind.payment, .creditNote])
        #expect(stored.map(\.value) == [.payment, .creditNote])
        let error = try await withConnection { conn in
            sqliteError { _ = try conn.fetchValue(Kind.self, "SELECT 'REFUND'") }
        }
        #expect(error?.code == .mismatch)
    }

    // MARK: - Strict decoding

    @Test(
        "reading a value into the wrong Swift type throws SQLITE_MISMATCH",
        arguments: [
            ("SELECT 'text'", "Int64"), ("SELECT NULL", "Int64"), ("SELECT 2", "Bool"), ("SELECT 1.5", "Int64"),
            ("SELECT 42", "String"), ("SELECT x'00'", "String"), ("SELECT 'a'", "Blob"),
            ("SELECT 99999999999", "CalendarDate"), ("SELECT 'x'", "Double"),
        ]
    )
    func mismatch(sql: String, type: String) async throws {
        let error = try await withConnection { conn in
            sqliteError {
                switch type {
                case "Int64": _ = try conn.fetchValue(Int64.self, sql)
                case "Bool": _ = try conn.fetchValue(Bool.self, sql)
                case "String": _ = try conn.fetchValue(String.self, sql)
                case "Blob": _ = try conn.fetchValue([UInt8].self, sql)
                case "CalendarDate": _ = try conn.fetchValue(CalendarDate.self, sql)
                default: _ = try conn.fetchValue(Double.self, sql)
                }
            }
        }
        let thrown = try #require(error)
        #expect(thrown.code == .mismatch)
        #expect(thrown.sql == sql)
        #expect(thrown.message.contains("column 0"))
    }

    @Test("binding NaN and a wrong argument count are refused")
    func badArguments() async throws {
        let (nan, tooMany, tooFew) = try await withConnection { conn in
            (
                sqliteError { _ = try conn.fetchValue(Double?.self, "SELECT ?", Double.nan) },
                sqliteError { _ = try conn.fetchValue(Int64.self, "SELECT ?", 1, 2) },
                sqliteError { try conn.execute("SELECT ?, ?", 1) }
            )
        }
        #expect(nan?.code == .mismatch)
        #expect(tooMany?.code == .range)
        #expect(tooFew?.message == "statement takes 2 argument(s), got 1")
    }

    @Test("rows decode by index, by column name, and through SQLiteRowDecodable")
    func rowDecoding() async throws {
        let (people, named, missing) = try await withConnection { conn in
            try conn.executeScript(
                """
                CREATE TABLE people(id TEXT PRIMARY KEY, born INTEGER, score REAL) STRICT;
                INSERT INTO people VALUES ('b', 20000, NULL), ('a', 10000, 2.5);
                """
            )
            let people = try conn.fetchAll(Person.self, "SELECT id, born, score FROM people ORDER BY id")
            let named = try conn.fetchOne(Named.self, "SELECT id AS Label FROM people WHERE id = ?", "b")
            let missing = try conn.fetchOne(Named.self, "SELECT id AS label FROM people WHERE id = ?", "zzz")
            return (people, named, missing)
        }
        #expect(people.map(\.id) == ["a", "b"])
        #expect(people.map(\.born.daysSinceEpoch) == [10000, 20000])
        #expect(people.map(\.score) == [2.5, nil])
        #expect(named?.label == "b")
        #expect(missing == nil)
    }

    // MARK: - Errors

    @Test(
        "constraint violations carry the extended code, which matches its primary code",
        arguments: [
            ("INSERT INTO t(id, n) VALUES (1, 1)", SQLiteError.Code.constraintPrimaryKey),
            ("INSERT INTO t(id, n, u) VALUES (2, 1, 'taken')", .constraintUnique),
            ("INSERT INTO t(id, n) VALUES (2, NULL)", .constraintNotNull),
            ("INSERT INTO t(id, n) VALUES (2, -1)", .constraintCheck),
            ("INSERT INTO t(id, n, parent) VALUES (2, 1, 99)", .constraintForeignKey),
            ("INSERT INTO t(id, n) VALUES (2, 'x')", .constraintDatatype),
        ]
    )
    func constraintCodes(sql: String, expected: SQLiteError.Code) async throws {
        let error = try await withConnection { conn in
            try conn.executeScript(
                """
                CREATE TABLE t(
                    id INTEGER PRIMARY KEY, n INTEGER NOT NULL CHECK (n >= 0), u TEXT UNIQUE,
                    parent INTEGER REFERENCES t(id)
                ) STRICT;
                INSERT INTO t(id, n, u) VALUES (1, 0, 'taken');
                """
            )
            return sqliteError { try conn.execute(sql) }
        }
        let thrown = try #require(error)
        #expect(thrown.code == expected)
        #expect(thrown.code.primary == .constraint)
        #expect(SQLiteError.Code.constraint ~= thrown.code)
        #expect(expected ~= thrown.code)
        #expect(!(SQLiteError.Code.busy ~= thrown.code))
        #expect(thrown.sql == sql)
        #expect(!thrown.message.isEmpty)
    }

    @Test("UNIQUE violation: SQLITE_CONSTRAINT_UNIQUE, errmsg captured, SQL named, bound values not printed")
    func uniqueViolation() async throws {
        let error = try await withConnection { conn in
            try conn.execute("CREATE TABLE firms(id TEXT PRIMARY KEY, token TEXT UNIQUE) STRICT")
            try conn.execute("INSERT INTO firms VALUES (?, ?)", "a", "secret-value-1")
            return sqliteError { try conn.execute("INSERT INTO firms VALUES (?, ?)", "b", "secret-value-1") }
        }
        let thrown = try #require(error)
        #expect(thrown.code == .constraintUnique)
        #expect(thrown.code.rawValue == 2067)
        #expect(thrown.code.description == "SQLITE_CONSTRAINT_UNIQUE")
        #expect(thrown.message == "UNIQUE constraint failed: firms.token")
        #expect(thrown.description.contains("INSERT INTO firms VALUES (?, ?)"))
        #expect(!thrown.description.contains("secret-value-1"))
        // `catch SQLiteError.Code.constraint` style matching.
        #expect(SQLiteError.Code.constraint ~= (thrown as any Error))
        #expect(!(SQLiteError.Code.constraint ~= (CancellationError() as any Error)))
    }

    @Test("syntax errors, multiple statements and closed connections are reported, not crashes")
    func misuse() async throws {
        let (syntax, twoStatements, empty, closed) = try await withConnection { conn in
            let syntax = sqliteError { try conn.execute("SELEC 1") }
            let twoStatements = sqliteError { try conn.execute("SELECT 1; SELECT 2") }
            let empty = sqliteError { try conn.execute("  -- nothing") }
            try conn.execute("SELECT 1; -- trailing comment is fine")
            conn.close()
            let closed = sqliteError { try conn.execute("SELECT 1") }
            return (syntax, twoStatements, empty, closed)
        }
        #expect(syntax?.code == .error)
        #expect(syntax?.message.contains("syntax error") == true)
        #expect(twoStatements?.code == .misuse)
        #expect(empty?.code == .misuse)
        #expect(closed?.code == .misuse)
        #expect(closed?.message == "the connection is closed")
    }

    @Test("opening a file that is not a database fails with SQLITE_NOTADB")
    func notADatabase() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/garbage.sqlite"
            try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
            let error = try await onBlockingQueue { sqliteError { _ = try SQLiteConnection(path: path) } }
            #expect(error?.code == .notADatabase)
            let missing = try await onBlockingQueue {
                var options = SQLiteConnection.Options()
                options.access = .readWrite(create: false)
                return sqliteError { _ = try SQLiteConnection(path: directory + "/missing.sqlite", options: options) }
            }
            #expect(missing?.code == .cannotOpen)
        }
    }

    @Test("the connection is configured: WAL, foreign keys, synchronous NORMAL, busy timeout")
    func configuration() async throws {
        let (journal, foreignKeys, synchronous, timeout) = try await withConnection { conn in
            (
                try conn.fetchValue(String.self, "PRAGMA journal_mode"),
                try conn.fetchValue(Int.self, "PRAGMA foreign_keys"),
                try conn.fetchValue(Int.self, "PRAGMA synchronous"),
                try conn.fetchValue(Int.self, "PRAGMA busy_timeout")
            )
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(synchronous == 1)
        #expect(timeout == 5000)
    }

    @Test("mmap_size: off by default, the configured size when set (tenant files read through a map)")
    func memoryMap() async throws {
        let off = try await withConnection { try $0.fetchValue(Int.self, "PRAGMA mmap_size") }
        var options = SQLiteConnection.Options()
        options.mmapSizeBytes = 64 << 20
        let on = try await withConnection(options: options) { try $0.fetchValue(Int.self, "PRAGMA mmap_size") }
        #expect(off == 0)
        #expect(on == 64 << 20)
        #expect(TenantPool.Configuration().database.connection.mmapSizeBytes == 0x7FFF_0000)
    }

    // MARK: - Statement cache

    @Test("prepared statements are cached per SQL text and reused")
    func statementCache() async throws {
        let (before, after, cached, total) = try await withConnection { conn in
            try conn.execute("CREATE TABLE t(a INTEGER)")
            let before = conn.statistics
            for value in 0..<100 {
                try conn.execute("INSERT INTO t(a) VALUES (?)", value)
            }
            let after = conn.statistics
            let total = try conn.fetchValue(Int.self, "SELECT sum(a) FROM t")
            return (before, after, conn.cachedStatementCount, total)
        }
        #expect(after.prepared - before.prepared == 1)
        #expect(after.cacheHits - before.cacheHits == 99)
        #expect(cached == 3)  // CREATE TABLE, INSERT, SELECT
        #expect(total == 4950)
    }

    @Test("a nested query with the same SQL gets its own statement; bindings never leak between uses")
    func nestedSameSQL() async throws {
        let pairs = try await withConnection { conn in
            try conn.executeScript("CREATE TABLE t(a INTEGER); INSERT INTO t VALUES (1), (2), (3);")
            let sql = "SELECT a FROM t WHERE a >= ? ORDER BY a"
            var pairs: [[Int]] = []
            try conn.query(sql, 2) { outer in
                let a: Int = try outer[0]
                pairs.append([a] + (try conn.fetchColumn(Int.self, sql, a)))
            }
            return pairs
        }
        #expect(pairs == [[2, 2, 3], [3, 3]])
    }

    @Test("the cache is bounded: least recently used statements are finalized")
    func cacheBound() async throws {
        var options = SQLiteConnection.Options()
        options.statementCacheCapacity = 4
        let (count, value) = try await withConnection(options: options) { conn in
            for index in 0..<20 {
                _ = try conn.fetchValue(Int.self, "SELECT \(index)")
            }
            return (conn.cachedStatementCount, try conn.fetchValue(Int.self, "SELECT 19"))
        }
        #expect(count == 4)
        #expect(value == 19)
    }

    @Test("a hand-prepared statement runs in a hot loop: reset, bind, step")
    func preparedLoop() async throws {
        let (sum, changes, rowID) = try await withConnection { conn in
            try conn.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT)")
            let insert = try conn.prepare("INSERT INTO t(a, b) VALUES (?, ?)")
            try conn.transaction(.immediate) {
                for value in 1...1000 {
                    try insert.execute(value, "row \(value)")
                }
            }
            let rowID = conn.lastInsertRowID
            try conn.execute("UPDATE t SET b = 'even' WHERE a % 2 = 0")
            return (try conn.fetchValue(Int.self, "SELECT sum(a) FROM t"), conn.changes, rowID)
        }
        #expect(sum == 500_500)
        #expect(changes == 500)
        #expect(rowID == 1000)
    }

    // MARK: - Transactions

    @Test("a transaction commits on return and rolls back on throw")
    func transactionRollback() async throws {
        let (count, inTransaction, threw) = try await withConnection { conn in
            try conn.execute("CREATE TABLE t(a INTEGER)")
            try conn.transaction { try conn.execute("INSERT INTO t VALUES (1)") }
            var threw = false
            do {
                try conn.transaction(.immediate) {
                    try conn.execute("INSERT INTO t VALUES (2)")
                    try conn.execute("INSERT INTO t VALUES (3)")
                    throw Boom()
                }
            } catch is Boom {
                threw = true
            }
            return (try conn.fetchColumn(Int.self, "SELECT a FROM t ORDER BY a"), conn.isInTransaction, threw)
        }
        #expect(threw)
        #expect(count == [1])
        #expect(!inTransaction)
    }

    @Test("nested transactions are savepoints: an inner failure undoes only the inner work")
    func nestedSavepoints() async throws {
        let values = try await withConnection { conn in
            try conn.execute("CREATE TABLE t(a INTEGER)")
            try conn.transaction(.immediate) {
                try conn.execute("INSERT INTO t VALUES (1)")
                try? conn.transaction {
                    try conn.execute("INSERT INTO t VALUES (2)")
                    try conn.transaction { try conn.execute("INSERT INTO t VALUES (3)") }
                    throw Boom()
                }
                try conn.transaction {
                    try conn.execute("INSERT INTO t VALUES (4)")
                    try? conn.transaction {
                        try conn.execute("INSERT INTO t VALUES (5)")
                        throw Boom()
                    }
                }
            }
            return try conn.fetchColumn(Int.self, "SELECT a FROM t ORDER BY a")
        }
        #expect(values == [1, 4])
    }

    @Test("a constraint error inside a transaction rolls everything back and leaves the connection usable")
    func rollbackOnSQLiteError() async throws {
        let (values, error) = try await withConnection { conn in
            try conn.execute("CREATE TABLE t(a INTEGER PRIMARY KEY)")
            let error = sqliteError {
                try conn.transaction(.immediate) {
                    try conn.execute("INSERT INTO t VALUES (1)")
                    try conn.execute("INSERT INTO t VALUES (1)")
                }
            }
            try conn.execute("INSERT INTO t VALUES (7)")
            return (try conn.fetchColumn(Int.self, "SELECT a FROM t"), error)
        }
        #expect(error?.code == .constraintPrimaryKey)
        #expect(values == [7])
    }
}

private struct Boom: Error {}

private enum Kind: String, SQLiteBindable, SQLiteColumnDecodable, Sendable {
    case payment = "PAYMENT"
    case creditNote = "CREDIT_NOTE"
}

private struct Person: SQLiteRowDecodable, Sendable {
    var id: String
    var born: CalendarDate
    var score: Double?

    init(row: SQLiteRow) throws {
        self.id = try row[0]
        self.born = try row[1]
        self.score = try row[column: "score"]
    }
}

private struct Named: SQLiteRowDecodable, Sendable {
    var label: String

    init(row: SQLiteRow) throws {
        self.label = try row[column: "label"]
    }
}
