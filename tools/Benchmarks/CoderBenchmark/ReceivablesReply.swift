internal import Foundation
internal import Wire

// A realistic dashboard reply: the receivables level-1 view (kpi-definitions §3): ~20 KPIs with
// their 30-day history and additive parts, the aged balance table, and freshness information.
// Every type has both a synthesized Codable conformance and a hand-written fast path; the
// benchmark checks that the two give the same bytes before timing anything.

enum Trend: String, Codable, CaseIterable, Sendable, Hashable {
    case up = "UP"
    case down = "DOWN"
    case flat = "FLAT"
}

/// Additive parts a ratio KPI is derived from (so any filter combination is a sum).
struct AdditiveParts: Codable, Sendable, Hashable {
    var numerator: Int64
    var denominator: Int64
    var itemCount: Int64

    enum CodingKeys: String, CodingKey {
        case numerator
        case denominator
        case itemCount = "item_count"
    }
}

/// One level-1 KPI: value as a scaled integer (or null with a reason code), 30-day history.
struct KPIValue: Codable, Sendable, Hashable {
    var id: String
    var value: Int64?
    var scale: Int
    var reason: String?
    var unit: String
    var history: [Int64?]
    var trend: Trend
    var parts: AdditiveParts
    var definitionVersion: String

    enum CodingKeys: String, CodingKey {
        case id
        case value
        case scale
        case reason
        case unit
        case history
        case trend
        case parts
        case definitionVersion = "definition_version"
    }
}

/// One client row of the aged balance (amounts in cents).
struct AgedBalanceRow: Codable, Sendable, Hashable {
    var clientID: String
    var clientName: String
    var notDue: Int64
    var days1To30: Int64
    var days31To60: Int64
    var days61To90: Int64
    var days91To120: Int64
    var over120: Int64
    var total: Int64

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
        case clientName = "client_name"
        case notDue = "not_due"
        case days1To30 = "days_1_30"
        case days31To60 = "days_31_60"
        case days61To90 = "days_61_90"
        case days91To120 = "days_91_120"
        case over120 = "over_120"
        case total
    }
}

/// How fresh the rollups behind a reply are.
struct Freshness: Codable, Sendable, Hashable {
    var asOf: Date
    var watermark: CalendarDate
    var pendingPartitions: Int
    var computedPartitions: Int
    var isStale: Bool

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of"
        case watermark
        case pendingPartitions = "pending_partitions"
        case computedPartitions = "computed_partitions"
        case isStale = "is_stale"
    }
}

/// The receivables level-1 reply.
struct ReceivablesReply: Codable, Sendable, Hashable {
    var tenant: String
    var periodStart: CalendarDate
    var periodEnd: CalendarDate
    var kpis: [KPIValue]
    var agedBalance: [AgedBalanceRow]
    var freshness: Freshness

    enum CodingKeys: String, CodingKey {
        case tenant
        case periodStart = "period_start"
        case periodEnd = "period_end"
        case kpis
        case agedBalance = "aged_balance"
        case freshness
    }
}

// MARK: - Fast paths

extension AdditiveParts: WireFastCodable {
    func encode(to writer: inout WireWriter) throws(WireError) {
        writer.writeStructHeader(fieldCount: 3)
        writer.writeFieldKey("numerator")
        writer.writeInt(self.numerator)
        writer.writeFieldKey("denominator")
        writer.writeInt(self.denominator)
        writer.writeFieldKey("item_count")
        writer.writeInt(self.itemCount)
    }

    init(from reader: inout WireReader) throws(WireError) {
        var numerator: Int64?
        var denominator: Int64?
        var itemCount: Int64?
        try reader.forEachField { (key, reader) throws(WireError) in
            switch key {
            case "numerator": numerator = try reader.readInt64()
            case "denominator": denominator = try reader.readInt64()
            case "item_count": itemCount = try reader.readInt64()
            default: break
            }
        }
        guard let numerator else { throw WireError.keyNotFound("numerator") }
        guard let denominator else { throw WireError.keyNotFound("denominator") }
        guard let itemCount else { throw WireError.keyNotFound("item_count") }
        self.init(numerator: numerator, denominator: denominator, itemCount: itemCount)
    }
}

