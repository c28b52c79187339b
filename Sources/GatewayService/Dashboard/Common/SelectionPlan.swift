internal import KPI
internal import RollupStore
internal import Rollups
internal import ServerSupport
internal import Synchronization

/// What a filter selects among a firm's client groups at one version of its file, the same for
/// every date D: the selected groups, the slices covering them, the level-1 breakdown lines and
/// the covers of those lines. Building it passes over every group of the firm (a large firm's
/// whole-team plan took ~1 ms); dashboards ask the same few filters again and again.
struct SelectionPlan: Sendable {
    /// Positions of the selected groups in the firm's groups.
    var positions: [Int]
    /// The selected groups.
    var groups: [StoredGroup]
    /// The cover of the whole selection (slices may overlap or reach outside it: the parts are
    /// sums of integers, its extra groups are subtracted).
    var cover: SliceCover
    /// The breakdown lines, at most `breakdown_limit` offices and collaborators.
    var breakdown: ReceivablesSectionsReport.Breakdown
    /// The cover of each breakdown line, in the order of `breakdown.entries`.
    var lineCovers: [SliceCover]

    /// The plan of `filter` over `context`'s groups.
    init(filter: ClientFilter, breakdownLimit: Int, context: ReceivablesSummary.Context) {
        self.positions = context.axesIndex.positions(matching: filter)
        self.groups = self.positions.map { context.groups[$0] }
        self.cover = context.sliceIndex.cover(self.groups.map(\.id), subtracting: true)
        self.breakdown = context.axesIndex.breakdown(positions: self.positions, clients: self.groups.map(\.clients), limit: breakdownLimit)
        self.lineCovers = SectionLines.covers(slices: context.sliceIndex, selection: self.groups, breakdown: self.breakdown)
    }
}

/// The gateway's ``SelectionPlan``s, keyed by file version, filter and breakdown limit: a new
/// ingestion (which can change the groups) gives the file a new version, so a plan is never
/// used for other groups. At most ``capacity`` plans and ``capacityInGroups`` selected groups in
/// all are kept (the cache is emptied when either would be passed; ~100 bytes a selected group:
/// a large firm's whole-firm plan of 2,100 groups is ~200 KB).
final class SelectionPlanCache: Sendable {
    /// The gateway's cache.
    static let shared = SelectionPlanCache()

    /// Plans kept before the cache is emptied.
    let capacity = 1_024
    /// Selected groups, summed over the plans kept, before the cache is emptied.
    let capacityInGroups = 1_000_000

    /// What a plan is for.
    struct Key: Hashable, Sendable {
        var file: FirmGroupsCache.FileVersion
        var filter: ClientFilter
        var breakdownLimit: Int
    }

    private let plans: Mutex<ClearingCache<Key, SelectionPlan>>

    init() {
        self.plans = Mutex(ClearingCache(capacity: self.capacity, capacityInWeight: self.capacityInGroups))
    }

    /// The plan of `key`, built by `build` when not cached.
    func plan(_ key: Key, build: () -> SelectionPlan) -> SelectionPlan {
        if let known = self.plans.withLock({ $0[key] }) { return known }
        let plan = build()
        self.plans.withLock { $0.insert(plan, for: key, weight: plan.positions.count) }
        return plan
    }
}
