internal import KPI
internal import PilotageProtocol
internal import Rollups
internal import Wire

/// One value of a dashboard answer, named for the comparison of verification mode
/// (`PR-TODO` at a day, `PR-TODO trend`, `PP-OPEN N-1` …).
struct ComparedValue: Sendable {
    /// What the value is.
    var name: String
    /// The day it is at, for series points.
    var date: CalendarDate?
    /// The value.
    var value: KPIValue
}

/// Compares a rollup answer with its raw-facts recomputation value by value (exact value,
/// reason and flags): the verification every dashboard offers.
enum DashboardComparison {
    /// Every value that differs, or that only one side has, in the rollup answer's order.
    static func differences(rollup: [ComparedValue], reference: [ComparedValue]) -> [ValueDifference] {
        func key(_ value: ComparedValue) -> String { "\(value.name)|\(value.date?.description ?? "")" }
        var referenceByKey: [String: ComparedValue] = [:]
        for value in reference { referenceByKey[key(value)] = value }
        var differences: [ValueDifference] = []
        var seen: Set<String> = []
        func add(_ name: String, _ date: CalendarDate?, _ left: KPIValue?, _ right: KPIValue?) {
            guard left != right else { return }
            var difference: String?
            if let a = left?.exact, let b = right?.exact, let delta = a.subtracting(b) { difference = delta.description }
            differences.append(
                ValueDifference(
                    kpi: name,
                    date: date,
                    rollup: left.map(Level1Report.value),
                    reference: right.map(Level1Report.value),
                    difference: difference
                )
            )
        }
        for value in rollup {
            let valueKey = key(value)
            seen.insert(valueKey)
            add(value.name, value.date, value.value, referenceByKey[valueKey]?.value)
        }
        for value in reference where !seen.contains(key(value)) {
            add(value.name, value.date, nil, value.value)
        }
        return differences
    }

    /// The verification block of a reply.
    static func verification(
        rollup: [ComparedValue],
        reference: [ComparedValue],
        rollupTime: Duration,
        referenceTime: Duration
    ) -> DashboardVerification {
        let differences = Self.differences(rollup: rollup, reference: reference)
        return DashboardVerification(
            equal: differences.isEmpty,
            differences: differences,
            rollupMilliseconds: rollupTime.seconds * 1000,
            referenceMilliseconds: referenceTime.seconds * 1000
        )
    }
}