extension KPIValue: WireFastCodable {
    func encode(to writer: inout WireWriter) throws(WireError) {
        writer.writeStructHeader(fieldCount: 7 + (self.value == nil ? 0 : 1) + (self.reason == nil ? 0 : 1))
        writer.writeFieldKey("id")
        writer.writeString(self.id)
        if let value = self.value {
            writer.writeFieldKey("value")
            writer.writeInt(value)
        }
        writer.writeFieldKey("scale")
        writer.writeInt(self.scale)
        if let reason = self.reason {
            writer.writeFieldKey("reason")
            writer.writeString(reason)
        }
        writer.writeFieldKey("unit")
        writer.writeString(self.unit)
        writer.writeFieldKey("history")
        writer.writeArrayHeader(count: self.history.count)
        for point in self.history {
            if let point {
                writer.writeInt(point)
            } else {
                writer.writeNull()
            }
        }
        writer.writeFieldKey("trend")
        writer.writeString(self.trend.rawValue)
        writer.writeFieldKey("parts")
        try self.parts.encode(to: &writer)
        writer.writeFieldKey("definition_version")
        writer.writeString(self.definitionVersion)
    }

    init(from reader: inout WireReader) throws(WireError) {
        var id: String?
        var value: Int64?
        var scale: Int?
        var reason: String?
        var unit: String?
        var history: [Int64?]?
        var trend: Trend?
        var parts: AdditiveParts?
        var definitionVersion: String?
        try reader.forEachField { (key, reader) throws(WireError) in
            switch key {
            case "id": id = try reader.readString()
            case "value": value = try reader.readNullIfPresent() ? nil : try reader.readInt64()
            case "scale": scale = try reader.readInt()
            case "reason": reason = try reader.readNullIfPresent() ? nil : try reader.readString()
            case "unit": unit = try reader.readString()
            case "history":
                history = try reader.readArray { (reader) throws(WireError) in
                    try reader.readNullIfPresent() ? nil : try reader.readInt64()
                }
            case "trend":
                let raw = try reader.readString()
                guard let parsed = Trend(rawValue: raw) else { throw WireError.unknownCase(raw, of: "Trend") }
                trend = parsed
            case "parts": parts = try reader.read(AdditiveParts.self)
            case "definition_version": definitionVersion = try reader.readString()
            default: break
            }
        }
        guard let id else { throw WireError.keyNotFound("id") }
        guard let scale else { throw WireError.keyNotFound("scale") }
        guard let unit else { throw WireError.keyNotFound("unit") }
        guard let history else { throw WireError.keyNotFound("history") }
        guard let trend else { throw WireError.keyNotFound("trend") }
        guard let parts else { throw WireError.keyNotFound("parts") }
        guard let definitionVersion else { throw WireError.keyNotFound("definition_version") }
        self.init(
            id: id,
            value: value,
            scale: scale,
            reason: reason,
            unit: unit,
            history: history,
            trend: trend,
            parts: parts,
            definitionVersion: definitionVersion
        )
    }
}

extension AgedBalanceRow: WireFastCodable {
    func encode(to writer: inout WireWriter) throws(WireError) {
        writer.writeStructHeader(fieldCount: 9)
        writer.writeFieldKey("client_id")
        writer.writeString(self.clientID)
        writer.writeFieldKey("client_name")
        writer.writeString(self.clientName)
        writer.writeFieldKey("not_due")
        writer.writeInt(self.notDue)
        writer.writeFieldKey("days_1_30")
        writer.writeInt(self.days1To30)
        writer.writeFieldKey("days_31_60")
        writer.writeInt(self.days31To60)
        writer.writeFieldKey("days_61_90")
        writer.writeInt(self.days61To90)
        writer.writeFieldKey("days_91_120")
        writer.writeInt(self.days91To120)
        writer.writeFieldKey("over_120")
        writer.writeInt(self.over120)
        writer.writeFieldKey("total")
        writer.writeInt(self.total)
    }

