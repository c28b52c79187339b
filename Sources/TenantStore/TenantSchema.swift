public import Storage

/// The schema of a firm's file `tenants/<firm>.sqlite`, as an ordered migration list.
///
/// Version 1:
/// - `records`: every ingested record, keyed by (kind, external id), with its owning client,
///   its canonical wire encoding (equal content ⇔ equal bytes, which makes re-sends no-ops) and
///   the earliest business date it carries (rollups from that day on depend on it).
/// - `record_references`: who points at whom, for deletions and allocation sums.
/// - `client_groups` / `client_group_members`: clients sharing one filter profile (office,
///   bookkeeping mode, frequency, deactivated, set of assigned collaborators). Rollups are
///   stored per group, so any filter combination is a union of whole groups and a client
///   reached through several collaborators is counted once.
/// - `ingestions`: one row per committed batch; its sequence is the freshness watermark unit.
/// - `dirty_partitions`: rollup partitions to recompute, with the sequence that dirtied them.
///
/// Version 2 (rollups, written and read by the `RollupStore` module):
/// - `dirty_partitions.generation`: bumped by the daily roll-over, which re-dirties partitions
///   without an ingestion; a commit clears a dirty mark only when both its sequence and its
///   generation are still those the worker's lease saw. `dirty_partitions.dirty_from`: the
///   first day whose rows changed (NULL: the whole partition); a worker recomputes the days
///   from it and keeps the earlier rows of the month. Index by age (`dirtied_at`), and an
///   index of client records by `first_date` (the firm's first data date is read by every
///   rollup request).
/// - `rollup_days`: per client group and day, snapshot parts at the end of the day and the
///   day's flow parts (receivables and practice), as compact Wire-encoded blobs.
/// - `rollup_months`: per client group and month, the sum of the month's daily flows.
/// - `rollup_periods`: per client group, parts that depend on a whole period (AR-REC-RATE of a
///   month to date, AR-FCST at an as-of date).
/// - `rollup_prospects`: per fiscal year, as-of date and deal, the deal's prospects counts.
/// - `partition_state`: per partition, what was published last (ingestion sequence, instant,
///   settings fingerprint, fencing token, business date it was computed for).
///
/// Version 3 (level-3 tables):
/// - `rollup_clients`: per client group, day and client, the client's own receivables and
///   practice parts, at each month end and at every day of the current month; written by the
///   worker in the same commit (and replaced under the same rules) as the group's day rows.
///
/// Version 4 (prospects level 3, ``prospectDocumentsMigration(version:)``):
/// - `rollup_prospects` gains the deal's prospect name and signatory.
/// - `rollup_prospect_documents`: per fiscal year, as-of date and offer document, its type,
///   template, status, fees and dates (the prospects dashboard's `documents` table).
///
/// Version 5 (collection supervisor, written by the gateway's supervisor service):
/// - `supervisor_requests`: one row per `Record`/`Print` request id, with the actor, a digest of
///   the request and the encoded reply, written in the same transaction as the request's
///   collection events; a retried request returns the stored reply and writes nothing.
/// - An index of records by `sequence`: which clients changed since an ingestion (the
///   supervisor's cache of today's items is updated client by client).
///
/// Version 6 (slice rollups, written with the group rows by the `RollupStore` module):
/// - `rollup_slices`: the slices (fixed unions of active client groups: the whole firm, each
///   office, bookkeeping mode, frequency and collaborator; see `Rollups.RollupSlices`) by id.
/// - `slice_days`, `slice_months`, `slice_periods`: per slice, the sum of its groups' receivables
///   rows of `rollup_days`, `rollup_months` and `rollup_periods`, with the number of group rows
///   summed (`contributors`; a slice row exists exactly when one of its groups has the row). A
///   commit adds to them what it changes in its groups' rows, in the same transaction.
/// - Upgrading an older file empties the group rollup rows and marks every client-group
///   partition dirty from its first day, so that slices and groups are rebuilt together by the
///   workers (answers report the pending partitions meanwhile).
/// - `partition_state_group_fingerprints`: the client-group partitions by settings fingerprint,
///   so that checking that a whole firm's rollups share one fingerprint (every dashboard answer
///   does) is two index lookups.
///
/// Version 7 (more slices, same tables): deactivated groups get slices of their own (the same
/// keys prefixed with `deactivated:`), and the pairs the dashboards combine get theirs (office or
/// collaborator with mode or frequency, mode with frequency). Upgrading empties the slices and
/// the group rollup rows and marks every client-group partition dirty from its first day, as
/// version 6 did, so that the workers rebuild both together.
///
/// Version 8 (records stored by client): `records` is rewritten with the primary key
/// `(owner, kind, id)`, where `owner` is the owning client (`''` for firm-level records, whose
/// `client` stays NULL), so that a client's records — the facts stream of every worker batch,
/// verification mode, the supervisor's client view — are one range of the table instead of an
/// index scan with a look-up per record; `(kind, id)` stays unique (`records_by_key`, the
/// identity that ingestion upserts by). Upgrading copies the table once; no rollup changes.
///
/// Version 9 (record caches of the workers): `record_removals`, one row per record that left a
/// client at an ingestion — deleted, or re-sent under another client — keyed by the ingestion's
/// sequence, so that the changes of a set of clients since a sequence are two index ranges
/// (`records_by_sequence` for what was added or changed, this table for what left). Rows are
/// kept: a removal is rare and small. Records that left before version 9 have no row, and need
/// none: worker caches are filled from keyed facts streams, which gateways send from version 9
/// on (a worker talking to an older gateway refuses its streams: upgrade gateways first).
///
/// Version 10 (practice slices): `slice_days` gains `practice_snapshot` and `practice_flow`, and
/// `slice_months` `practice_flow` — the sums of the groups' practice rows, kept by the commit as
/// the receivables ones are (the earliest regularity-period start, a minimum, is not kept:
/// readers derive it from the selected groups' frequencies). `rollup_commits` counts the commits
/// that published rollups, so that what readers derive from the group rows (the first day of
/// each group's rows) can be cached until the next commit. Upgrading empties the slices and the
/// group rollup rows and marks every client-group partition dirty from its first day, as
/// versions 6 and 7 did.
///
/// Version 11 (first days): `rollup_commits.first_day_changes` counts the commits that changed
/// the first day of some group's rows (a group's first publication, its rows recomputed from an
/// earlier first activity of one of its clients). Most commits (today's rows of groups already
/// published) change none, so what gateways derive from the first days stays cached across them.
///
/// Version 12 (groups changes): `groups_changes.sequence` is the last ingestion that changed
/// the client groups' members (a client added, moved to another profile or deleted) or a
/// collaborator. Gateways keep what they derive from the groups (slices, filter axes, names,
/// selection plans) until it moves, instead of until the next ingestion of any record. Upgraded
/// files start at their last ingestion.
///
/// Version 13 (each client's changes): `records_by_owner_sequence` and
/// `record_removals_by_owner`, so that what changed for a client since a sequence (the facts
/// stream of a worker that holds the client's records) is two index ranges of that client,
/// whatever else changed in the firm meanwhile. Before, it was a scan of every change of the
/// firm since the oldest version the worker held of the batch's clients: tens of thousands of
/// index rows per batch on a large firm ingesting steadily. Upgrading builds the two indexes
/// (seconds for millions of records).
public enum TenantSchema {
    /// Marks every client-group partition dirty from its first day and empties the group rollup
    /// rows, so that the workers rebuild the group rows and the slices together (versions 6, 7
    /// and 10, which change what the slices hold).
    static let rebuildGroupRollups = """
        INSERT INTO dirty_partitions (partition_key, dirty_sequence, first_dirty_sequence, dirtied_at, dirty_from)
        SELECT partition_key, coalesce((SELECT max(sequence) FROM ingestions), 0), 1,
               strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), NULL
        FROM partition_state WHERE partition_key >= 'g' AND partition_key < 'h'
        ON CONFLICT (partition_key) DO UPDATE SET first_dirty_sequence = 1, dirty_from = NULL;
        DELETE FROM rollup_days;
        DELETE FROM rollup_months;
        DELETE FROM rollup_periods;
        DELETE FROM rollup_clients;
        """

