// KPI benchmark (tools/bench-kpi): how fast parts are computed from facts, and how long a
// 5,000-client firm's level-1 receivables dashboard takes from stored parts (merge + formulas)
// versus from raw facts, with the ratio printed in the same run.
//
// Output, one line per measurement (median of the timed runs, after one warm-up run):
//   RESULT name=<name> ops=<operations per run> secs=<median seconds> rate=<ops per second>
//   RATIO name=<name> value=<ratio>

internal import Glibc
internal import KPI
internal import Wire

// MARK: - Arguments

var clientCount = 5_000
var runs = 5
var withReference = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--clients": clientCount = arguments.next().flatMap { Int($0) } ?? clientCount
    case "--runs": runs = arguments.next().flatMap { Int($0) } ?? runs
    case "--with-reference": withReference = true
    default:
        print("usage: KPIBenchmark [--clients N] [--runs N] [--with-reference]")
        exit(64)
    }
}

// MARK: - A synthetic firm

/// SplitMix64, so every run measures the same firm.
struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func date(_ text: String) -> CalendarDate {
    guard let value = CalendarDate(text) else { preconditionFailure("bad date literal \(text)") }
    return value
}

let asOf = date("2025-12-31")
let historyStart = date("2024-01-01")

func makeFirm(clients: Int) -> Portfolio {
    var rng = Generator(state: 42)
    var result: [ClientFacts] = []
    result.reserveCapacity(clients)
    // 12 collaborators in 4 offices; a client is managed by one collaborator (sometimes two of
    // the same office) and belongs to that office, as in a real firm.
    let collaborators = (0..<12).map { "U\($0)" }
    for index in 0..<clients {
        let id = "C\(index)"
        let first = Int.random(in: 0..<12, using: &rng)
        var assigned: Set<String> = [collaborators[first]]
        if Int.random(in: 0..<5, using: &rng) == 0 {
            assigned.insert(collaborators[(first + 4 * Int.random(in: 1...2, using: &rng)) % 12])
        }
        let client = ClientFact(
            id: id,
            name: "Client \(index)",
            office: "O\(first % 4)",
            bookkeepingMode: Int.random(in: 0..<3, using: &rng) == 0 ? .client : .firm,
            frequency: [.monthly, .monthly, .quarterly, .yearly].randomElement(using: &rng),
            assignedCollaborators: assigned.sorted(),
            creditLimit: index % 4 == 0 ? Int64.random(in: 100_000...2_000_000, using: &rng) : nil,
            doubtful: index % 50 == 0,
            deactivated: index % 40 == 0
        )
        var facts = ClientFacts(client: client)
        let delay = Int.random(in: -5...40, using: &rng)
        for invoice in 0..<Int.random(in: 12...28, using: &rng) {
            let invoiceDate = historyStart.advanced(by: Int.random(in: 0...730, using: &rng))
            let due = invoiceDate.advanced(by: [30, 45, 60].randomElement(using: &rng) ?? 30)
            let amount = Int64.random(in: 10_000...1_000_000, using: &rng)
            let itemID = "\(id)-I\(invoice)"
            facts.installments.append(
                InstallmentFact(
                    id: itemID,
                    client: id,
                    invoiceDate: invoiceDate,
                    dueDate: due,
                    amount: amount,
                    amountHT: amount * 5 / 6
                )
            )
            let paidOn = due.advanced(by: delay + Int.random(in: -10...20, using: &rng))
            if paidOn <= asOf && Int.random(in: 0..<10, using: &rng) < 8 {
                let creditID = "\(id)-P\(invoice)"
                facts.credits.append(CreditFact(id: creditID, client: id, kind: .payment, date: paidOn, amount: amount))
                facts.allocations.append(
                    AllocationFact(
                        id: "\(creditID)>\(itemID)",
                        source: creditID,
                        target: itemID,
                        amount: amount,
                        recordedOn: paidOn,
                        method: .auto
                    )
                )
            } else if Int.random(in: 0..<10, using: &rng) == 0 {
                let creditID = "\(id)-N\(invoice)"
                facts.credits.append(
                    CreditFact(id: creditID, client: id, kind: .creditNote, date: due, amount: amount / 4)
                )
            }
            if Int.random(in: 0..<30, using: &rng) == 0 {
                facts.disputes.append(
                    DisputeFact(id: "\(itemID)-D", installment: itemID, openedOn: due.advanced(by: 5))
                )
            }
        }
        result.append(facts)
    }
    return Portfolio(result)
}

// MARK: - Measurement

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Runs `body` once to warm up, then `runs` times; prints and returns the median seconds.
@discardableResult
func measure(_ name: String, ops: Int, runs: Int, _ body: () -> Int) -> Double {
    var sink = body()
    var timings: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<max(runs, 1) {
        let start = clock.now
        sink &+= body()
        timings.append(seconds(clock.now - start))
    }
    timings.sort()
    let median = timings[timings.count / 2]
    let rate = median > 0 ? Double(ops) / median : 0
    print("RESULT name=\(name) ops=\(ops) secs=\(format(median)) rate=\(format(rate)) sink=\(sink % 10)")
    return median
}