    init(from reader: inout WireReader) throws(WireError) {
        var clientID: String?
        var clientName: String?
        var notDue: Int64?
        var days1To30: Int64?
        var days31To60: Int64?
        var days61To90: Int64?
        var days91To120: Int64?
        var over120: Int64?
        var total: Int64?
        try reader.forEachField { (key, reader) throws(WireError) in
            switch key {
            case "client_id": clientID = try reader.readString()
            case "client_name": clientName = try reader.readString()
            case "not_due": notDue = try reader.readInt64()
            case "days_1_30": days1To30 = try reader.readInt64()
            case "days_31_60": days31To60 = try reader.readInt64()
            case "days_61_90": days61To90 = try reader.readInt64()
            case "days_91_120": days91To120 = try reader.readInt64()
            case "over_120": over120 = try reader.readInt64()
            case "total": total = try reader.readInt64()
            default: break
            }
        }
        guard let clientID else { throw WireError.keyNotFound("client_id") }
        guard let clientName else { throw WireError.keyNotFound("client_name") }
        guard let notDue else { throw WireError.keyNotFound("not_due") }
        guard let days1To30 else { throw WireError.keyNotFound("days_1_30") }
        guard let days31To60 else { throw WireError.keyNotFound("days_31_60") }
        guard let days61To90 else { throw WireError.keyNotFound("days_61_90") }
        guard let days91To120 else { throw WireError.keyNotFound("days_91_120") }
        guard let over120 else { throw WireError.keyNotFound("over_120") }
        guard let total else { throw WireError.keyNotFound("total") }
        self.init(
            clientID: clientID,
            clientName: clientName,
            notDue: notDue,
            days1To30: days1To30,
            days31To60: days31To60,
            days61To90: days61To90,
            days91To120: days91To120,
            over120: over120,
            total: total
        )
    }
}

extension Freshness: WireFastCodable {
    func encode(to writer: inout WireWriter) throws(WireError) {
        writer.writeStructHeader(fieldCount: 5)
        writer.writeFieldKey("as_of")
        try writer.writeInstant(self.asOf)
        writer.writeFieldKey("watermark")
        writer.writeDate(self.watermark)
        writer.writeFieldKey("pending_partitions")
        writer.writeInt(self.pendingPartitions)
        writer.writeFieldKey("computed_partitions")
        writer.writeInt(self.computedPartitions)
        writer.writeFieldKey("is_stale")
        writer.writeBool(self.isStale)
    }

    init(from reader: inout WireReader) throws(WireError) {
        var asOf: Date?
        var watermark: CalendarDate?
        var pending: Int?
        var computed: Int?
        var isStale: Bool?
        try reader.forEachField { (key, reader) throws(WireError) in
            switch key {
            case "as_of": asOf = try reader.readInstant()
            case "watermark": watermark = try reader.readDate()
            case "pending_partitions": pending = try reader.readInt()
            case "computed_partitions": computed = try reader.readInt()
            case "is_stale": isStale = try reader.readBool()
            default: break
            }
        }
        guard let asOf else { throw WireError.keyNotFound("as_of") }
        guard let watermark else { throw WireError.keyNotFound("watermark") }
        guard let pending else { throw WireError.keyNotFound("pending_partitions") }
        guard let computed else { throw WireError.keyNotFound("computed_partitions") }
        guard let isStale else { throw WireError.keyNotFound("is_stale") }
        self.init(asOf: asOf, watermark: watermark, pendingPartitions: pending, computedPartitions: computed, isStale: isStale)
    }
}

extension ReceivablesReply: WireFastCodable {
    func encode(to writer: inout WireWriter) throws(WireError) {
        writer.writeStructHeader(fieldCount: 6)
        writer.writeFieldKey("tenant")
        writer.writeString(self.tenant)
        writer.writeFieldKey("period_start")
        writer.writeDate(self.periodStart)
        writer.writeFieldKey("period_end")
        writer.writeDate(self.periodEnd)
        writer.writeFieldKey("kpis")
        writer.writeArrayHeader(count: self.kpis.count)
        for kpi in self.kpis {
            try kpi.encode(to: &writer)
        }
        writer.writeFieldKey("aged_balance")
        writer.writeArrayHeader(count: self.agedBalance.count)
        for row in self.agedBalance {
            try row.encode(to: &writer)
        }
        writer.writeFieldKey("freshness")
        try self.freshness.encode(to: &writer)
    }

