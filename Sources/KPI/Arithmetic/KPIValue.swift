/// One KPI result: the exact rational, the value rounded once (half away from zero), or `null`
/// with a reason, plus flags. This is what every reply carries for a number.
///
/// - `exact == nil` ⇔ the KPI is `null`; `reason` then says why.
/// - A value may also carry a reason (`0.0` with `CREDIT_BALANCE`).
/// - `rounded` is the exact value × 10^`rounding.decimals`, rounded half away from zero;
///   ``display`` prints it (`"81.4"`). Amount KPIs use `R0` on cents.
public struct KPIValue: Hashable, Sendable {
    /// The exact value, `nil` when the KPI is `null`.
    public var exact: Rational?
    /// The rounding rule applied to produce ``rounded``.
    public var rounding: Rounding
    /// The rounded value scaled by 10^decimals (`814` for 81.4); `nil` when `null`.
    public var rounded: Int128?
    /// Why the value is `null` or conventional.
    public var reason: KPIReason?
    /// Qualifiers (`CAPPED`, `PARTIAL_HISTORY` …).
    public var flags: Set<KPIFlag>
    /// Unit of the value.
    public var unit: KPIUnit

    /// A value computed exactly, rounded once with `rounding`. If rounding overflows 128 bits the
    /// result is `null` with reason `OVERFLOW`.
    public init(
        exact: Rational,
        unit: KPIUnit,
        rounding: Rounding,
        reason: KPIReason? = nil,
        flags: Set<KPIFlag> = []
    ) {
        self.unit = unit
        self.rounding = rounding
        self.flags = flags
        if let scaled = rounding.scaled(exact) {
            self.exact = exact
            self.rounded = scaled
            self.reason = reason
        } else {
            self.exact = nil
            self.rounded = nil
            self.reason = .overflow
        }
    }

    /// A `null` value with its reason.
    public static func null(
        _ reason: KPIReason,
        unit: KPIUnit,
        rounding: Rounding,
        flags: Set<KPIFlag> = []
    )
        -> KPIValue
    {
        KPIValue(nullWith: reason, unit: unit, rounding: rounding, flags: flags)
    }

    /// An exact result, or `null` `OVERFLOW` when the computation overflowed (`nil`).
    public static func checked(
        _ exact: Rational?,
        unit: KPIUnit,
        rounding: Rounding,
        reason: KPIReason? = nil,
        flags: Set<KPIFlag> = []
    ) -> KPIValue {
        guard let exact else { return .null(.overflow, unit: unit, rounding: rounding, flags: flags) }
        return KPIValue(exact: exact, unit: unit, rounding: rounding, reason: reason, flags: flags)
    }

    /// An amount in cents (exact integer, `R0`).
    public static func cents(_ amount: WideInt, flags: Set<KPIFlag> = []) -> KPIValue {
        KPIValue(exact: Rational(amount), unit: .cents, rounding: .r0, flags: flags)
    }

    /// A count.
    public static func count(_ value: Int64, flags: Set<KPIFlag> = []) -> KPIValue {
        KPIValue(exact: Rational(WideInt(value)), unit: .count, rounding: .r0, flags: flags)
    }

    private init(nullWith reason: KPIReason, unit: KPIUnit, rounding: Rounding, flags: Set<KPIFlag>) {
        self.exact = nil
        self.rounded = nil
        self.reason = reason
        self.flags = flags
        self.unit = unit
        self.rounding = rounding
    }

    /// `true` when the KPI has no value.
    public var isNull: Bool { self.exact == nil }

    /// The rounded value as text (`"81.4"`, `"-12.2"`, `"0.0"`), `nil` when `null`.
    public var display: String? {
        self.rounded.map { Rounding.format(scaled: $0, decimals: self.rounding.decimals) }
    }

    /// The same value with one more flag.
    public func flagged(_ flag: KPIFlag) -> KPIValue {
        var copy = self
        copy.flags.insert(flag)
        return copy
    }

    /// The same value with extra flags.
    public func flagged(_ extra: Set<KPIFlag>) -> KPIValue {
        var copy = self
        copy.flags.formUnion(extra)
        return copy
    }
}

extension KPIValue: Codable {
    enum CodingKeys: String, CodingKey {
        case exact
        case value
        case decimals
        case reason
        case flags
        case unit
    }

    /// Encodes `{"exact": "651/8", "value": "81.4", "decimals": 1, "unit": "DAYS", "reason": …,
    /// "flags": [...]}`; `exact` and `value` are absent for `null`. The value is a decimal
    /// string, never a binary float.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(self.exact, forKey: .exact)
        try container.encodeIfPresent(self.display, forKey: .value)
        try container.encode(self.rounding.decimals, forKey: .decimals)
        try container.encodeIfPresent(self.reason, forKey: .reason)
        if !self.flags.isEmpty {
            try container.encode(self.flags.sorted(), forKey: .flags)
        }
        try container.encode(self.unit, forKey: .unit)
    }

    /// Decodes what ``encode(to:)`` writes; the rounded value is recomputed from `exact`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let decimals = try container.decode(Int.self, forKey: .decimals)
        guard let rounding = Rounding(rawValue: decimals) else {
            throw DecodingError.dataCorruptedError(
                forKey: .decimals,
                in: container,
                debugDescription: "decimals must be 0, 1 or 2"
            )
        }
        let unit = try container.decode(KPIUnit.self, forKey: .unit)
        let reason = try container.decodeIfPresent(KPIReason.self, forKey: .reason)
        let flags = Set(try container.decodeIfPresent([KPIFlag].self, forKey: .flags) ?? [])
        if let exact = try container.decodeIfPresent(Rational.self, forKey: .exact) {
            self.init(exact: exact, unit: unit, rounding: rounding, reason: reason, flags: flags)
        } else {
            self.init(nullWith: reason ?? .noData, unit: unit, rounding: rounding, flags: flags)
        }
    }
}
