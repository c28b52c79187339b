import KPI
import Testing
import Wire

/// `negated` is the additive inverse of every stored receivables and practice part, field by field: checked
/// by reflection over parts computed from random portfolios, so a field added to a part type and
/// forgotten in `negated` fails here.
@Suite("Invertible parts: x + x.negated is zero, (x + y) − y is x")
struct InvertiblePartsTests {
    /// Every leaf number of a value (through nested structs, arrays and dictionaries), by path.
    static func leaves(_ value: Any, path: String = "") -> [String: Int128] {
        if let wide = value as? WideInt { return [path: wide.value] }
        if let count = value as? Int64 { return [path: Int128(count)] }
        var result: [String: Int128] = [:]
        let mirror = Mirror(reflecting: value)
        for (index, child) in mirror.children.enumerated() {
            let name: String
            if mirror.displayStyle == .dictionary {
                let pair = Mirror(reflecting: child.value).children.map(\.value)
                name = "\(path)[\(pair[0])]"
                result.merge(self.leaves(pair[1], path: name)) { first, _ in first }
                continue
            }
            name = path + "." + (child.label ?? "\(index)")
            result.merge(self.leaves(child.value, path: name)) { first, _ in first }
        }
        return result
    }

    /// The field names (dictionary keys and vector positions folded) that hold a non-zero value.
    static func nonZeroFields(_ value: Any) -> Set<String> {
        Set(
            self.leaves(value).filter { $0.value != 0 }.keys.map { path in
                String(path.prefix { $0 != "[" }).split(separator: ".").filter { Int($0) == nil }.joined(separator: ".")
            }
        )
    }

    static func check<Parts: InvertibleParts>(_ x: Parts, _ y: Parts, seed: Int) {
        let cancelled = x + x.negated
        #expect(Self.leaves(cancelled).values.allSatisfy { $0 == 0 }, "seed \(seed): \(Parts.self) x + x.negated is not zero")
        let restored = Self.leaves((x + y) - y).filter { $0.value != 0 }
        #expect(restored == Self.leaves(x).filter { $0.value != 0 }, "seed \(seed): \(Parts.self) (x + y) − y differs from x")
    }

    @Test("random portfolios: every field of every part type")
    func randomPortfolios() {
        var seen: [String: Set<String>] = [:]
        for seed in 0..<60 {
            let first = RandomPortfolio(seed: UInt64(seed))
            let second = RandomPortfolio(seed: UInt64(seed + 10_000))
            let d = first.asOf
            let x = ReceivablesPartsCalculator(first.portfolio.clients, settings: first.settings)
            let y = ReceivablesPartsCalculator(second.portfolio.clients, settings: first.settings)
            let window = Period(uncheckedStart: d.clampedAdding(days: -365), end: d)
            let snapshots = (x.snapshot(at: d), y.snapshot(at: d))
            let flows = (x.flow(over: window), y.flow(over: window))
            let rates = (x.collectionRate(over: .monthToDate(d)), y.collectionRate(over: .monthToDate(d)))
            let forecasts = (x.forecast(asOf: d), y.forecast(asOf: d))
            Self.check(snapshots.0, snapshots.1, seed: seed)
            Self.check(flows.0, flows.1, seed: seed)
            Self.check(rates.0, rates.1, seed: seed)
            Self.check(forecasts.0, forecasts.1, seed: seed)
            seen["snapshot", default: []].formUnion(Self.nonZeroFields(snapshots.0))
            seen["flow", default: []].formUnion(Self.nonZeroFields(flows.0))
            seen["rate", default: []].formUnion(Self.nonZeroFields(rates.0))
            seen["forecast", default: []].formUnion(Self.nonZeroFields(forecasts.0))
        }
        // The samples exercised (almost) every field, so a forgotten one cannot hide at zero.
        #expect(seen["snapshot", default: []].count >= Mirror(reflecting: ReceivablesSnapshot.zero).children.count - 3)
        #expect(seen["flow", default: []].count >= Mirror(reflecting: ReceivablesFlow.zero).children.count - 3)
        #expect(seen["rate", default: []].count == 2)
        #expect(seen["forecast", default: []].count >= 4)
    }

    @Test("random portfolios: every practice field (the earliest period start, a minimum, aside)")
    func practiceParts() {
        var seen: [String: Set<String>] = [:]
        func calculator(seed: Int) -> PracticePartsCalculator {
            var rng = SeededGenerator(seed: UInt64(seed))
            let (clients, documents, rules) = RandomPracticePortfolio.facts(using: &rng)
            return PracticePartsCalculator(Portfolio(clients: clients, documents: documents, supplierRules: rules).clients, settings: KPISettings())
        }
        for seed in 0..<40 {
            let d = RandomPracticePortfolio.start.advanced(by: 400)
            let x = calculator(seed: seed)
            let y = calculator(seed: seed + 10_000)
            var snapshots = (x.snapshot(at: d), y.snapshot(at: d))
            #expect(snapshots.0.negated.earliestPeriodStart == nil)
            snapshots.0.earliestPeriodStart = nil
            snapshots.1.earliestPeriodStart = nil
            let window = Period(uncheckedStart: d.clampedAdding(days: -365), end: d)
            let flows = (x.flow(over: window), y.flow(over: window))
            Self.check(snapshots.0, snapshots.1, seed: seed)
            Self.check(flows.0, flows.1, seed: seed)
            #expect((flows.0 - flows.0) == .zero, "seed \(seed): channel and age entries that cancel out disappear")
            seen["snapshot", default: []].formUnion(Self.nonZeroFields(snapshots.0))
            seen["flow", default: []].formUnion(Self.nonZeroFields(flows.0))
        }
        #expect(seen["snapshot", default: []].count >= Mirror(reflecting: PracticeSnapshot.zero).children.count - 3, "\(seen)")
        #expect(seen["flow", default: []].count >= Mirror(reflecting: PracticeFlow.zero).children.count - 2, "\(seen)")
    }

    @Test("sparse entries that cancel out disappear; vectors keep their length")
    func normalisation() {
        var forecast = ForecastParts()
        forecast.scheduled = [day("2025-01-31"): WideInt(1_000)]
        forecast.historyAmount = WideInt(50)
        let difference = forecast - forecast
        #expect(difference == .zero)
        var snapshot = ReceivablesSnapshot()
        snapshot.aged = [WideInt(5), WideInt(-3)]
        #expect((snapshot - snapshot).aged == [.zero, .zero])
    }
}
