#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H

#include <sqlite3.h>

/// `SQLITE_TRANSIENT` is a macro over a function-pointer cast that Swift cannot import.
static inline sqlite3_destructor_type csqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

/// `sqlite3_db_config` is variadic; this wraps the integer on/off form.
static inline int csqlite_db_config_int(sqlite3 *db, int op, int value, int *result) {
    return sqlite3_db_config(db, op, value, result);
}

/// The WAL hook of `csqlite_track_wal_frames`: stores the WAL's frame count after a commit.
static inline int csqlite_record_wal_frames(void *frames, sqlite3 *db, const char *schema, int count) {
    (void)db;
    (void)schema;
    *(int *)frames = count;
    return SQLITE_OK;
}

/// Makes every commit of `db` store the number of frames then in its WAL into `*frames`
/// (`sqlite3_wal_hook`). This replaces SQLite's automatic checkpoints, which use the same hook:
/// the connection's owner checkpoints.
static inline void csqlite_track_wal_frames(sqlite3 *db, int *frames) {
    sqlite3_wal_hook(db, csqlite_record_wal_frames, frames);
}

#endif
