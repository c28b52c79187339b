public import KPI
public import Wire

/// One cell of a level-3 table, typed so that sorting is numeric for numbers and
/// chronological for dates; `null` sorts after every value whatever the direction.
public enum TableValue: Hashable, Sendable {
    /// Free text (client id, name, status).
    case text(String)
    /// A calendar date.
    case date(CalendarDate)
    /// An integer (cents or a count).
    case integer(Int64)
    /// A KPI value (exact rational, rounded for display, `null` with its reason).
    case kpi(KPIValue)
    /// No value.
    case null

    /// The cell as written on the wire and in CSV: text as is, dates ISO, integers in full,
    /// KPI values rounded as the contract prints them; `nil` for no value.
    public var rendered: String? {
        switch self {
        case .text(let text): text
        case .date(let date): date.description
        case .integer(let value): String(value)
        case .kpi(let value): value.display
        case .null: nil
        }
    }

    /// A sortable key: numbers compare as numbers, text case-insensitively; `nil` for no value.
    var sortKey: SortKey? {
        switch self {
        case .text(let text): .text(text.lowercased(), text)
        case .date(let date): .number(Rational(Int(date.daysSinceEpoch)))
        case .integer(let value): .number(Rational(Int(value)))
        case .kpi(let value): value.exact.map(SortKey.number)
        case .null: nil
        }
    }

    /// A comparable projection of a value; values of different kinds order numbers first.
    enum SortKey: Comparable {
        case number(Rational)
        case text(String, String)
    }
}