func format(_ value: Double) -> String {
    let scaled = (value * 1_000_000).rounded() / 1_000_000
    return String(scaled)
}

// MARK: - Benchmarks

let settings = KPISettings()
let context = KPIContext(settings: settings, firstDataDate: historyStart)
let firm = makeFirm(clients: clientCount)
let facts = firm.clients.reduce(0) { $0 + $1.installments.count + $1.credits.count + $1.allocations.count }
print("# firm: \(clientCount) clients, \(facts) receivable facts, as of \(asOf)")

let historyDays = KPISeries.historyDays(asOf: asOf)
let snapshotDates = ReceivablesLevel1.snapshotDates(asOf: asOf)
let flowRange = ReceivablesLevel1.flowRange(asOf: asOf, settings: settings)
let dailyMonths = ReceivablesLevel1.dailyMonths(asOf: asOf, settings: settings)

// 1. Parts from facts: one snapshot per client per day of the 30-day history.
measure("parts_snapshot_client_days", ops: clientCount * historyDays.count, runs: runs) {
    var count = 0
    for client in firm.clients {
        count &+= ReceivablesPartsCalculator(client, settings: settings).snapshots(at: historyDays).count
    }
    return count
}

// 2. Parts from facts: daily flow parts of each client over the dashboard's flow range.
measure("parts_daily_flows_client_days", ops: clientCount * flowRange.length, runs: runs) {
    var count = 0
    for client in firm.clients {
        count &+= ReceivablesPartsCalculator(client, settings: settings).dailyFlows(in: flowRange).count
    }
    return count
}

// 3. The worker's job for this dashboard: the rollup by client group.
var rollup: ReceivablesRollup? = nil
measure("rollup_build_clients", ops: clientCount, runs: 1) {
    rollup = ReceivablesRollup(
        portfolio: firm,
        settings: settings,
        snapshotRange: Period(uncheckedStart: snapshotDates[0], end: asOf),
        flowRange: flowRange
    )
    return rollup?.groups.count ?? 0
}
guard let rollup else { preconditionFailure("rollup was built above") }
print("# rollup: \(rollup.groups.count) client groups")

// 4. Level-1 dashboard (6 KPIs × 30 days + trends, aged balance, encours) from stored parts.
let filter = ClientFilter()
let selected = firm.selecting(filter)
var fromParts: ReceivablesLevel1? = nil
let partsSeconds = measure("level1_from_stored_parts", ops: 1, runs: runs) {
    let merged = rollup.selection(filter).materialize(
        snapshotDates: snapshotDates,
        flowRange: flowRange,
        dailyMonths: dailyMonths
    )
    fromParts = ReceivablesLevel1(evaluator: ReceivablesKPI(source: merged, context: context), asOf: asOf)
    return fromParts?.dsoStandard.history.count ?? 0
}

// 4b. The two halves of (4): merging the stored parts, and the formulas on merged parts.
var merged: MaterializedReceivablesParts? = nil
measure("level1_merge_only", ops: rollup.selection(filter).clientCount, runs: runs) {
    merged = rollup.selection(filter).materialize(
        snapshotDates: snapshotDates,
        flowRange: flowRange,
        dailyMonths: dailyMonths
    )
    return merged?.snapshots.count ?? 0
}
if let merged {
    measure("level1_formulas_only", ops: 1, runs: runs) {
        ReceivablesLevel1(evaluator: ReceivablesKPI(source: merged, context: context), asOf: asOf).dsoStandard.history
            .count
    }
}

// 5. The same dashboard computed from the raw facts of the selected clients (parts computed on
//    the request path, in one pass, then the same formulas).
var fromFacts: ReceivablesLevel1? = nil
let factsSeconds = measure("level1_from_raw_facts", ops: 1, runs: runs) {
    let calculator = ReceivablesPartsCalculator(selected.clients, settings: settings)
    let parts = MaterializedReceivablesParts(calculator: calculator, snapshotDates: snapshotDates, flowRange: flowRange)
    fromFacts = ReceivablesLevel1(evaluator: ReceivablesKPI(source: parts, context: context), asOf: asOf)
    return fromFacts?.dsoStandard.history.count ?? 0
}
guard fromParts == fromFacts else {
    print("ERROR: the dashboard from stored parts differs from the dashboard from raw facts")
    exit(1)
}
print(
    "RATIO name=level1_raw_facts_over_stored_parts value=\(format(partsSeconds > 0 ? factsSeconds / partsSeconds : 0))"
)
if let dso = fromParts?.dsoStandard.current?.display, let cei = fromParts?.collectionEffectiveness.current?.display {
    print("# check: DSO \(dso) days, CEI \(cei) % at \(asOf) over \(selected.clients.count) clients")
}

// 6. Optional: the direct reference (verification mode), one run.
if withReference {
    measure("level1_direct_reference", ops: 1, runs: 1) {
        let reference = ReceivablesLevel1(
            evaluator: ReceivablesReference(selected.clients, context: context),
            asOf: asOf
        )
        return reference == fromParts ? 1 : 0
    }
}
