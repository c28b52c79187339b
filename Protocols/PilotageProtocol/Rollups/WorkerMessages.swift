public import Foundation
public import Wire

// Messages of `pilotage.worker.Worker` (see `WorkerMethods`). Parts travel as opaque blobs: the
// compact Wire encodings written by the `Rollups` module (an array of integers per parts value),
// stored by the gateway as they are.

/// The two kinds of rollup partition.
public enum RollupFamily: String, Codable, CaseIterable, Sendable, Hashable {
    /// `g<group>/fy<year>/m<YYYY-MM>`: receivables and practice parts of one client group for the
    /// days of one month.
    case clientGroup = "CLIENT_GROUP"
    /// `p/fy<year>`: the prospects parts of one fiscal year.
    case prospects = "PROSPECTS"
}

/// Asks for work.
public struct LeaseRequest: Codable, Sendable, Hashable {
    /// The worker's id (lease holder); unique per running worker loop.
    public var workerID: String
    /// Most partitions in the batch (default 24, at most 240).
    public var maxPartitions: Int?
    /// Lease duration in seconds (default 30, 1…600); renew before it lapses.
    public var leaseSeconds: Int?

    /// Creates a request.
    public init(workerID: String, maxPartitions: Int? = nil, leaseSeconds: Int? = nil) {
        self.workerID = workerID
        self.maxPartitions = maxPartitions
        self.leaseSeconds = leaseSeconds
    }

    enum CodingKeys: String, CodingKey {
        case workerID = "worker_id"
        case maxPartitions = "max_partitions"
        case leaseSeconds = "lease_seconds"
    }
}

/// A leased partition: its key, what it covers and the lease's fencing token.
public struct LeasedPartition: Codable, Sendable, Hashable {
    /// Partition key (`g12/fy2025/m2025-03`, `p/fy2025`).
    public var key: String
    /// First day of the month a client-group partition covers.
    public var month: CalendarDate?
    /// Fencing token of this holding (larger is newer).
    public var fencingToken: Int64
    /// The last ingestion that dirtied the partition when it was leased.
    public var dirtySequence: Int64
    /// The dirty generation when it was leased (bumped by the daily roll-over).
    public var generation: Int64
    /// The first day whose rows changed: the worker recomputes from it and the commit keeps the
    /// month's earlier rows. Absent: the whole partition.
    public var from: CalendarDate?
    /// The client group of a client-group partition.
    public var groupID: Int64?

    /// Creates a value.
    public init(
        key: String,
        month: CalendarDate?,
        fencingToken: Int64,
        dirtySequence: Int64,
        generation: Int64,
        from: CalendarDate? = nil,
        groupID: Int64? = nil
    ) {
        self.key = key
        self.month = month
        self.fencingToken = fencingToken
        self.dirtySequence = dirtySequence
        self.generation = generation
        self.from = from
        self.groupID = groupID
    }

    enum CodingKeys: String, CodingKey {
        case key, month
        case fencingToken = "fencing_token"
        case dirtySequence = "dirty_sequence"
        case generation, from
        case groupID = "group_id"
    }

    /// The reference later calls carry.
    public var reference: PartitionLeaseReference {
        PartitionLeaseReference(key: self.key, fencingToken: self.fencingToken)
    }
}

/// Names one leased partition in later calls.
public struct PartitionLeaseReference: Codable, Sendable, Hashable {
    /// Partition key.
    public var key: String
    /// Fencing token received from ``WorkerMethods/lease``.
    public var fencingToken: Int64

    /// Creates a value.
    public init(key: String, fencingToken: Int64) {
        self.key = key
        self.fencingToken = fencingToken
    }

    enum CodingKeys: String, CodingKey {
        case key
        case fencingToken = "fencing_token"
    }
}

/// A batch of leased partitions of one firm.
public struct WorkAssignment: Codable, Sendable, Hashable {
    /// The firm.
    public var firmID: String
    /// Client group or prospects.
    public var family: RollupFamily
    /// The first client group of the batch (client-group family; a batch of single months may
    /// hold several groups, see ``LeasedPartition/groupID``).
    public var groupID: Int64?
    /// The fiscal year (prospects family).
    public var fiscalYear: Int?
    /// The partitions, oldest month first.
    public var partitions: [LeasedPartition]
    /// When the leases lapse unless renewed.
    public var expiresAt: Date

