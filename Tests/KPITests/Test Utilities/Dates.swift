import KPI
import Wire

/// A date literal of a test; the literals are valid dates, a typo fails loudly.
func day(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(text) else { preconditionFailure("bad test date literal \(text)") }
    return date
}

/// `[start, end]` from two date literals.
func period(_ start: String, _ end: String) -> Period {
    Period(uncheckedStart: day(start), end: day(end))
}

/// Euros (with cents) to cents, for readable amounts in tests: `eur(1_200)` = 120 000 cents.
func eur(_ euros: Int64, cents: Int64 = 0) -> Int64 {
    euros * 100 + cents
}
