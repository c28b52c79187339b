public import Wire

/// The per-client rules of §7 that are not sums: regularity periods and activity.
public enum PracticeRules {
    /// A client's activity at D.
    public struct Activity: Hashable, Sendable {
        /// Documents received in the window [D − W + 1, D].
        public var recent: Int
        /// Documents received in the baseline [D − 7W + 1, D − W] (six windows).
        public var baseline: Int
        /// No document in the window.
        public var isInactive: Bool
        /// The drop in % (R1) when the client is declining, else `nil`.
        public var decline: KPIValue?
    }

    /// The last 12 completed periods of the frequency before D (a period is completed when it
    /// ends on or before D): calendar months, calendar quarters, or fiscal years. Oldest first.
    public static func regularityPeriods(
        frequency: ClientFact.Frequency,
        asOf date: CalendarDate,
        calendar: FiscalCalendar
    ) -> [Period] {
        let kind: BucketKind
        switch frequency {
        case .monthly: kind = .month
        case .quarterly: kind = .quarter
        case .yearly: kind = .fiscalYear
        }
        var current = calendar.bucket(kind, containing: date)
        if current.period.end != date {
            current = calendar.bucket(kind, containing: current.period.dayBeforeStart)
        }
        var periods = [current.period]
        while periods.count < 12 {
            current = calendar.bucket(kind, containing: current.period.dayBeforeStart)
            periods.append(current.period)
        }
        return periods.reversed()
    }

    /// The earliest start of a regularity period at each of `dates` among clients of
    /// `frequencies` (absent for none): what ``PracticeSnapshot/earliestPeriodStart`` holds for
    /// them, since it depends on nothing else. Readers of pre-merged parts (slices) derive it
    /// from this. The answer only changes when D enters a new bucket of a frequency, so the 12
    /// periods are derived once per frequency and bucket, not once per day (a level-1 history
    /// asks 31 days).
    public static func earliestPeriodStarts(
        frequencies: [ClientFact.Frequency],
        at dates: [CalendarDate],
        calendar: FiscalCalendar
    ) -> [CalendarDate: CalendarDate] {
        struct Key: Hashable {
            var frequency: ClientFact.Frequency
            var bucketStart: CalendarDate
            var atEnd: Bool
        }
        var known: [Key: CalendarDate] = [:]
        var result: [CalendarDate: CalendarDate] = [:]
        for date in dates {
            var earliest: CalendarDate?
            for frequency in frequencies {
                let kind: BucketKind
                switch frequency {
                case .monthly: kind = .month
                case .quarterly: kind = .quarter
                case .yearly: kind = .fiscalYear
                }
                let bucket = calendar.bucket(kind, containing: date).period
                let key = Key(frequency: frequency, bucketStart: bucket.start, atEnd: bucket.end == date)
                let start: CalendarDate
                if let cached = known[key] {
                    start = cached
                } else {
                    start = Self.regularityPeriods(frequency: frequency, asOf: date, calendar: calendar).first?.start ?? date
                    known[key] = start
                }
                earliest = Swift.min(earliest ?? start, start)
            }
            if let earliest { result[date] = earliest }
        }
        return result
    }

    /// PR-INACTIVE and PR-DECLINING for one client at D, from its sorted received dates.
    /// Declining: baseline average `b / 6 ≥ minimum` and `recent < ratio % × b / 6`; the drop is
    /// `(b − 6 × recent) / b × 100`.
    public static func activity(
        receivedDates: [CalendarDate],
        asOf date: CalendarDate,
        settings: KPISettings
    ) -> Activity {
        let settings = settings.clamped
        let window = settings.inactivityDays
        let recentPeriod = Period(uncheckedStart: date.clampedAdding(days: -(window - 1)), end: date)
        let baselinePeriod = Period(
            uncheckedStart: date.clampedAdding(days: -(7 * window - 1)),
            end: date.clampedAdding(days: -window)
        )
        let recent = PracticePartsCalculator.count(receivedDates, in: recentPeriod)
        let baseline = PracticePartsCalculator.count(receivedDates, in: baselinePeriod)
        var decline: KPIValue? = nil
        let minimumMet = baseline >= 6 * settings.decliningMinimumDocuments && baseline > 0
        if minimumMet && 100 * 6 * recent < settings.decliningRatioPercent * baseline {
            decline = .checked(
                Rational(Int128(baseline - 6 * recent), Int128(baseline))?.multiplied(by: 100),
                unit: .percent,
                rounding: .r1
            )
        }
        return Activity(recent: recent, baseline: baseline, isInactive: recent == 0, decline: decline)
    }
}

/// The final formulas of the practice KPIs (§7) from merged parts.
public enum PracticeFormulas {
    /// PR-TODO total (TO_REVIEW + READY).
    public static func toProcess(_ snapshot: PracticeSnapshot) -> KPIValue {
        .count(snapshot.toReview + snapshot.ready)
    }