    /// Creates a value.
    public init(
        firmID: String,
        family: RollupFamily,
        groupID: Int64?,
        fiscalYear: Int?,
        partitions: [LeasedPartition],
        expiresAt: Date
    ) {
        self.firmID = firmID
        self.family = family
        self.groupID = groupID
        self.fiscalYear = fiscalYear
        self.partitions = partitions
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case firmID = "firm_id"
        case family
        case groupID = "group_id"
        case fiscalYear = "fiscal_year"
        case partitions
        case expiresAt = "expires_at"
    }

    /// The references later calls carry.
    public var references: [PartitionLeaseReference] { self.partitions.map(\.reference) }
}

/// The answer to ``WorkerMethods/lease``.
public struct LeaseReply: Codable, Sendable, Hashable {
    /// The batch; absent when no partition is pending (or every pending one is leased).
    public var work: WorkAssignment?
    /// Partitions pending over every firm (including leased ones), for back-off decisions.
    public var pendingPartitions: Int

    /// Creates a value.
    public init(work: WorkAssignment?, pendingPartitions: Int) {
        self.work = work
        self.pendingPartitions = pendingPartitions
    }

    enum CodingKeys: String, CodingKey {
        case work
        case pendingPartitions = "pending_partitions"
    }
}

/// Extends the leases of a batch.
public struct RenewRequest: Codable, Sendable, Hashable {
    /// The holder.
    public var workerID: String
    /// The firm.
    public var firmID: String
    /// The leased partitions.
    public var partitions: [PartitionLeaseReference]
    /// New duration from now, seconds (default 30, 1…600).
    public var leaseSeconds: Int?

    /// Creates a request.
    public init(workerID: String, firmID: String, partitions: [PartitionLeaseReference], leaseSeconds: Int? = nil) {
        self.workerID = workerID
        self.firmID = firmID
        self.partitions = partitions
        self.leaseSeconds = leaseSeconds
    }

    enum CodingKeys: String, CodingKey {
        case workerID = "worker_id"
        case firmID = "firm_id"
        case partitions
        case leaseSeconds = "lease_seconds"
    }
}

/// The answer to ``WorkerMethods/renew``.
public struct RenewReply: Codable, Sendable, Hashable {
    /// New expiry of every lease of the batch.
    public var expiresAt: Date

    /// Creates a value.
    public init(expiresAt: Date) {
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case expiresAt = "expires_at"
    }
}

/// Asks for the facts of a leased batch.
public struct FetchFactsRequest: Codable, Sendable, Hashable {
    /// The holder.
    public var workerID: String
    /// The firm.
    public var firmID: String
    /// The leased partitions (all of one batch).
    public var partitions: [PartitionLeaseReference]
    /// The worker keeps the records it receives (a record cache): send every record of a client
    /// whatever its date, with its id and first date (``StoredRecord/id``,
    /// ``StoredRecord/firstDate``), and the records as of the read (``FactsHeader/recordsAsOf``).
    /// Absent or `false`: records as before (no ids, none dated after ``FactsHeader/through``).
    public var keyed: Bool?
    /// Clients whose records the worker holds, by the version it read them at: the gateway may
    /// send only what changed since (``FactsHeader/changedOnly``). Only with `keyed`.
    public var known: [KnownRecords]?

    /// Creates a request.
    public init(workerID: String, firmID: String, partitions: [PartitionLeaseReference], keyed: Bool? = nil, known: [KnownRecords]? = nil) {
        self.workerID = workerID
        self.firmID = firmID
        self.partitions = partitions
        self.keyed = keyed
        self.known = known
    }

    enum CodingKeys: String, CodingKey {
        case workerID = "worker_id"
        case firmID = "firm_id"
        case partitions, keyed, known
    }
}

/// A version of a firm's records: the last ingestion reflected, by sequence and commit instant
/// (the instant tells a restored or replaced firm file, whose sequences mean other records,
/// from the one the version was read from).
public struct RecordsVersion: Codable, Sendable, Hashable {
    /// Sequence of the last ingestion reflected (0: none).
    public var sequence: Int64
    /// Its `committed_at` in the firm's ingestion log (empty when `sequence` is 0).
    public var committedAt: String

