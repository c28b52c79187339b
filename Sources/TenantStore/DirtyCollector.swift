internal import PilotageProtocol
internal import Storage
internal import Wire

/// Accumulates what a batch changed, then turns it into rollup partitions.
struct DirtyCollector {
    /// Earliest affected date per client (groups resolved at the end, after membership updates).
    private var clients: [String: CalendarDate] = [:]
    /// Earliest affected date per client group.
    private var groups: [Int64: CalendarDate] = [:]
    /// Fiscal years whose prospects changed.
    var prospectYears: Set<Int> = []

    mutating func noteClient(_ client: String, from date: CalendarDate) {
        self.clients[client] = min(self.clients[client] ?? date, date)
    }

    mutating func noteGroup(_ group: Int64, from date: CalendarDate) {
        self.groups[group] = min(self.groups[group] ?? date, date)
    }

    /// Firm settings changed: every group from the firm's first date, and every prospect year.
    mutating func everything(connection: SQLiteConnection) throws {
        let first = try connection.fetchValue(CalendarDate?.self, "SELECT min(first_date) FROM records WHERE client IS NOT NULL") ?? nil
        for group in try connection.fetchColumn(Int64.self, "SELECT group_id FROM client_groups") {
            if let first { self.noteGroup(group, from: first) }
        }
        let decoder = WireDecoder()
        try connection.query("SELECT payload FROM records WHERE kind = 'deal'") { row in
            self.prospectYears.insert(try decoder.decode(DealRecord.self, from: try row.decode([UInt8].self, at: 0)).fiscalYear)
        }
    }

    /// One partition to mark dirty, and the first day whose rows the change affects (`nil`: the
    /// whole partition). A change dated `d` affects the rows of days `d` and later only, so the
    /// month containing `d` is dirty from `d` and the later months entirely.
    struct Mark {
        var partition: RollupPartition
        var from: CalendarDate?
    }

    /// The partitions to mark dirty: for each group, every month from its earliest affected date
    /// through the month of `today` (a future date dirties the current month: rollups are
    /// materialised up to today, and the daily roll-over extends them).
    func partitions(fiscalStart: FiscalYearStart, today: CalendarDate, connection: SQLiteConnection) throws -> [Mark] {
        var groups = self.groups
        for (client, date) in self.clients {
            guard let group = try connection.fetchValue(Int64.self, "SELECT group_id FROM client_group_members WHERE client = ?", client) else { continue }
            groups[group] = min(groups[group] ?? date, date)
        }
        let current = YearMonth(today)
        var marks: [Mark] = []
        for (group, date) in groups {
            let from = min(date, today)
            for month in YearMonth.range(from: min(YearMonth(date), current), through: current) {
                let partition = RollupPartition.clientGroup(group: group, fiscalYear: fiscalStart.fiscalYear(of: month.firstDay), month: month)
                marks.append(Mark(partition: partition, from: month == YearMonth(from) ? from : nil))
            }
        }
        marks += self.prospectYears.map { Mark(partition: RollupPartition.prospects(fiscalYear: $0), from: nil) }
        return marks.sorted { $0.partition < $1.partition }
    }
}
