#!/bin/sh
# A dated backup with `contest backup`, checked with `contest backup --verify`, then the
# oldest ones beyond KEEP_DAILY removed. Run by contest-backup.service; any failure exits
# non-zero (the unit fails: see `systemctl --failed` and the journal).
set -eu
BACKUP_ROOT=${BACKUP_ROOT:-/srv/contest/backups}
KEEP_DAILY=${KEEP_DAILY:-14}
CONTEST=${CONTEST:-/srv/contest/venv/bin/contest}

mkdir -p "$BACKUP_ROOT"
target="$BACKUP_ROOT/contest-$(date -u +%Y%m%dT%H%M%SZ)"
"$CONTEST" backup "$target"
"$CONTEST" backup --verify "$target"
# Keep the newest KEEP_DAILY complete backups (those with a manifest); remove the rest and
# any folder left without a manifest by a failed run.
ls -1d "$BACKUP_ROOT"/contest-* 2>/dev/null | sort -r | while read -r folder; do
    if [ ! -f "$folder/manifest.json" ]; then
        [ "$folder" = "$target" ] || rm -rf "$folder"
        continue
    fi
    KEEP_DAILY=$((KEEP_DAILY - 1))
    if [ "$KEEP_DAILY" -lt 0 ]; then
        rm -rf "$folder"
    fi
done
