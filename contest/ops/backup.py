"""``contest backup DIR``: a consistent snapshot of the database and the stored files, with a
manifest of checksums; and the check of a backup (``--verify``).

A backup folder holds::

    manifest.json        format, created_at, app version, alembic revision, dialect,
                         table row counts, and the size and SHA-256 of every file below
    database.dump        PostgreSQL: pg_dump --format=custom    (or)
    database.sqlite3     SQLite: a copy made with the backup API
    files/<key>          every stored file (attachments, thumbnails, certificates, ZIPs…)

The database is dumped first, then the files are copied. An upload writes its file before
the row that names it is committed, so every file named by the snapshot already exists when
the files are copied; a file uploaded meanwhile is copied too (harmless, unreferenced). Only a
file *deleted* between the two steps can be missing: it is listed in ``missing_files``.

Files are read through the storage interface, whatever the backend (the ``UPLOAD_DIR``
folder or an S3 bucket): every key that :meth:`~contest.storage.Storage.keys` lists is
streamed from :meth:`~contest.storage.Storage.open` into ``files/<key>`` and hashed on the
way (never whole in memory). The manifest records the backend (``storage``: ``local`` or
``s3``); keys are the same on both, so a backup of one restores into the other.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from ..errors import UserError
from ..storage import LocalStorage, Storage, valid_key
from . import database

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
CHUNK = 1024 * 1024


class BackupError(UserError):
    """A backup cannot be made, read or trusted; ``problems`` lists why (English, precise)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass
class Manifest:
    """What ``manifest.json`` says (see the module docstring)."""

    dialect: str
    database_file: str
    created_at: str
    app_version: str
    alembic_revision: str | None
    row_counts: dict[str, int]
    files: dict[str, dict]  # relative path (database file or files/<key>) → {size, sha256}
    missing_files: list[str] = field(default_factory=list)
    storage: str = "local"  # the backend the files came from (local, s3)
    format: int = FORMAT

    def to_json(self) -> str:
        """The manifest as pretty JSON (sorted keys: stable, diffable)."""
        return json.dumps(self.__dict__, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @property
    def stored_keys(self) -> list[str]:
        """The storage keys in the backup."""
        prefix = FILES + "/"
        return sorted(p[len(prefix) :] for p in self.files if p.startswith(prefix))

    @property
    def total_rows(self) -> int:
        return sum(n for t, n in self.row_counts.items() if t != database.VERSION_TABLE)


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def app_version() -> str:
    """The installed version of the ``contest`` package."""
    try:
        return metadata.version("contest")
    except metadata.PackageNotFoundError:
        return "unknown"


def backend_name(storage: Storage) -> str:
    """``local`` or ``s3`` (another backend: its class name), as the manifest records it."""
    if isinstance(storage, LocalStorage):
        return "local"
    name = type(storage).__name__
    return "s3" if name == "S3Storage" else name


def storage_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a storage backend raises when it cannot be reached or answers with an
    error (OSError; botocore's, when boto3 is installed)."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return (OSError,)
    return (OSError, BotoCoreError, ClientError)


def stored_keys(root: Path) -> list[str]:
    """Every key stored under the local folder ``root`` (spooled uploads and foreign files
    are skipped), sorted."""
    return sorted(LocalStorage(root).keys())


def copy_hashing(source, target: Path) -> dict:
    """Write the readable stream ``source`` to ``target`` in 1 MB chunks; return its
    ``{size, sha256}``."""
    digest = hashlib.sha256()
    size = 0
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


def create_backup(target: Path, *, database_url: str, storage: Storage) -> Manifest:
    """Write a backup of the database at ``database_url`` and of ``storage`` into ``target``
    (a new or empty folder); return its manifest. A failed backup leaves no manifest, so it
    can never be mistaken for a good one."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: choose a new folder for each backup")
    dialect = database.dialect_of(database_url)
    target.mkdir(parents=True, exist_ok=True)
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    db_name = database.DUMP_NAMES[dialect]
    if dialect == "postgresql":
        facts = database.dump_postgresql(database_url, target / db_name)
    else:
        facts = database.dump_sqlite(database_url, target / db_name)
    entries = {db_name: _describe(target / db_name)}

    missing = []
    try:
        keys = sorted(storage.keys())
        for key in keys:
            copy = target / FILES / key
            copy.parent.mkdir(parents=True, exist_ok=True)
            try:
                with storage.open(key) as stream:
                    entries[f"{FILES}/{key}"] = copy_hashing(stream, copy)
            except FileNotFoundError:  # deleted since it was listed
                copy.unlink(missing_ok=True)
                missing.append(key)
    except storage_errors() as exc:
        raise BackupError(f"the stored files cannot be read ({backend_name(storage)}): {exc}")

    manifest = Manifest(
        dialect=dialect,
        database_file=db_name,
        created_at=created_at,
        app_version=app_version(),
        alembic_revision=facts["alembic_revision"],
        row_counts=facts["row_counts"],
        files=entries,
        missing_files=missing,
        storage=backend_name(storage),
    )
    partial = target / (MANIFEST + ".part")
    partial.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(partial, target / MANIFEST)  # written last: its presence means "complete"
    return manifest


def _describe(path: Path) -> dict:
    return {"size": path.stat().st_size, "sha256": sha256_of(path)}


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the backup in ``folder`` (BackupError when absent or unreadable)."""
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path} not found: not a backup, or an unfinished one")
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown manifest format {data.get('format')!r}")
    try:
        return Manifest(**data)
    except TypeError as exc:
        raise BackupError(f"{path}: malformed manifest ({exc})")


def verify_backup(folder: Path) -> Manifest:
    """Check every file of the backup against the manifest (presence, size, SHA-256) and look
    for files the manifest does not list; raise BackupError listing every problem."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    problems = []
    if manifest.database_file not in manifest.files:
        problems.append(f"{manifest.database_file}: not listed in the manifest")
    for relative, expected in sorted(manifest.files.items()):
        path = folder / relative
        if not _inside(folder, path):
            problems.append(f"{relative}: path outside the backup")
        elif not path.is_file():
            problems.append(f"{relative}: missing")
        elif path.stat().st_size != expected.get("size"):
            problems.append(
                f"{relative}: size {path.stat().st_size}, manifest says {expected.get('size')}"
            )
        elif sha256_of(path) != expected.get("sha256"):
            problems.append(f"{relative}: checksum does not match")
    for key in manifest.stored_keys:
        if not valid_key(key):
            problems.append(f"{FILES}/{key}: not a storage key")
    listed = set(manifest.files) | {MANIFEST}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative not in listed:
            problems.append(f"{relative}: not in the manifest")
    if problems:
        raise BackupError(f"backup {folder} failed verification", problems)
    return manifest


def _inside(folder: Path, path: Path) -> bool:
    return folder.resolve() in path.resolve().parents