    /// Creates a value.
    public init(sequence: Int64, committedAt: String) {
        self.sequence = sequence
        self.committedAt = committedAt
    }

    enum CodingKeys: String, CodingKey {
        case sequence
        case committedAt = "committed_at"
    }
}

/// Clients whose every record a worker holds as of one version of the firm's records.
public struct KnownRecords: Codable, Sendable, Hashable {
    /// The version the records were read at.
    public var asOf: RecordsVersion
    /// The clients, by id.
    public var clients: [String]

    /// Creates a value.
    public init(asOf: RecordsVersion, clients: [String]) {
        self.asOf = asOf
        self.clients = clients
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of"
        case clients
    }
}

/// What the worker computes with, sent once at the start of the facts stream.
public struct FactsHeader: Codable, Sendable, Hashable {
    /// The firm's settings record, if the firm sent one (defaults otherwise).
    public var settings: FirmSettingsRecord?
    /// The firm's business date: rollups are materialised up to it.
    public var today: CalendarDate
    /// The first date the firm has data for (`PARTIAL_HISTORY` below it).
    public var firstDataDate: CalendarDate?
    /// Records dated after this day are not sent (they cannot change the batch's months).
    public var through: CalendarDate
    /// Fingerprint of the settings that shape parts; echoed in the commit.
    public var settingsFingerprint: String
    /// Clients in the batch's groups (client-group family).
    public var clientCount: Int
    /// The clients of each group of the batch (client-group family).
    public var groups: [GroupMembers]
    /// A keyed stream (``FetchFactsRequest/keyed``): every record sent reflects at least this
    /// version of the firm's records (later ingestions may show too). The worker asks for the
    /// changes since it next time.
    public var recordsAsOf: RecordsVersion?
    /// A keyed stream: the member clients sent as their changes since the version the worker
    /// said it held (``FetchFactsRequest/known``) — removals (``StoredRecord/removed``) then
    /// records added or changed, sent before any other client. Every other member client is
    /// sent whole.
    public var changedOnly: [String]?

    /// Creates a value.
    public init(
        settings: FirmSettingsRecord?,
        today: CalendarDate,
        firstDataDate: CalendarDate?,
        through: CalendarDate,
        settingsFingerprint: String,
        clientCount: Int,
        groups: [GroupMembers] = [],
        recordsAsOf: RecordsVersion? = nil,
        changedOnly: [String]? = nil
    ) {
        self.settings = settings
        self.today = today
        self.firstDataDate = firstDataDate
        self.through = through
        self.settingsFingerprint = settingsFingerprint
        self.clientCount = clientCount
        self.groups = groups
        self.recordsAsOf = recordsAsOf
        self.changedOnly = changedOnly
    }

    enum CodingKeys: String, CodingKey {
        case settings, today
        case firstDataDate = "first_data_date"
        case through
        case settingsFingerprint = "settings_fingerprint"
        case clientCount = "client_count"
        case groups
        case recordsAsOf = "records_as_of"
        case changedOnly = "changed_only"
    }
}

/// The clients of one client group when the facts were read.
public struct GroupMembers: Codable, Sendable, Hashable {
    /// The group.
    public var groupID: Int64
    /// Its clients, by id.
    public var clients: [String]

    /// Creates a value.
    public init(groupID: Int64, clients: [String]) {
        self.groupID = groupID
        self.clients = clients
    }

    enum CodingKeys: String, CodingKey {
        case groupID = "group_id"
        case clients
    }
}

/// One stored record, exactly as the gateway keeps it.
public struct StoredRecord: Codable, Sendable, Hashable {
    /// Entity kind.
    public var kind: EntityKind
    /// Owning client, when the record belongs to one.
    public var client: String?
    /// Canonical wire encoding of the record (`WIRE.md` §6); empty for a removal.
    public var payload: Data
    /// The record's id (keyed streams only).
    public var id: String?
    /// The record's earliest business date (keyed streams only; absent: undated).
    public var firstDate: CalendarDate?
    /// A keyed stream's removal: the record left `client` (deleted, or now another client's).
    public var removed: Bool?

