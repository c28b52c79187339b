import Testing
import Wire

@Suite("CalendarDate")
struct CalendarDateTests {
    @Test("parses and prints YYYY-MM-DD", arguments: ["1970-01-01", "2025-03-31", "2024-02-29", "0001-01-01", "9999-12-31"])
    func roundTrip(text: String) throws {
        let date = try #require(CalendarDate(text))
        #expect(date.description == text)
    }

    @Test("rejects impossible or malformed dates", arguments: ["2025-02-29", "2025-13-01", "2025-00-10", "2025-1-01", "20250101", "2025-01-32", "abcd-ef-gh", "0000-01-01", ""])
    func rejects(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test("epoch and day arithmetic")
    func arithmetic() throws {
        let epoch = try #require(CalendarDate("1970-01-01"))
        #expect(epoch.daysSinceEpoch == 0)
        #expect(epoch.isoWeekday == 4)
        let d = try #require(CalendarDate("2025-03-31"))
        let due = try #require(CalendarDate("2024-10-31"))
        #expect(due.days(until: d) == 151)
        #expect(d.advanced(by: 1).description == "2025-04-01")
        #expect(d.isoWeekday == 1)
        #expect(CalendarDate.max.adding(days: 1) == nil)
        #expect(CalendarDate.min.adding(days: -1) == nil)
    }

    @Test("previous month clamps to the last day", arguments: [
        ("2025-03-31", "2025-02-28"), ("2025-03-15", "2025-02-15"), ("2024-03-31", "2024-02-29"), ("2025-01-31", "2024-12-31"),
    ])
    func previousMonth(from: String, expected: String) throws {
        let date = try #require(CalendarDate(from))
        #expect(date.adding(months: -1)?.description == expected)
    }

    @Test("every day of 1900–2200 round-trips through components")
    func componentsRoundTrip() throws {
        var date = try #require(CalendarDate("1900-01-01"))
        let end = try #require(CalendarDate("2200-12-31"))
        var previous = date
        while date <= end {
            let (y, m, d) = date.components
            #expect(CalendarDate(year: y, month: m, day: d) == date)
            if date != previous { #expect(previous.days(until: date) == 1) }
            previous = date
            date = date.advanced(by: 1)
        }
    }

    @Test("first and last day of the month, for every day of 1900–2200 and the extremes")
    func monthBounds() throws {
        var date = try #require(CalendarDate("1900-01-01"))
        let end = try #require(CalendarDate("2200-12-31"))
        var dates: [CalendarDate] = [.min, .max]
        while date <= end {
            dates.append(date)
            date = date.advanced(by: 1)
        }
        for date in dates {
            let (y, m, _) = date.components
            let first = try #require(CalendarDate(year: y, month: m, day: 1))
            let last = try #require(CalendarDate(year: y, month: m, day: CalendarDate.daysInMonth(year: y, month: m)))
            #expect(date.firstOfMonth == first, "\(date)")
            #expect(date.lastOfMonth == last, "\(date)")
            #expect(date.monthBounds.first == first && date.monthBounds.last == last, "\(date)")
        }
    }
}