    /// PR-PROCESSED: number of documents published in P.
    public static func processed(_ flow: PracticeFlow) -> KPIValue {
        .count(flow.published)
    }

    /// PR-PROCESSED median age in days (mean of the two middle ages for an even count), R1;
    /// `null NO_DATA` when nothing was published.
    public static func medianAge(_ flow: PracticeFlow) -> KPIValue {
        let n = flow.ageHistogram.values.reduce(0, +)
        guard n > 0 else { return .null(.noData, unit: .days, rounding: .r1) }
        let ages = self.ages(atRanks: [(n + 1) / 2, n / 2 + 1], flow.ageHistogram)
        let (low, high) = (ages[0], ages[1])
        let value = n % 2 == 1 ? Rational(low) : Rational(Int128(low + high), 2)
        return .checked(value, unit: .days, rounding: .r1)
    }

    /// PR-PROCESSED p90 age in days, nearest-rank method (the age at rank ⌈0.9 n⌉), R1.
    public static func percentile90Age(_ flow: PracticeFlow) -> KPIValue {
        let n = flow.ageHistogram.values.reduce(0, +)
        guard n > 0 else { return .null(.noData, unit: .days, rounding: .r1) }
        let rank = (9 * n + 9) / 10  // ⌈0.9 n⌉ for n ≥ 1
        return .checked(Rational(self.ageAtRank(rank, flow.ageHistogram)), unit: .days, rounding: .r1)
    }

    /// The ages of the documents at 1-based `ranks` (ascending) in ascending age order, with one
    /// sort of the histogram.
    static func ages(atRanks ranks: [Int64], _ histogram: [Int: Int64]) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(ranks.count)
        var seen: Int64 = 0
        var next = 0
        for age in histogram.keys.sorted() {
            seen += histogram[age] ?? 0
            while next < ranks.count, seen >= ranks[next] {
                result.append(age)
                next += 1
            }
            if next == ranks.count { return result }
        }
        let last = histogram.keys.max() ?? 0
        return result + Array(repeating: last, count: ranks.count - next)
    }

    /// The age of the document at 1-based `rank` in ascending age order.
    static func ageAtRank(_ rank: Int64, _ histogram: [Int: Int64]) -> Int {
        var seen: Int64 = 0
        for age in histogram.keys.sorted() {
            seen += histogram[age] ?? 0
            if seen >= rank { return age }
        }
        return histogram.keys.max() ?? 0
    }

    /// PR-SENT: count and share (%, R1) per channel, every channel listed.
    public static func sentByChannel(_ flow: PracticeFlow) -> [ChannelShare] {
        DocumentFact.Channel.allCases.map { channel in
            let count = flow.receivedByChannel[channel.rawValue] ?? 0
            return ChannelShare(
                channel: channel,
                count: count,
                share: ReceivablesFormulas.percent(WideInt(count), of: WideInt(flow.received))
            )
        }
    }

    /// PR-REGULARITY: periods with documents / periods expected × 100 (R1).
    public static func regularity(_ snapshot: PracticeSnapshot, firstDataDate: CalendarDate? = nil) -> KPIValue {
        var flags: Set<KPIFlag> = []
        if let first = firstDataDate, let earliest = snapshot.earliestPeriodStart, earliest < first {
            flags.insert(.partialHistory)
        }
        return ReceivablesFormulas.percent(
            WideInt(snapshot.periodsWithDocuments),
            of: WideInt(snapshot.periodsExpected),
            flags: flags
        )
    }

    /// PR-RULES coverage over P: documents from a supplier with a rule / documents received × 100.
    public static func ruleCoverage(_ flow: PracticeFlow) -> KPIValue {
        ReceivablesFormulas.percent(WideInt(flow.coveredByRule), of: WideInt(flow.received))
    }

    /// PR-RULES-PERF: % of documents received in P that were auto-categorised.
    public static func autoCategorisedRate(_ flow: PracticeFlow) -> KPIValue {
        ReceivablesFormulas.percent(WideInt(flow.autoCategorised), of: WideInt(flow.received))
    }

    /// PR-RULES-PERF: % of documents received in P that were auto-published.
    public static func autoPublishedRate(_ flow: PracticeFlow) -> KPIValue {
        ReceivablesFormulas.percent(WideInt(flow.autoPublished), of: WideInt(flow.received))
    }
}

/// PR-SENT: documents of one channel and their share.
public struct ChannelShare: Hashable, Sendable, Codable {
    /// The channel.
    public var channel: DocumentFact.Channel
    /// Documents received through it.
    public var count: Int64
    /// Share of all documents received, %, R1.
    public var share: KPIValue
}