    /// Creates a value.
    public init(kind: EntityKind, client: String?, payload: Data, id: String? = nil, firstDate: CalendarDate? = nil, removed: Bool? = nil) {
        self.kind = kind
        self.client = client
        self.payload = payload
        self.id = id
        self.firstDate = firstDate
        self.removed = removed
    }

    enum CodingKeys: String, CodingKey {
        case kind, client, payload, id
        case firstDate = "first_date"
        case removed
    }
}

/// One message of the facts stream: the header first, then records.
public struct FactsChunk: Codable, Sendable, Hashable {
    /// First message only.
    public var header: FactsHeader?
    /// Records, grouped by client (all the records of a client are in consecutive chunks).
    public var records: [StoredRecord]

    /// Creates a value.
    public init(header: FactsHeader? = nil, records: [StoredRecord] = []) {
        self.header = header
        self.records = records
    }
}

/// One day of a client-group partition.
public struct RollupDay: Codable, Sendable, Hashable {
    /// The day.
    public var day: CalendarDate
    /// Receivables snapshot parts at the end of the day.
    public var receivablesSnapshot: Data
    /// Receivables flow parts of the day (absent: no activity).
    public var receivablesFlow: Data?
    /// Practice snapshot parts at the end of the day.
    public var practiceSnapshot: Data
    /// Practice flow parts of the day (absent: no activity).
    public var practiceFlow: Data?

    /// Creates a value.
    public init(day: CalendarDate, receivablesSnapshot: Data, receivablesFlow: Data?, practiceSnapshot: Data, practiceFlow: Data?) {
        self.day = day
        self.receivablesSnapshot = receivablesSnapshot
        self.receivablesFlow = receivablesFlow
        self.practiceSnapshot = practiceSnapshot
        self.practiceFlow = practiceFlow
    }

    enum CodingKeys: String, CodingKey {
        case day
        case receivablesSnapshot = "receivables_snapshot"
        case receivablesFlow = "receivables_flow"
        case practiceSnapshot = "practice_snapshot"
        case practiceFlow = "practice_flow"
    }
}

/// The flows of a whole month (up to today for the current month) of a client group.
public struct RollupMonth: Codable, Sendable, Hashable {
    /// First day of the month.
    public var month: CalendarDate
    /// Σ receivables flow parts of the month's days.
    public var receivablesFlow: Data
    /// Σ practice flow parts of the month's days.
    public var practiceFlow: Data

    /// Creates a value.
    public init(month: CalendarDate, receivablesFlow: Data, practiceFlow: Data) {
        self.month = month
        self.receivablesFlow = receivablesFlow
        self.practiceFlow = practiceFlow
    }

    enum CodingKeys: String, CodingKey {
        case month
        case receivablesFlow = "receivables_flow"
        case practiceFlow = "practice_flow"
    }
}

/// What a period row holds.
public enum RollupPeriodKind: String, Codable, CaseIterable, Sendable, Hashable {
    /// AR-REC-RATE parts of [start, end].
    case collectionRate = "COLLECTION_RATE"
    /// AR-FCST parts at the as-of date `end` (`start` = `end`).
    case forecast = "FORECAST"
    /// Receivables flow parts over the DSO window (the firm's `dso_window_days`) ending at `end`
    /// (`start` = `end`): what the per-collaborator and per-axis lines of the level-1 sections
    /// read instead of the window's daily rows.
    case windowFlow = "WINDOW_FLOW"
}

/// Period-dependent parts of a client group (not sums of days).
public struct RollupPeriod: Codable, Sendable, Hashable {
    /// What the parts are.
    public var kind: RollupPeriodKind
    /// First day of the period.
    public var start: CalendarDate
    /// Last day of the period (the as-of date of a forecast).
    public var end: CalendarDate
    /// The parts.
    public var parts: Data

    /// Creates a value.
    public init(kind: RollupPeriodKind, start: CalendarDate, end: CalendarDate, parts: Data) {
        self.kind = kind
        self.start = start
        self.end = end
        self.parts = parts
    }
}

