"""Uploaded files: a small storage interface and its local-filesystem implementation.

An upload is streamed in chunks (never held whole in memory) to a temporary file in the
storage's spool folder, hashed (SHA-256) and counted against its size limit while it streams,
checked by its content (:mod:`contest.file_types`: magic bytes first, then the whole file),
optionally inspected further by the caller (``inspect``: e.g. Pillow decodes an image), and
only then put in place under a random key. Any refusal — wrong type, too large, empty,
damaged, or a stream that breaks off — removes the temporary file: nothing is left behind.

``UPLOAD_DIR`` lives outside the web root (the instance folder by default): nothing stored is
ever served as a static file. Keys look like ``rules/3f/3f9ac…e2.pdf`` (a category, a
two-character fan-out directory, 32 random hex digits and the extension of the *detected*
type). Only keys of exactly that shape are opened or deleted, so a key can never reach outside
the storage root, and a user's file name never reaches the filesystem.

Another backend (S3-compatible object storage) subclasses :class:`Storage` and implements
five methods: :meth:`~Storage.spool_dir` (a local folder for incoming uploads, e.g. a temp
dir), :meth:`~Storage.put` (upload a checked local file under a key, then remove the local
file), :meth:`~Storage.open` (a readable stream of a key, e.g. the body of a GetObject),
:meth:`~Storage.delete` and :meth:`~Storage.exists`. :meth:`~Storage.save` — streaming,
hashing, limits, type checks, clean-up — is shared. :meth:`~Storage.local_path` may return
None: downloads then stream from :meth:`~Storage.open`. :func:`get_storage` picks the backend.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l

from . import file_types
from .file_types import HEAD_SIZE, SIGNATURES, sniff  # noqa: F401 - part of this interface

CHUNK_SIZE = 64 * 1024
MIB = 1024 * 1024
SPOOL_FOLDER = ".incoming"
# A spooled file older than this is a leftover of a killed process: removed on the next save.
SPOOL_MAX_AGE = 24 * 3600

_CATEGORY_RE = re.compile(r"^[a-z0-9_-]{1,40}$")
_KEY_RE = re.compile(r"^[a-z0-9_-]{1,40}/[0-9a-f]{2}/[0-9a-f]{32}\.[a-z0-9]{1,5}$")

# ``inspect(path, content_type)`` looks at a spooled file before it is kept; it raises a
# StorageError to refuse it.
Inspector = Callable[[Path, str], None]


class StorageError(Exception):
    """An upload was refused; ``message`` is for the user (Vietnamese, lazily translated)."""

    message = _l("Không lưu được tệp.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class EmptyFile(StorageError):
    """The upload has no content."""

    message = _l("Tệp tải lên bị rỗng.")


class FileTooLarge(StorageError):
    """The upload is larger than the limit."""

    message = _l("Tệp tải lên vượt quá dung lượng cho phép.")


class UnsupportedFileType(StorageError):
    """The upload's content is not of an allowed type (whatever its name says).
    ``detected`` is the type recognised (None: unknown), ``head`` its first bytes."""

    message = _l("Nội dung tệp không đúng loại được chấp nhận.")

    def __init__(self, message=None, *, detected: str | None = None, head: bytes = b""):
        self.detected = detected
        self.head = head
        super().__init__(message)


class MalformedFile(StorageError):
    """The upload starts like an accepted type but is truncated or damaged."""

    message = _l("Tệp bị hỏng hoặc không đầy đủ (có thể tải lên bị gián đoạn).")


@dataclass(frozen=True)
class StoredFile:
    """What :meth:`Storage.save` stored: its key, size, detected type and SHA-256."""

    key: str
    size: int
    content_type: str
    sha256: str


def valid_key(key: str | None) -> bool:
    """True when ``key`` has the exact shape of a key this module creates."""
    return bool(key) and _KEY_RE.match(key) is not None


def new_key(category: str, content_type: str) -> str:
    """A fresh random key of ``category`` for a file of ``content_type``."""
    if not _CATEGORY_RE.match(category):
        raise ValueError("malformed storage category")
    token = secrets.token_hex(16)
    return f"{category}/{token[:2]}/{token}.{file_types.EXTENSIONS[content_type]}"


class Storage(ABC):
    """Where uploaded files live. Every method takes or returns a key, never a user's path."""

    @abstractmethod
    def spool_dir(self) -> Path:
        """A local folder where uploads are written while they stream in and are checked."""

    @abstractmethod
    def put(self, source: Path, key: str) -> None:
        """Keep the checked local file ``source`` under ``key``; ``source`` is gone after."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """The stored file, opened for reading (FileNotFoundError when absent)."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove a stored file; a missing or malformed key is ignored."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """True when ``key`` names a stored file."""

    def local_path(self, key: str) -> Path | None:
        """The file's path on this machine, if it has one (faster downloads)."""
        return None

    def save(
        self,
        stream: BinaryIO,
        category: str,
        *,
        allowed: Collection[str],
        max_bytes: int,
        inspect: Inspector | None = None,
    ) -> StoredFile:
        """Store ``stream`` if its content is one of ``allowed`` (content types) and at most
        ``max_bytes`` long; raise a :class:`StorageError` otherwise (or whatever the stream
        raises), leaving nothing behind."""
        if not _CATEGORY_RE.match(category):
            raise ValueError("malformed storage category")
        head = _read_head(stream)
        if not head:
            raise EmptyFile()
        sniffed = sniff(head)
        if sniffed is None or not file_types.candidates(sniffed[0]) & set(allowed):
            raise UnsupportedFileType(detected=sniffed[0] if sniffed else None, head=head)
        if len(head) > max_bytes:
            raise FileTooLarge()
        spool = self.spool_dir()
        spool.mkdir(parents=True, exist_ok=True)
        _sweep(spool)
        partial = spool / f"{secrets.token_hex(16)}.part"
        try:
            size, digest = _copy(head, stream, partial, max_bytes)
            try:
                content_type = file_types.refine(partial, sniffed[0])
            except file_types.Malformed:
                raise MalformedFile()
            if content_type not in allowed:
                raise UnsupportedFileType(detected=content_type, head=head)
            if inspect is not None:
                inspect(partial, content_type)
            key = new_key(category, content_type)
            self.put(partial, key)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return StoredFile(key, size, content_type, digest)

    def save_bytes(self, data: bytes, category: str, content_type: str) -> StoredFile:
        """Store a small file the service made itself (a thumbnail) of a known type."""
        return self.save(_BytesStream(data), category, allowed={content_type}, max_bytes=len(data))


