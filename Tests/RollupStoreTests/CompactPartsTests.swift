import KPI
import Rollups
import Testing
import Wire

/// The stored form of parts: every type round-trips exactly (values beyond 64 bits included),
/// and a blob that is not its type's layout is refused instead of misread.
@Suite("Compact parts encoding")
struct CompactPartsTests {
    @Test("every parts type round-trips, including sums beyond 64 bits", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func roundTrip(seed: UInt64) throws {
        var random = SplitMix(seed: seed)
        var snapshot = ReceivablesSnapshot()
        snapshot.balance = random.wide()
        snapshot.current = random.wide()
        snapshot.overdueDaysWeighted = WideInt(Int128(Int64.max) * 1_000 + Int128(seed))
        snapshot.unapplied = random.wide()
        snapshot.openDisputes = Int64(seed)
        snapshot.aged = (0..<6).map { _ in random.wide() }
        snapshot.provisionByBucket = (0..<6).map { _ in random.wide() }
        snapshot.openHTByBucket = (0..<6).map { _ in random.wide() }
        snapshot.unappliedItems = 3
        #expect(try ReceivablesSnapshot(compactEncoded: snapshot.compactEncoded) == snapshot)

        var flow = ReceivablesFlow()
        flow.invoiced = random.wide()
        flow.signedDelayWeighted = WideInt(-Int128(Int64.max) * 7)
        flow.matchedAuto = 4
        flow.resolutionDays = random.wide()
        #expect(try ReceivablesFlow(compactEncoded: flow.compactEncoded) == flow)

        let rate = CollectionRateParts(collected: random.wide(), collectible: random.wide())
        #expect(try CollectionRateParts(compactEncoded: rate.compactEncoded) == rate)

        var forecast = ForecastParts()
        forecast.scheduled = [day("2025-04-01"): random.wide(), day("2025-04-13"): random.wide()]
        forecast.pendingByDueDate = [day("2025-03-12"): random.wide()]
        forecast.unapplied = random.wide()
        #expect(try ForecastParts(compactEncoded: forecast.compactEncoded) == forecast)

        var practice = PracticeSnapshot()
        practice.clients = 12
        practice.toReview = Int64(seed)
        practice.earliestPeriodStart = seed.isMultiple(of: 2) ? day("2024-01-01") : nil
        #expect(try PracticeSnapshot(compactEncoded: practice.compactEncoded) == practice)

        var practiceFlow = PracticeFlow()
        practiceFlow.received = 9
        practiceFlow.receivedByChannel = ["EMAIL": 4, "PAPER": 5]
        practiceFlow.ageHistogram = [0: 2, 14: Int64(seed)]
        #expect(try PracticeFlow(compactEncoded: practiceFlow.compactEncoded) == practiceFlow)

        var prospects = ProspectCounts()
        prospects.signedOffers = 2
        prospects.signedRecurring = random.wide()
        prospects.wonByMonth = [3: ProspectCounts.WonMonth(prospects: 1, fees: random.wide())]
        #expect(try ProspectCounts(compactEncoded: prospects.compactEncoded) == prospects)
    }

    @Test("a day row is small: a snapshot takes a fraction of its field-named Wire encoding")
    func size() throws {
        var snapshot = ReceivablesSnapshot()
        snapshot.balance = WideInt(Int64(1_234_567_89))
        snapshot.current = WideInt(Int64(45_000_00))
        snapshot.aged = [WideInt(Int64(45_000_00)), WideInt(Int64(12_000_00)), .zero, .zero, .zero, WideInt(Int64(6_000_00))]
        snapshot.provisionByBucket = Array(repeating: .zero, count: 6)
        snapshot.openHTByBucket = snapshot.aged
        let named = try WireEncoder().encode(snapshot)
        #expect(snapshot.compactEncoded.count * 3 < named.count, "\(snapshot.compactEncoded.count) vs \(named.count) bytes")
    }

    @Test("blobs that are not their type's layout are refused", arguments: [
        "truncated", "other layout", "trailing value", "not an array",
    ])
    func malformed(kind: String) {
        let flow = ReceivablesFlow().compactEncoded
        let bytes: [UInt8]
        switch kind {
        case "truncated": bytes = Array(ReceivablesSnapshot().compactEncoded.dropLast(3))
        case "other layout": bytes = flow
        case "trailing value":
            // The snapshot's layout with one integer too many.
            var extended = ReceivablesSnapshot().compactEncoded
            extended[1] += 1
            extended += [0x03, 0x00]
            bytes = extended
        default: bytes = [0x06, 0x01, 0x41]
        }
        #expect {
            _ = try ReceivablesSnapshot(compactEncoded: bytes)
        } throws: { error in
            (error as? RollupError)?.code == .malformedParts
        }
    }
}

/// A small deterministic generator (SplitMix64) for test values.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A signed amount of up to ±10^12 cents.
    mutating func wide() -> WideInt {
        WideInt(Int64(self.next() % 2_000_000_000_000) - 1_000_000_000_000)
    }
}

func day(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(text) else { preconditionFailure("bad test date \(text)") }
    return date
}