/// One deal's contribution to the prospects dashboard of its fiscal year at one as-of date.
public struct RollupProspect: Codable, Sendable, Hashable {
    /// Statuses are taken at the end of this day.
    public var asOf: CalendarDate
    /// Deal id.
    public var deal: String
    /// The deal's organisation unit.
    public var organisationUnit: String?
    /// The deal's team members (visibility).
    public var team: [String]
    /// The deal's counts and fees.
    public var parts: Data
    /// The prospect's name (level-3 deal rows).
    public var prospectName: String?
    /// Signatory of the deal's signed (else latest) offer at `as_of` (level-3 deal rows).
    public var signatory: String?

    /// Creates a value.
    public init(
        asOf: CalendarDate,
        deal: String,
        organisationUnit: String?,
        team: [String],
        parts: Data,
        prospectName: String? = nil,
        signatory: String? = nil
    ) {
        self.asOf = asOf
        self.deal = deal
        self.organisationUnit = organisationUnit
        self.team = team
        self.parts = parts
        self.prospectName = prospectName
        self.signatory = signatory
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of"
        case deal
        case organisationUnit = "organisation_unit"
        case team, parts
        case prospectName = "prospect_name"
        case signatory
    }
}

/// One offer document of a deal of a prospects partition as of a day (level-3 `documents`
/// view of the prospects dashboard): stored beside the deal rows so the table never reads raw
/// offers.
public struct RollupProspectDocument: Codable, Sendable, Hashable {
    /// Statuses are taken at the end of this day.
    public var asOf: CalendarDate
    /// Offer id.
    public var offer: String
    /// Deal id.
    public var deal: String
    /// Document type.
    public var type: String
    /// Template.
    public var template: String?
    /// Status at `as_of` (`DRAFT`, `SENT`, `SIGNED`, `REFUSED`); absent before its first change.
    public var status: String?
    /// Recurring fees HT, cents.
    public var feesRecurring: Int64
    /// Exceptional fees HT, cents.
    public var feesExceptional: Int64
    /// First day it was sent, if on or before `as_of`.
    public var sentOn: CalendarDate?
    /// First day it was signed, if on or before `as_of`.
    public var signedOn: CalendarDate?
    /// Day of its latest status change on or before `as_of`.
    public var statusOn: CalendarDate?

    /// Creates a value.
    public init(
        asOf: CalendarDate,
        offer: String,
        deal: String,
        type: String,
        template: String?,
        status: String?,
        feesRecurring: Int64,
        feesExceptional: Int64,
        sentOn: CalendarDate?,
        signedOn: CalendarDate?,
        statusOn: CalendarDate?
    ) {
        self.asOf = asOf
        self.offer = offer
        self.deal = deal
        self.type = type
        self.template = template
        self.status = status
        self.feesRecurring = feesRecurring
        self.feesExceptional = feesExceptional
        self.sentOn = sentOn
        self.signedOn = signedOn
        self.statusOn = statusOn
    }

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of"
        case offer, deal, type, template, status
        case feesRecurring = "fees_recurring"
        case feesExceptional = "fees_exceptional"
        case sentOn = "sent_on"
        case signedOn = "signed_on"
        case statusOn = "status_on"
    }
}

/// Every row of one partition (a partition may span several chunks: rows add up).
public struct PartitionRollup: Codable, Sendable, Hashable {
    /// Partition key.
    public var key: String
    /// Day rows (client group).
    public var days: [RollupDay]
    /// Month rows (client group).
    public var months: [RollupMonth]
    /// Period rows (client group).
    public var periods: [RollupPeriod]
    /// Deal rows (prospects).
    public var prospects: [RollupProspect]
    /// Per-client rows (client group): at the month's last day and every day of the current
    /// month (tenant schema v3, level-3 tables); absent from older workers.
    public var clients: [RollupClient]?
    /// Offer document rows (prospects); optional so that a commit from an older worker decodes.
    public var prospectDocuments: [RollupProspectDocument]?