class LocalStorage(Storage):
    """Files under a root directory on the local filesystem (``UPLOAD_DIR``); uploads spool
    in ``<root>/.incoming`` (same filesystem: putting a file in place is a rename)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()

    def path(self, key: str) -> Path:
        """The filesystem path of ``key`` (ValueError for a key this module did not make)."""
        if not valid_key(key):
            raise ValueError("malformed storage key")
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise ValueError("storage key outside the root")
        return path

    def spool_dir(self) -> Path:
        """See :meth:`Storage.spool_dir`."""
        return self.root / SPOOL_FOLDER

    def put(self, source: Path, key: str) -> None:
        """See :meth:`Storage.put` (an atomic rename)."""
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, final)

    def open(self, key: str) -> BinaryIO:
        """See :meth:`Storage.open`."""
        return open(self.path(key), "rb")  # noqa: SIM115 - the caller closes it

    def delete(self, key: str) -> None:
        """See :meth:`Storage.delete`."""
        if valid_key(key):
            self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """See :meth:`Storage.exists`."""
        return valid_key(key) and self.path(key).is_file()

    def local_path(self, key: str) -> Path | None:
        """See :meth:`Storage.local_path`."""
        return self.path(key) if valid_key(key) else None


class _BytesStream:
    """A minimal readable stream over bytes (``save_bytes``)."""

    def __init__(self, data: bytes):
        self.data, self.position = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.position + size
        chunk = self.data[self.position : end]
        self.position += len(chunk)
        return chunk


def _read_head(stream: BinaryIO) -> bytes:
    """The first bytes of ``stream`` (up to :data:`HEAD_SIZE`; short reads are retried)."""
    head = b""
    while len(head) < HEAD_SIZE:
        chunk = stream.read(HEAD_SIZE - len(head))
        if not chunk:
            break
        head += chunk
    return head


def _copy(head: bytes, stream: BinaryIO, target: Path, max_bytes: int) -> tuple[int, str]:
    """Write ``head`` then the rest of ``stream`` to the new private file ``target``, chunk
    by chunk; return (size, SHA-256). :class:`FileTooLarge` as soon as the limit is passed."""
    digest = hashlib.sha256(head)
    size = len(head)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(head)
        while chunk := stream.read(CHUNK_SIZE):
            size += len(chunk)
            if size > max_bytes:
                raise FileTooLarge()
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _sweep(spool: Path) -> None:
    """Remove spooled files left by a process killed mid-upload (older than a day)."""
    limit = time.time() - SPOOL_MAX_AGE
    try:
        for leftover in spool.iterdir():
            if leftover.suffix == ".part" and leftover.stat().st_mtime < limit:
                leftover.unlink(missing_ok=True)
    except OSError:
        pass


def get_storage() -> Storage:
    """The storage of the current app (files under ``UPLOAD_DIR``)."""
    return LocalStorage(current_app.config["UPLOAD_DIR"])
