"""``contest restore DIR``: put a backup (:mod:`contest.ops.backup`) back in place.

In this order, so that a refusal or a failure before step 4 changes nothing:

1. every file of the backup is checked against the manifest (a damaged backup is refused);
2. the backup's dialect must be the target's (a PostgreSQL dump does not load into SQLite);
3. the target database must hold no rows (the migrations' version table aside) unless
   ``force``;
4. the stored files are staged in the storage's spool folder (same filesystem: the disk is
   known to have room), the database is replaced in one step (PostgreSQL: one transaction;
   SQLite: one rename), then the staged files are renamed into place;
5. PostgreSQL: ``ANALYZE`` (a dump carries no planner statistics: without it the first
   queries after a restore can pick bad plans); the restored row counts are compared with
   the manifest's.

Files already in the upload folder that the backup does not hold are left alone and counted
(``extra_files``): with ``--force`` over a live installation they are orphans to look at.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from . import database
from .backup import FILES, BackupError, Manifest, local_root, stored_keys, verify_backup


class RestoreRefused(BackupError):
    """The target is not empty and ``force`` was not given (nothing was changed)."""


@dataclass
class RestoreReport:
    """What a restore put back."""

    manifest: Manifest
    tables: int
    rows: int
    files: int
    bytes: int
    row_counts: dict[str, int]
    extra_files: int = 0
    revision_note: str | None = None
    mismatches: list[str] = field(default_factory=list)


def restore_backup(folder: Path, *, engine: Engine, storage, force: bool = False) -> RestoreReport:
    """Restore the backup in ``folder`` into ``engine``'s database and ``storage``."""
    folder = Path(folder)
    manifest = verify_backup(folder)
    url = engine.url
    dialect = database.dialect_of(url)
    if dialect != manifest.dialect:
        raise BackupError(
            f"the backup is of a {manifest.dialect} database; this installation uses {dialect}"
        )
    root = local_root(storage)
    if dialect == "postgresql":
        database.check_pg_tools(engine)
    before = database.live_facts(engine)
    if not force and not database.is_empty(before):
        busy = [
            f"{table}: {n}"
            for table, n in sorted(before["row_counts"].items())
            if n and table != database.VERSION_TABLE
        ]
        raise RestoreRefused("the database is not empty (use --force to replace it)", busy)

    keys = manifest.stored_keys
    staging = root / ".incoming" / f"restore-{secrets.token_hex(8)}"
    try:
        for key in keys:
            staged = staging / key
            staged.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / FILES / key, staged)
        engine.dispose()
        db_file = folder / manifest.database_file
        if dialect == "postgresql":
            database.restore_postgresql(url, db_file)
        else:
            database.restore_sqlite(url, db_file)
        engine.dispose()
        for key in keys:
            final = root / key
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / key, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    if dialect == "postgresql":
        database.analyze(engine)  # a restore brings no planner statistics
    after = database.live_facts(engine)
    mismatches = [
        f"{table}: {after['row_counts'].get(table)} rows, backup has {count}"
        for table, count in sorted(manifest.row_counts.items())
        if after["row_counts"].get(table) != count
    ]
    on_disk = set(stored_keys(root))
    report = RestoreReport(
        manifest=manifest,
        tables=len(after["row_counts"]),
        rows=sum(n for t, n in after["row_counts"].items() if t != database.VERSION_TABLE),
        files=len(keys),
        bytes=sum(manifest.files[f"{FILES}/{k}"]["size"] for k in keys),
        row_counts=after["row_counts"],
        extra_files=len(on_disk - set(keys)),
        mismatches=mismatches,
    )
    if mismatches:
        raise BackupError("the restored database does not match the backup", mismatches)
    return report
