public import PilotageProtocol
public import Wire

/// A client's share of its group's rows (``GroupRollupCalculator/ClientShare``) kept with its
/// records between batches (``KeyedClientRecords/memo``), with everything it was computed from
/// besides the records. A later batch over the same group reuses it for a client whose records
/// did not change (applying changes to the records drops the memo) when the inputs are equal.
///
/// In a batch of new rows spread over many clients, most clients of the dirtied groups did not
/// change: each group is recomputed from the day of its changes, but only its changed clients
/// are mapped and computed again.
public struct ClientShareMemo: Sendable {
    /// What a share depends on besides the client's records.
    public struct Inputs: Sendable, Hashable {
        /// The firm settings, whole: they shape the facts (the time zone) and the parts (the
        /// DSO window and more than `KPISettings.partsFingerprint` sums up).
        public var settings: FirmSettingsRecord?
        /// The firm's business date.
        public var today: CalendarDate
        /// The firm's first data date.
        public var firstDataDate: CalendarDate?
        /// The day the batch's records end at.
        public var through: CalendarDate
        /// The group's partitions (keys, months and first days).
        public var targets: [GroupRollupCalculator.Target]

        /// Creates a value.
        public init(
            settings: FirmSettingsRecord?,
            today: CalendarDate,
            firstDataDate: CalendarDate?,
            through: CalendarDate,
            targets: [GroupRollupCalculator.Target]
        ) {
            self.settings = settings
            self.today = today
            self.firstDataDate = firstDataDate
            self.through = through
            self.targets = targets
        }
    }

    /// What the share was computed from.
    public var inputs: Inputs
    /// The share.
    public var share: GroupRollupCalculator.ClientShare

    /// Creates a value.
    public init(inputs: Inputs, share: GroupRollupCalculator.ClientShare) {
        self.inputs = inputs
        self.share = share
    }
}
