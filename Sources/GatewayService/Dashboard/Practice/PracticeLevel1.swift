internal import KPI
internal import PilotageProtocol
internal import Rollups
internal import Wire

/// The level-1 practice dashboard (kpi-definitions §7, §1.3) computed from any
/// ``PracticeValues``: every KPI at D with its 30-day history and its trend against D⁻ (the
/// same day of the previous month); flow KPIs over P, their history sliding a window of
/// `len(P)` days ending at each day.
struct PracticeLevel1: Sendable {
    /// One KPI: its history (D − 29 … D) and trend.
    struct Series: Sendable {
        var id: String
        var history: [(date: CalendarDate, value: KPIValue)]
        var trend: KPIValue
    }

    /// PR-TODO of one collaborator's clients at D.
    struct CollaboratorTodo: Sendable {
        var collaborator: String
        var toReview: KPIValue
        var ready: KPIValue
    }

    var asOf: CalendarDate
    var period: Period
    var series: [Series]
    /// PR-SENT by channel over P: (channel, count, share).
    var channels: [(channel: String, count: KPIValue, share: KPIValue)]
    var byCollaborator: [CollaboratorTodo]

    /// The days whose snapshot parts level 1 reads: the history and D⁻.
    static func snapshotDates(asOf date: CalendarDate) -> [CalendarDate] {
        KPISeries.historyDays(asOf: date) + [date.previousMonth]
    }

    /// The periods whose flow parts level 1 reads: P slid to every history day, and to D⁻.
    static func flowPeriods(asOf date: CalendarDate, period: Period) -> [Period] {
        self.snapshotDates(asOf: date).map { Self.window(endingAt: $0, length: period.length) }
    }

    /// The window of `length` days ending at `end`.
    static func window(endingAt end: CalendarDate, length: Int) -> Period {
        Period(uncheckedStart: end.clampedAdding(days: -(length - 1)), end: end)
    }

    /// Computes the dashboard; `collaborators` gives the values of each collaborator's clients.
    init(values: some PracticeValues, asOf date: CalendarDate, period: Period, collaborators: [(String, any PracticeValues)]) {
        self.asOf = date
        self.period = period
        let days = KPISeries.historyDays(asOf: date)
        let previous = date.previousMonth
        let snapshots = days.map { values.snapshotValues(at: $0) }
        let previousSnapshot = values.snapshotValues(at: previous)
        let flows = values.flowValues(over: days.map { Self.window(endingAt: $0, length: period.length) })
        let previousFlow = values.flowValues(over: Self.window(endingAt: previous, length: period.length))
        self.series = PracticeKPI.allIDs.map { id in
            let isFlow = PracticeKPI.isFlow(id)
            let points = zip(days, isFlow ? flows : snapshots).map { day, values in
                (date: day, value: values[id] ?? .null(.noData, unit: .count, rounding: .r0))
            }
            let before = (isFlow ? previousFlow : previousSnapshot)[id] ?? .null(.noData, unit: .count, rounding: .r0)
            let current = points.last?.value ?? before
            return Series(id: id, history: points, trend: ReceivablesFormulas.trend(current: current, previous: before))
        }
        let atD = flows.last ?? [:]
        self.channels = DocumentFact.Channel.allCases.map { channel in
            let ids = PracticeKPI.channelIDs(channel)
            return (
                channel.rawValue,
                atD[ids.count] ?? .count(0),
                atD[ids.share] ?? .null(.noData, unit: .percent, rounding: .r1)
            )
        }
        self.byCollaborator = collaborators.sorted { $0.0 < $1.0 }.map { collaborator, values in
            let snapshot = values.snapshotValues(at: date)
            return CollaboratorTodo(
                collaborator: collaborator,
                toReview: snapshot["PR-TODO-REVIEW"] ?? .count(0),
                ready: snapshot["PR-TODO-READY"] ?? .count(0)
            )
        }
    }

    /// The contract message.
    var message: PracticeLevel1Message {
        PracticeLevel1Message(
            series: self.series.map { series in
                KPISeriesMessage(
                    kpi: series.id,
                    history: series.history.map { DatedValue(date: $0.date, value: Level1Report.value($0.value)) },
                    trend: Level1Report.value(series.trend)
                )
            },
            channels: self.channels.map {
                ChannelValueMessage(channel: $0.channel, count: Level1Report.value($0.count), share: Level1Report.value($0.share))
            },
            byCollaborator: self.byCollaborator.map {
                CollaboratorTodoMessage(
                    collaborator: $0.collaborator,
                    toReview: Level1Report.value($0.toReview),
                    ready: Level1Report.value($0.ready)
                )
            }
        )
    }

    /// Every value, named for verification.
    var compared: [ComparedValue] {
        var values: [ComparedValue] = []
        for series in self.series {
            for point in series.history { values.append(ComparedValue(name: series.id, date: point.date, value: point.value)) }
            values.append(ComparedValue(name: "\(series.id) trend", date: nil, value: series.trend))
        }
        for channel in self.channels {
            values.append(ComparedValue(name: "PR-SENT-\(channel.channel)", date: self.asOf, value: channel.count))
            values.append(ComparedValue(name: "PR-SENT-\(channel.channel)-SHARE", date: self.asOf, value: channel.share))
        }
        for todo in self.byCollaborator {
            values.append(ComparedValue(name: "PR-TODO-REVIEW collaborator=\(todo.collaborator)", date: self.asOf, value: todo.toReview))
            values.append(ComparedValue(name: "PR-TODO-READY collaborator=\(todo.collaborator)", date: self.asOf, value: todo.ready))
        }
        return values
    }
}
