extension Catalog {
    /// The schema history of `catalog.sqlite`. Append new migrations; never edit released ones.
    ///
    /// Instants are INTEGER milliseconds since the Unix epoch (see ``SQLiteBindable``).
    public static let migrations = MigrationList([
        Migration(
            version: 1,
            name: "firms, credentials, worker leases",
            sql: """
                CREATE TABLE firms (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL CHECK (length(name) > 0),
                    created_at INTEGER NOT NULL,
                    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
                    placement TEXT,
                    last_ingestion_at INTEGER
                ) STRICT;

                -- One row per API key. Only the SHA-256 of the 32-byte secret is stored.
                CREATE TABLE credentials (
                    key_id TEXT PRIMARY KEY NOT NULL,
                    secret_sha256 BLOB NOT NULL CHECK (length(secret_sha256) = 32),
                    kind TEXT NOT NULL CHECK (kind IN ('backOffice', 'worker', 'operator')),
                    label TEXT NOT NULL,
                    acting_user TEXT,
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER
                ) STRICT;

                -- The firms a back-office credential may reach.
                CREATE TABLE credential_firms (
                    key_id TEXT NOT NULL REFERENCES credentials(key_id) ON DELETE CASCADE,
                    firm_id TEXT NOT NULL REFERENCES firms(id) ON DELETE CASCADE,
                    PRIMARY KEY (key_id, firm_id)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX credential_firms_by_firm ON credential_firms(firm_id);

                -- One row per rollup partition ever leased. The fencing token only grows, also
                -- across releases, so a stale holder is recognisable forever.
                CREATE TABLE worker_leases (
                    firm_id TEXT NOT NULL REFERENCES firms(id) ON DELETE CASCADE,
                    partition_key TEXT NOT NULL,
                    fencing_token INTEGER NOT NULL CHECK (fencing_token > 0),
                    holder TEXT,
                    acquired_at INTEGER,
                    expires_at INTEGER,
                    PRIMARY KEY (firm_id, partition_key),
                    CHECK ((holder IS NULL) = (expires_at IS NULL))
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX worker_leases_by_expiry ON worker_leases(expires_at) WHERE holder IS NOT NULL;
                """
        ),
        Migration(
            version: 2,
            name: "held leases by firm",
            sql: """
                -- `worker_leases` keeps a row per partition ever leased (tens of thousands for a
                -- large firm), but only the held ones matter to `heldPartitions`, which every
                -- lease and status call runs: without this index it read all of the firm's rows.
                CREATE INDEX worker_leases_held_by_firm ON worker_leases(firm_id, expires_at) WHERE holder IS NOT NULL;
                """
        ),
    ])
}
