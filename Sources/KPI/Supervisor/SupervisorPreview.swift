public import Wire

/// The supervisor's preview (issue 8): the actions that become due on the next business days,
/// with the firm's minimum delay between two actions on the same client applied, so that a client
/// is not chased twice within that delay.
///
/// Rules:
/// - business days are Monday to Friday (no holiday calendar); an action triggering on a weekend
///   is planned on the next business day;
/// - only actions that are not yet due today (trigger date > today) are previewed;
/// - all the items of one client that are due on a planned day are one contact that day;
/// - a client's next contact is at the earliest `last contact + minimum delay`, where the last
///   contact is the latest business date of a `VALIDATED` or `MODIFIED` event on any of the
///   client's installments (and, inside the preview, the previous planned day); items moved by
///   the delay carry the day they would otherwise have been planned on.
public enum SupervisorPreview {
    /// The items of one client planned on one day.
    public struct Entry: Hashable, Sendable {
        /// Client id.
        public var client: String
        /// Client name.
        public var clientName: String
        /// Collection agent.
        public var agent: String?
        /// Last contact before the preview, if any.
        public var lastContact: CalendarDate?
        /// The day the entry would have been planned on without the minimum delay, when it moved.
        public var postponedFrom: CalendarDate?
        /// The items, by trigger date then id.
        public var items: [SupervisorItem]
    }

    /// One business day of the preview.
    public struct Day: Hashable, Sendable {
        /// The day.
        public var date: CalendarDate
        /// Clients to contact, by client id.
        public var entries: [Entry]
    }

    /// The `count` business days (Monday–Friday) after `today`.
    public static func businessDays(after today: CalendarDate, count: Int) -> [CalendarDate] {
        var days: [CalendarDate] = []
        var date = today
        while days.count < count {
            date = date.clampedAdding(days: 1)
            if date == .max { break }
            if date.isoWeekday <= 5 { days.append(date) }
        }
        return days
    }

    /// The first business day on or after `date`.
    public static func businessDay(onOrAfter date: CalendarDate) -> CalendarDate {
        var day = date
        while day.isoWeekday > 5, day < .max { day = day.clampedAdding(days: 1) }
        return day
    }

    /// The last contact of each client: the latest business date of a settling contact outcome
    /// (`VALIDATED`, `MODIFIED`) among `events`, keyed by the client owning the installment.
    public static func lastContacts(_ clients: some Sequence<ClientFacts>) -> [String: CalendarDate] {
        var contacts: [String: CalendarDate] = [:]
        for facts in clients {
            for event in facts.events where event.outcome == .validated || event.outcome == .modified {
                if let known = contacts[facts.client.id], known >= event.recordedOn { continue }
                contacts[facts.client.id] = event.recordedOn
            }
        }
        return contacts
    }

    /// Plans the pending actions of `items` over the `days` business days after `today`.
    ///
    /// - Parameters:
    ///   - items: supervisor items (credits and items without a next action are ignored).
    ///   - lastContacts: last contact per client (``lastContacts(_:)``).
    ///   - minimumDaysBetweenActions: the firm setting (negative values count as 0).
    public static func plan(
        items: [SupervisorItem],
        lastContacts: [String: CalendarDate],
        today: CalendarDate,
        days: Int,
        minimumDaysBetweenActions: Int
    ) -> [Day] {
        let horizon = Self.businessDays(after: today, count: max(days, 0))
        guard let last = horizon.last else { return [] }
        let delay = max(minimumDaysBetweenActions, 0)
        let pending = items.filter { item in
            guard item.kind == .installment, let next = item.nextAction else { return false }
            return next.triggerDate > today && next.triggerDate <= last
        }
        var planned: [CalendarDate: [Entry]] = [:]
        for (client, members) in Dictionary(grouping: pending, by: \.client) {
            var remaining = members.sorted { ($0.nextAction?.triggerDate ?? .max, $0.id) < ($1.nextAction?.triggerDate ?? .max, $1.id) }
            let lastContact = lastContacts[client]
            var earliest = lastContact.map { $0.clampedAdding(days: delay) } ?? .min
            for day in horizon where !remaining.isEmpty {
                let due = remaining.filter { ($0.nextAction?.triggerDate ?? .max) <= day }
                guard !due.isEmpty, day >= earliest else { continue }
                remaining.removeAll { ($0.nextAction?.triggerDate ?? .max) <= day }
                let natural = Self.businessDay(onOrAfter: due.compactMap(\.nextAction?.triggerDate).min() ?? day)
                let first = due[0]
                planned[day, default: []].append(
                    Entry(
                        client: client,
                        clientName: first.clientName,
                        agent: first.agent,
                        lastContact: lastContact,
                        postponedFrom: natural < day ? natural : nil,
                        items: due
                    )
                )
                earliest = day.clampedAdding(days: max(delay, 1))
            }
        }
        return horizon.map { day in
            Day(date: day, entries: (planned[day] ?? []).sorted { $0.client < $1.client })
        }
    }
}
