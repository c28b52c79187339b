import KPI
import Testing
import Wire

@Suite("Calendar: fiscal years, buckets, ISO weeks")
struct FiscalCalendarTests {
    @Test(
        "ISO weeks across year ends",
        arguments: [
            ("2024-12-30", 2025, 1), ("2025-01-01", 2025, 1), ("2021-01-03", 2020, 53), ("2021-01-04", 2021, 1),
            ("2026-12-31", 2026, 53), ("2027-01-03", 2026, 53), ("2025-03-31", 2025, 14), ("2024-02-29", 2024, 9),
        ]
    )
    func isoWeeks(date: String, year: Int, week: Int) {
        #expect(day(date).isoWeek == (year, week))
        let bucket = FiscalCalendar.calendarYear.bucket(.isoWeek, containing: day(date))
        #expect(bucket.period.start.isoWeekday == 1 && bucket.period.length == 7)
        #expect(bucket.period.contains(day(date)))
    }

    @Test("fiscal years not starting on January 1 are named by the year they start in")
    func fiscalYear() throws {
        let calendar = try FiscalCalendar(startMonth: 7, startDay: 1)
        #expect(calendar.fiscalYear(containing: day("2025-03-31")) == 2024)
        #expect(calendar.fiscalYear(containing: day("2025-07-01")) == 2025)
        #expect(calendar.period(ofFiscalYear: 2024) == period("2024-07-01", "2025-06-30"))
        #expect(calendar.bucket(.fiscalYear, containing: day("2024-12-31")).label == "FY2024")
        let months = calendar.months(ofFiscalYear: 2024)
        #expect(
            months.count == 12 && months.first == period("2024-07-01", "2024-07-31")
                && months.last == period("2025-06-01", "2025-06-30")
        )
    }

    @Test("a fiscal year starting on February 29 falls back to February 28 in common years")
    func leapStart() throws {
        let calendar = try FiscalCalendar(startMonth: 2, startDay: 29)
        #expect(calendar.period(ofFiscalYear: 2024) == period("2024-02-29", "2025-02-27"))
        #expect(calendar.period(ofFiscalYear: 2025) == period("2025-02-28", "2026-02-27"))
        #expect(calendar.fiscalYear(containing: day("2025-02-27")) == 2024)
        #expect(throws: KPIError.self) { try FiscalCalendar(startMonth: 2, startDay: 30) }
        #expect(throws: KPIError.self) { try FiscalCalendar(startMonth: 13, startDay: 1) }
    }

    @Test(
        "same day of the previous fiscal year",
        arguments: [
            ("2025-03-31", "2024-03-31"),
            ("2024-02-29", "2023-02-28"),
            ("2025-12-31", "2024-12-31"),
            ("2025-06-15", "2024-06-15"),
        ]
    )
    func sameDay(date: String, expected: String) {
        #expect(FiscalCalendar.calendarYear.sameDayPreviousFiscalYear(day(date)) == day(expected))
    }

    @Test("the last day of a fiscal year maps to the last day of the previous one (leap years)")
    func sameDayYearEnd() throws {
        let calendar = try FiscalCalendar(startMonth: 3, startDay: 1)
        // FY2024 = 2024-03-01 … 2025-02-28; FY2023 = 2023-03-01 … 2024-02-29.
        #expect(calendar.sameDayPreviousFiscalYear(day("2025-02-28")) == day("2024-02-29"))
        #expect(calendar.sameDayPreviousFiscalYear(day("2025-02-27")) == day("2024-02-27"))
    }

    @Test(
        "previous month clamps (§1.2)",
        arguments: [
            ("2025-03-31", "2025-02-28"), ("2025-03-15", "2025-02-15"), ("2024-03-30", "2024-02-29"),
            ("2025-01-31", "2024-12-31"),
        ]
    )
    func previousMonth(date: String, expected: String) {
        #expect(day(date).previousMonth == day(expected))
    }

    @Test("buckets cover a range without gaps, with stable labels")
    func buckets() {
        let range = period("2024-12-25", "2025-04-02")
        for kind in BucketKind.allCases {
            let buckets = FiscalCalendar.calendarYear.buckets(kind, overlapping: range)
            #expect(buckets.first?.period.contains(range.start) == true)
            #expect(buckets.last?.period.contains(range.end) == true)
            for (left, right) in zip(buckets, buckets.dropFirst()) {
                #expect(left.period.end.clampedAdding(days: 1) == right.period.start, "gap in \(kind)")
            }
        }
        let labels = FiscalCalendar.calendarYear.buckets(.quarter, overlapping: range).map(\.label)
        #expect(labels == ["2024-Q4", "2025-Q1", "2025-Q2"])
        let months = FiscalCalendar.calendarYear.buckets(.month, overlapping: range).map(\.label)
        #expect(months == ["2024-12", "2025-01", "2025-02", "2025-03", "2025-04"])
        #expect(FiscalCalendar.calendarYear.buckets(.day, overlapping: range).count == range.length)
    }

    @Test("today from a UTC instant and the zone offset")
    func today() {
        // 2025-03-30T23:30:00Z is already 2025-03-31 in Paris (UTC+2 in summer time).
        #expect(FiscalCalendar.today(unixSeconds: 1_743_377_400, utcOffsetSeconds: 7_200) == day("2025-03-31"))
        #expect(FiscalCalendar.today(unixSeconds: 1_743_377_400, utcOffsetSeconds: 0) == day("2025-03-30"))
        #expect(FiscalCalendar.today(unixSeconds: -1, utcOffsetSeconds: 0) == day("1969-12-31"))
    }

    @Test("periods reject an end before the start")
    func periods() throws {
        #expect(throws: KPIError.self) { try Period(start: day("2025-03-02"), end: day("2025-03-01")) }
        let window = try Period.window(endingAt: day("2025-03-31"), length: 90)
        #expect(window == period("2025-01-01", "2025-03-31") && window.length == 90)
        #expect(throws: KPIError.self) { try Period.window(endingAt: day("2025-03-31"), length: 0) }
    }

    @Test("settings validate and keep the documented defaults")
    func settings() {
        let settings = KPISettings()
        #expect(settings.dsoWindowDays == 90 && settings.agedBucketBoundaries == [30, 60, 90, 120])
        #expect(settings.riskDaysPastDue == 90 && settings.onTimeGraceDays == 0)
        #expect(settings.forecastHistoryInstallments == 12 && settings.forecastMinimumInstallments == 2)
        #expect(settings.forecastHorizonDays == 90 && settings.forecastMaxDaysPastDue == 365)
        #expect(settings.provisionGridBasisPoints == [0, 0, 0, 0, 0, 0])
        #expect(
            settings.inactivityDays == 30 && settings.decliningRatioPercent == 50
                && settings.decliningMinimumDocuments == 4
        )
        #expect(!settings.excludeDoubtfulFromDSO && !settings.prepaymentsAsUnapplied)
        #expect(settings.agedBucketLabels == ["NOT_DUE", "1-30", "31-60", "61-90", "91-120", ">120"])
        #expect(settings.agedBucketIndex(daysPastDue: 0) == 0 && settings.agedBucketIndex(daysPastDue: 30) == 1)
        #expect(settings.agedBucketIndex(daysPastDue: 31) == 2 && settings.agedBucketIndex(daysPastDue: 121) == 5)
        #expect(throws: Never.self) { try settings.validate() }
        var bad = settings
        bad.agedBucketBoundaries = [30, 30]
        #expect(throws: KPIError.self) { try bad.validate() }
        bad = settings
        bad.provisionGridBasisPoints = [0]
        #expect(throws: KPIError.self) { try bad.validate() }
        var other = settings
        other.riskDaysPastDue = 60
        #expect(other.partsFingerprint != settings.partsFingerprint)
        other = settings
        other.dsoWindowDays = 30
        #expect(other.partsFingerprint == settings.partsFingerprint)
    }
}