    /// Creates a value.
    public init(
        key: String,
        days: [RollupDay] = [],
        months: [RollupMonth] = [],
        periods: [RollupPeriod] = [],
        prospects: [RollupProspect] = [],
        clients: [RollupClient]? = nil,
        prospectDocuments: [RollupProspectDocument]? = nil
    ) {
        self.key = key
        self.days = days
        self.months = months
        self.periods = periods
        self.prospects = prospects
        self.clients = clients
        self.prospectDocuments = prospectDocuments
    }

    /// Number of rows.
    public var rowCount: Int {
        self.days.count + self.months.count + self.periods.count + self.prospects.count + (self.clients?.count ?? 0)
            + (self.prospectDocuments?.count ?? 0)
    }
}

/// One client of a client-group partition at one day: its own receivables and practice parts
/// (compact Wire values of `Rollups.ClientReceivablesParts` and `Rollups.ClientPracticeParts`).
public struct RollupClient: Codable, Sendable, Hashable {
    /// Client id.
    public var client: String
    /// The day.
    public var day: CalendarDate
    /// Receivables parts of the client at the day.
    public var receivables: Data
    /// Practice parts of the client at the day.
    public var practice: Data

    /// Creates a value.
    public init(client: String, day: CalendarDate, receivables: Data, practice: Data) {
        self.client = client
        self.day = day
        self.receivables = receivables
        self.practice = practice
    }
}

/// The first chunk of a commit: who commits what, computed under which settings and date.
public struct CommitHeader: Codable, Sendable, Hashable {
    /// The holder.
    public var workerID: String
    /// The firm.
    public var firmID: String
    /// Every partition of the batch, as leased (the dirty sequence and generation the lease saw
    /// decide whether the commit clears the dirty mark).
    public var partitions: [LeasedPartition]
    /// The fingerprint received in ``FactsHeader``.
    public var settingsFingerprint: String
    /// The business date the rollups were computed for (``FactsHeader/today``).
    public var today: CalendarDate

    /// Creates a value.
    public init(workerID: String, firmID: String, partitions: [LeasedPartition], settingsFingerprint: String, today: CalendarDate) {
        self.workerID = workerID
        self.firmID = firmID
        self.partitions = partitions
        self.settingsFingerprint = settingsFingerprint
        self.today = today
    }

    enum CodingKeys: String, CodingKey {
        case workerID = "worker_id"
        case firmID = "firm_id"
        case partitions
        case settingsFingerprint = "settings_fingerprint"
        case today
    }
}

/// One message of a commit stream.
public struct CommitChunk: Codable, Sendable, Hashable {
    /// First message only.
    public var header: CommitHeader?
    /// Rows of some partitions of the batch.
    public var rollups: [PartitionRollup]

    /// Creates a value.
    public init(header: CommitHeader? = nil, rollups: [PartitionRollup] = []) {
        self.header = header
        self.rollups = rollups
    }
}

/// The answer to ``WorkerMethods/commit``.
public struct CommitReply: Codable, Sendable, Hashable {
    /// Partitions published and no longer dirty.
    public var published: [String]
    /// Partitions published but dirtied again meanwhile: they will be leased again.
    public var stillDirty: [String]
    /// Rows written.
    public var rows: Int

    /// Creates a value.
    public init(published: [String], stillDirty: [String], rows: Int) {
        self.published = published
        self.stillDirty = stillDirty
        self.rows = rows
    }

    enum CodingKeys: String, CodingKey {
        case published
        case stillDirty = "still_dirty"
        case rows
    }
}

/// Gives a batch back.
public struct ReleaseRequest: Codable, Sendable, Hashable {
    /// The holder.
    public var workerID: String
    /// The firm.
    public var firmID: String
    /// The leased partitions.
    public var partitions: [PartitionLeaseReference]

    /// Creates a request.
    public init(workerID: String, firmID: String, partitions: [PartitionLeaseReference]) {
        self.workerID = workerID
        self.firmID = firmID
        self.partitions = partitions
    }

    enum CodingKeys: String, CodingKey {
        case workerID = "worker_id"
        case firmID = "firm_id"
        case partitions
    }
}

/// The answer to ``WorkerMethods/release``.
public struct ReleaseReply: Codable, Sendable, Hashable {
    /// Leases given back (those already lost are not counted).
    public var released: Int

    /// Creates a value.
    public init(released: Int) {
        self.released = released
    }
}
