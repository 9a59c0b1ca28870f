"""``contest restore DIR``: put a backup (:mod:`contest.ops.backup`) back in place.

In this order, so that a refusal or a failure before step 4 changes nothing:

1. every file of the backup is checked against the manifest (a damaged backup is refused);
2. the backup's dialect must be the target's (a PostgreSQL dump does not load into SQLite);
3. the target database must hold no rows (the migrations' version table aside) unless
   ``force``;
4. the database is replaced in one step (PostgreSQL: one transaction; SQLite: one rename)
   and every stored file is put back under its key through the storage interface
   (:meth:`~contest.storage.Storage.put`): each is copied from the backup into the storage's
   spool folder, its SHA-256 checked again on the way, then put. On the local backend all
   copies are made *before* the database is replaced (same filesystem: the disk is known to
   have room, and putting a file in place is a rename); on S3 each is copied just before
   its upload (the spool never holds the whole bucket);
5. PostgreSQL: ``ANALYZE`` (a dump carries no planner statistics: without it the first
   queries after a restore can pick bad plans); the restored row counts are compared with
   the manifest's.

Files already in the storage that the backup does not hold are left alone and counted
(``extra_files``): with ``--force`` over a live installation they are orphans to look at.

Keys are the same on every backend, so a backup made on one (the manifest's ``storage``)
restores into the other: local files go to the bucket, or the bucket's objects to
``UPLOAD_DIR``.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from ..storage import LocalStorage, Storage
from . import database
from .backup import (
    FILES,
    BackupError,
    Manifest,
    backend_name,
    copy_hashing,
    storage_errors,
    verify_backup,
)


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
    storage: str = "local"
    revision_note: str | None = None
    mismatches: list[str] = field(default_factory=list)


def restore_backup(
    folder: Path, *, engine: Engine, storage: Storage, force: bool = False
) -> RestoreReport:
    """Restore the backup in ``folder`` into ``engine``'s database and ``storage``."""
    folder = Path(folder)
    manifest = verify_backup(folder)
    url = engine.url
    dialect = database.dialect_of(url)
    if dialect != manifest.dialect:
        raise BackupError(
            f"the backup is of a {manifest.dialect} database; this installation uses {dialect}"
        )
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
    try:  # the storage answers (a bucket out of reach is found before anything changes)
        present = set(storage.keys())
    except storage_errors() as exc:
        raise BackupError(f"the storage ({backend_name(storage)}) cannot be read: {exc}")
    staging = storage.spool_dir() / f"restore-{secrets.token_hex(8)}"
    stage_first = isinstance(storage, LocalStorage)

    def stage(key: str) -> Path:
        staged = staging / key
        staged.parent.mkdir(parents=True, exist_ok=True)
        with open(folder / FILES / key, "rb") as source:
            copied = copy_hashing(source, staged)
        if copied["sha256"] != manifest.files[f"{FILES}/{key}"]["sha256"]:
            raise BackupError(f"{FILES}/{key}: changed since the backup was verified")
        return staged

    try:
        if stage_first:
            for key in keys:
                stage(key)
        engine.dispose()
        db_file = folder / manifest.database_file
        if dialect == "postgresql":
            database.restore_postgresql(url, db_file)
        else:
            database.restore_sqlite(url, db_file)
        engine.dispose()
        try:
            for key in keys:
                storage.put(staging / key if stage_first else stage(key), key)
        except storage_errors() as exc:
            raise BackupError(
                f"the database was restored but the files could not all be put back "
                f"({backend_name(storage)}): {exc}; run the restore again with --force"
            )
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
    report = RestoreReport(
        manifest=manifest,
        tables=len(after["row_counts"]),
        rows=sum(n for t, n in after["row_counts"].items() if t != database.VERSION_TABLE),
        files=len(keys),
        bytes=sum(manifest.files[f"{FILES}/{k}"]["size"] for k in keys),
        row_counts=after["row_counts"],
        extra_files=len(present - set(keys)),
        storage=backend_name(storage),
        mismatches=mismatches,
    )
    if mismatches:
        raise BackupError("the restored database does not match the backup", mismatches)
    return report