    /// Version 8's re-layout of `records` by owning client. It reads only the columns both
    /// layouts share, so it also runs on a file already laid out this way (the upgrade tests
    /// give files of older versions the current layout with it, so that today's writers can
    /// fill them).
    public static let recordsByOwner = """
        CREATE TABLE records_by_owner (
            owner TEXT NOT NULL,
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            client TEXT,
            payload BLOB NOT NULL,
            first_date INTEGER,
            sequence INTEGER NOT NULL,
            PRIMARY KEY (owner, kind, id)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO records_by_owner (owner, kind, id, client, payload, first_date, sequence)
        SELECT coalesce(client, ''), kind, id, client, payload, first_date, sequence FROM records ORDER BY 1, 2, 3;
        DROP TABLE records;
        ALTER TABLE records_by_owner RENAME TO records;
        CREATE UNIQUE INDEX records_by_key ON records (kind, id);
        CREATE INDEX records_by_first_date ON records (first_date) WHERE client IS NOT NULL;
        CREATE INDEX records_by_sequence ON records (sequence);
        """

    /// Every migration of the tenant schema, oldest first.
    public static let migrations = MigrationList([
        Migration(
            version: 1,
            name: "records, references, client groups, ingestions, dirty partitions",
            sql: """
                CREATE TABLE records (
                    kind TEXT NOT NULL,
                    id TEXT NOT NULL,
                    client TEXT,
                    payload BLOB NOT NULL,
                    first_date INTEGER,
                    sequence INTEGER NOT NULL,
                    PRIMARY KEY (kind, id)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX records_by_client ON records (client, kind) WHERE client IS NOT NULL;

                CREATE TABLE record_references (
                    to_kind TEXT NOT NULL,
                    to_id TEXT NOT NULL,
                    from_kind TEXT NOT NULL,
                    from_id TEXT NOT NULL,
                    field TEXT NOT NULL,
                    PRIMARY KEY (to_kind, to_id, from_kind, from_id, field)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX record_references_from ON record_references (from_kind, from_id);

                CREATE TABLE client_groups (
                    group_id INTEGER PRIMARY KEY,
                    profile TEXT NOT NULL UNIQUE,
                    office TEXT,
                    bookkeeping_mode TEXT NOT NULL,
                    frequency TEXT,
                    deactivated INTEGER NOT NULL,
                    collaborators TEXT NOT NULL
                ) STRICT;
                CREATE TABLE client_group_members (
                    client TEXT PRIMARY KEY,
                    group_id INTEGER NOT NULL REFERENCES client_groups (group_id)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX client_group_members_by_group ON client_group_members (group_id);

                CREATE TABLE ingestions (
                    sequence INTEGER PRIMARY KEY,
                    committed_at TEXT NOT NULL,
                    source TEXT,
                    received INTEGER NOT NULL,
                    landed INTEGER NOT NULL,
                    unchanged INTEGER NOT NULL,
                    deleted INTEGER NOT NULL,
                    rejected INTEGER NOT NULL
                ) STRICT;

                CREATE TABLE dirty_partitions (
                    partition_key TEXT PRIMARY KEY,
                    dirty_sequence INTEGER NOT NULL,
                    first_dirty_sequence INTEGER NOT NULL,
                    dirtied_at TEXT NOT NULL
                ) STRICT, WITHOUT ROWID;
                """
        ),
        Migration(
            version: 2,
            name: "rollup tables, partition state, dirty generation",
            sql: """
                ALTER TABLE dirty_partitions ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE dirty_partitions ADD COLUMN dirty_from INTEGER;
                CREATE INDEX dirty_partitions_by_age ON dirty_partitions (dirtied_at, partition_key);
                CREATE INDEX records_by_first_date ON records (first_date) WHERE client IS NOT NULL;

                CREATE TABLE rollup_days (
                    group_id INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    receivables_snapshot BLOB NOT NULL,
                    receivables_flow BLOB,
                    practice_snapshot BLOB NOT NULL,
                    practice_flow BLOB,
                    PRIMARY KEY (group_id, day)
                ) STRICT, WITHOUT ROWID;

                CREATE TABLE rollup_months (
                    group_id INTEGER NOT NULL,
                    month INTEGER NOT NULL,
                    receivables_flow BLOB NOT NULL,
                    practice_flow BLOB NOT NULL,
                    PRIMARY KEY (group_id, month)
                ) STRICT, WITHOUT ROWID;

                CREATE TABLE rollup_periods (
                    group_id INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    start_day INTEGER NOT NULL,
                    end_day INTEGER NOT NULL,
                    parts BLOB NOT NULL,
                    PRIMARY KEY (group_id, kind, start_day, end_day)
                ) STRICT, WITHOUT ROWID;

                CREATE TABLE rollup_prospects (
                    fiscal_year INTEGER NOT NULL,
                    as_of INTEGER NOT NULL,
                    deal TEXT NOT NULL,
                    organisation_unit TEXT,
                    team TEXT NOT NULL,
                    parts BLOB NOT NULL,
                    PRIMARY KEY (fiscal_year, as_of, deal)
                ) STRICT, WITHOUT ROWID;

                CREATE TABLE partition_state (
                    partition_key TEXT PRIMARY KEY,
                    published_sequence INTEGER NOT NULL,
                    published_at INTEGER NOT NULL,
                    fingerprint TEXT NOT NULL,
                    fencing_token INTEGER NOT NULL,
                    computed_for INTEGER NOT NULL,
                    row_count INTEGER NOT NULL
                ) STRICT, WITHOUT ROWID;
                """
        ),
        Migration(
            version: 3,
            name: "per-client rollup rows for level-3 tables",
            sql: """
                CREATE TABLE rollup_clients (
                    group_id INTEGER NOT NULL,
                    client TEXT NOT NULL,
                    day INTEGER NOT NULL,
                    receivables BLOB NOT NULL,
                    practice BLOB NOT NULL,
                    PRIMARY KEY (group_id, day, client)
                ) STRICT, WITHOUT ROWID;
                """
        ),
        Self.prospectDocumentsMigration(version: 4),
        Migration(
            version: 5,
            name: "supervisor requests (idempotency of recorded actions), records by sequence",
            sql: """
                CREATE TABLE supervisor_requests (
                    request_id TEXT PRIMARY KEY,
                    method TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    reply BLOB NOT NULL,
                    sequence INTEGER NOT NULL,
                    recorded_at TEXT NOT NULL
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX records_by_sequence ON records (sequence);
                """
        ),
        Migration(
            version: 6,
            name: "slice rollups (pre-merged receivables parts of the firm, offices, modes, frequencies, collaborators)",
            sql: """
                CREATE TABLE rollup_slices (
                    slice_id INTEGER PRIMARY KEY,
                    slice_key TEXT NOT NULL UNIQUE
                ) STRICT;

                CREATE TABLE slice_days (
                    slice_id INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    receivables_snapshot BLOB NOT NULL,
                    receivables_flow BLOB NOT NULL,
                    contributors INTEGER NOT NULL,
                    PRIMARY KEY (slice_id, day)
                ) STRICT, WITHOUT ROWID;

                CREATE TABLE slice_months (
                    slice_id INTEGER NOT NULL,
                    month INTEGER NOT NULL,
                    receivables_flow BLOB NOT NULL,
                    contributors INTEGER NOT NULL,
                    PRIMARY KEY (slice_id, month)
                ) STRICT, WITHOUT ROWID;

                CREATE TABLE slice_periods (
                    slice_id INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    start_day INTEGER NOT NULL,
                    end_day INTEGER NOT NULL,
                    parts BLOB NOT NULL,
                    contributors INTEGER NOT NULL,
                    PRIMARY KEY (slice_id, kind, start_day, end_day)
                ) STRICT, WITHOUT ROWID;

                \(Self.rebuildGroupRollups)
                CREATE INDEX partition_state_group_fingerprints ON partition_state (fingerprint)
                    WHERE partition_key >= 'g' AND partition_key < 'h';
                """
        ),
        Migration(
            version: 7,
            name: "slices of deactivated groups and of dimension pairs (rebuilt with the group rollups)",
            sql: """
                \(Self.rebuildGroupRollups)
                DELETE FROM slice_days;
                DELETE FROM slice_months;
                DELETE FROM slice_periods;
                DELETE FROM rollup_slices;
                """
        ),
        Migration(version: 8, name: "records stored by owning client (primary key owner, kind, id)", sql: Self.recordsByOwner),
        Migration(
            version: 9,
            name: "record removals (what left each client, for the workers' record caches)",
            sql: """
                CREATE TABLE record_removals (
                    sequence INTEGER NOT NULL,
                    owner TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    id TEXT NOT NULL,
                    PRIMARY KEY (sequence, owner, kind, id)
                ) STRICT, WITHOUT ROWID;
                """
        ),
        Migration(
            version: 10,
            name: "practice parts in the slices, and a count of rollup commits (rebuilt with the group rollups)",
            sql: """
                ALTER TABLE slice_days ADD COLUMN practice_snapshot BLOB;
                ALTER TABLE slice_days ADD COLUMN practice_flow BLOB;
                ALTER TABLE slice_months ADD COLUMN practice_flow BLOB;
                CREATE TABLE rollup_commits (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    commits INTEGER NOT NULL
                ) STRICT;
                INSERT INTO rollup_commits (singleton, commits) VALUES (1, 0);
                \(Self.rebuildGroupRollups)
                DELETE FROM slice_days;
                DELETE FROM slice_months;
                DELETE FROM slice_periods;
                DELETE FROM rollup_slices;
                """
        ),
        Migration(
            version: 11,
            name: "a count of the rollup commits that changed a group's first day",
            sql: "ALTER TABLE rollup_commits ADD COLUMN first_day_changes INTEGER NOT NULL DEFAULT 0;"
        ),
        Migration(
            version: 12,
            name: "the last ingestion that changed the client groups or a collaborator",
            sql: """
                CREATE TABLE groups_changes (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    sequence INTEGER NOT NULL
                ) STRICT;
                INSERT INTO groups_changes (singleton, sequence) VALUES (1, coalesce((SELECT max(sequence) FROM ingestions), 0));
                """
        ),
        Migration(
            version: 13,
            name: "each client's changes by sequence (records and removals)",
            sql: """
                CREATE INDEX records_by_owner_sequence ON records (owner, sequence);
                CREATE INDEX record_removals_by_owner ON record_removals (owner, sequence);
                """
        ),
    ])