    init(from reader: inout WireReader) throws(WireError) {
        var tenant: String?
        var periodStart: CalendarDate?
        var periodEnd: CalendarDate?
        var kpis: [KPIValue]?
        var agedBalance: [AgedBalanceRow]?
        var freshness: Freshness?
        try reader.forEachField { (key, reader) throws(WireError) in
            switch key {
            case "tenant": tenant = try reader.readString()
            case "period_start": periodStart = try reader.readDate()
            case "period_end": periodEnd = try reader.readDate()
            case "kpis": kpis = try reader.readArray { (reader) throws(WireError) in try reader.read(KPIValue.self) }
            case "aged_balance": agedBalance = try reader.readArray { (reader) throws(WireError) in try reader.read(AgedBalanceRow.self) }
            case "freshness": freshness = try reader.read(Freshness.self)
            default: break
            }
        }
        guard let tenant else { throw WireError.keyNotFound("tenant") }
        guard let periodStart else { throw WireError.keyNotFound("period_start") }
        guard let periodEnd else { throw WireError.keyNotFound("period_end") }
        guard let kpis else { throw WireError.keyNotFound("kpis") }
        guard let agedBalance else { throw WireError.keyNotFound("aged_balance") }
        guard let freshness else { throw WireError.keyNotFound("freshness") }
        self.init(tenant: tenant, periodStart: periodStart, periodEnd: periodEnd, kpis: kpis, agedBalance: agedBalance, freshness: freshness)
    }
}

// MARK: - Sample

extension ReceivablesReply {
    /// A deterministic reply: 20 KPIs × 30 days of history, 50 aged-balance rows.
    static func sample() -> ReceivablesReply {
        var seed: UInt64 = 0x5EED
        func next() -> UInt64 {
            // SplitMix64
            seed &+= 0x9E37_79B9_7F4A_7C15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func amount(_ limit: UInt64) -> Int64 { Int64(next() % limit) }
        let ids = [
            "AR-DSO", "AR-DSO-COUNTBACK", "AR-BPDSO", "AR-ADD", "AR-CEI", "AR-DBT", "AR-OUTSTANDING", "AR-OVERDUE",
            "AR-OVERDUE-RATE", "AR-DISPUTED", "AR-UNAPPLIED", "AR-MATCH-RATE", "AR-ONTIME", "AR-RISK", "AR-PROV-GRID",
            "AR-FCST-30", "AR-FCST-60", "AR-FCST-90", "AR-AVG-DELAY", "AR-WRITE-OFF",
        ]
        let kpis = ids.enumerated().map { index, id -> KPIValue in
            let missing = index == 7
            return KPIValue(
                id: id,
                value: missing ? nil : amount(10_000_000),
                scale: index % 3 == 0 ? 2 : 0,
                reason: missing ? "NO_DATA" : nil,
                unit: index % 2 == 0 ? "DAYS" : "EUR_CENTS",
                history: (0..<30).map { day in day == 3 ? nil : amount(10_000_000) },
                trend: [Trend.up, .down, .flat][index % 3],
                parts: AdditiveParts(numerator: amount(1 << 40), denominator: amount(1 << 30) + 1, itemCount: amount(10_000)),
                definitionVersion: "2025.1"
            )
        }
        let rows = (0..<50).map { index -> AgedBalanceRow in
            let buckets = (0..<6).map { _ in amount(5_000_000) }
            return AgedBalanceRow(
                clientID: "CLI-\(10_000 + index)",
                clientName: "Client \(index) SARL",
                notDue: buckets[0],
                days1To30: buckets[1],
                days31To60: buckets[2],
                days61To90: buckets[3],
                days91To120: buckets[4],
                over120: buckets[5],
                total: buckets.reduce(0, +)
            )
        }
        return ReceivablesReply(
            tenant: "cabinet-dupont",
            periodStart: CalendarDate(year: 2025, month: 1, day: 1) ?? .min,
            periodEnd: CalendarDate(year: 2025, month: 3, day: 31) ?? .min,
            kpis: kpis,
            agedBalance: rows,
            freshness: Freshness(
                asOf: Date(timeIntervalSince1970: 1_743_408_000.25),
                watermark: CalendarDate(year: 2025, month: 3, day: 31) ?? .min,
                pendingPartitions: 2,
                computedPartitions: 148,
                isStale: false
            )
        )
    }
}
