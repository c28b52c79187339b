#!/usr/bin/env bash
# Online backup of a Pilotage data directory: the catalog and every firm file, consistent per
# file, while the gateway runs (SQLite's online backup API through the sqlite3 shell reads a
# snapshot; WAL writers are not blocked). Rollups need no backup: workers rebuild them.
#
#   deploy/backup.sh /var/lib/pilotage /backups/pilotage-$(date +%F)
#
# Restore: stop the gateway, copy the backup directory over the data directory (without the
# -wal/-shm files), start the gateway; then mark rollups dirty or let the workers catch up.
set -euo pipefail
source_dir="${1:?usage: backup.sh DATA_DIR BACKUP_DIR}"
target_dir="${2:?usage: backup.sh DATA_DIR BACKUP_DIR}"
command -v sqlite3 >/dev/null || { echo "backup.sh: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }
mkdir -p "$target_dir/tenants"
chmod 700 "$target_dir"
count=0
backup() {
    sqlite3 "file:$1?mode=ro" ".backup '$2'"
    [ "$(sqlite3 "$2" 'PRAGMA integrity_check;')" = ok ] || { echo "backup.sh: integrity check failed for $2" >&2; exit 1; }
}
backup "$source_dir/catalog.sqlite" "$target_dir/catalog.sqlite"
for file in "$source_dir"/tenants/*.sqlite; do
    [ -e "$file" ] || continue
    backup "$file" "$target_dir/tenants/$(basename "$file")"
    count=$((count + 1))
done
echo "backed up the catalog and $count firm file(s) to $target_dir"