    /// The prospects dashboard's level-3 rows (kept in a function of its own so that its version
    /// can be renumbered when migrations of parallel work are merged): the prospect name and
    /// signatory of each deal row, and `rollup_prospect_documents`, one row per offer document
    /// of a prospects partition (fiscal year, as-of day, offer) with its type, template, status,
    /// fees and dates. Rows written before it have no name, signatory or documents until their
    /// partition is next computed (the daily roll-over recomputes the current and previous
    /// fiscal years).
    static func prospectDocumentsMigration(version: Int) -> Migration {
        Migration(
            version: version,
            name: "prospects level 3: deal names and signatories, offer document rows",
            sql: """
                ALTER TABLE rollup_prospects ADD COLUMN prospect_name TEXT;
                ALTER TABLE rollup_prospects ADD COLUMN signatory TEXT;

                CREATE TABLE rollup_prospect_documents (
                    fiscal_year INTEGER NOT NULL,
                    as_of INTEGER NOT NULL,
                    offer TEXT NOT NULL,
                    deal TEXT NOT NULL,
                    type TEXT NOT NULL,
                    template TEXT,
                    status TEXT,
                    fees_recurring INTEGER NOT NULL,
                    fees_exceptional INTEGER NOT NULL,
                    sent_on INTEGER,
                    signed_on INTEGER,
                    status_on INTEGER,
                    PRIMARY KEY (fiscal_year, as_of, offer)
                ) STRICT, WITHOUT ROWID;
                """
        )
    }
}
