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

Another backend subclasses :class:`Storage` and implements five methods:
:meth:`~Storage.spool_dir` (a local folder for incoming uploads), :meth:`~Storage.put` (keep a
checked local file under a key, then remove the local file), :meth:`~Storage.open` (a
readable stream of a key), :meth:`~Storage.delete` and :meth:`~Storage.exists`.
:meth:`~Storage.save` — streaming, hashing, limits, type checks, clean-up — is shared.
:mod:`contest.storage_s3` is such a backend, for S3-compatible object storage; it also says
how big a file is (:meth:`~Storage.size`) and hands out presigned download URLs
(:meth:`~Storage.download_url`).

:func:`get_storage` picks the backend from ``STORAGE_BACKEND`` (``local``, the embedded
default, or ``s3``). :func:`send_stored` answers a download whatever the backend: from the
local file when there is one (:meth:`~Storage.local_path`), else streamed chunk by chunk
from :meth:`~Storage.open` (never whole in memory), or, for a download at least
``S3_PRESIGN_MIN_BYTES`` long, a redirect to a short-lived presigned URL. Code that
needs a stored file on disk (a judge's copy, a scan) copies it from :meth:`~Storage.open`
into the spool folder when :meth:`~Storage.local_path` is None.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, TypeGuard
from urllib.parse import quote

from flask import abort, current_app, redirect, send_file
from flask_babel import lazy_gettext as _l
from werkzeug.http import dump_options_header

from . import file_types
from .errors import UserError
from .file_types import HEAD_SIZE, SIGNATURES, sniff  # noqa: F401 - part of this interface

CHUNK_SIZE = 64 * 1024
MIB = 1024 * 1024
SPOOL_FOLDER = ".incoming"
# A spooled file older than this is a leftover of a killed process: removed on the next save.
SPOOL_MAX_AGE = 24 * 3600

BACKENDS = ("local", "s3")
# Matched with fullmatch (``$`` would let a trailing newline through).
_CATEGORY_RE = re.compile(r"[a-z0-9_-]{1,40}")
_KEY_RE = re.compile(r"[a-z0-9_-]{1,40}/[0-9a-f]{2}/[0-9a-f]{32}\.[a-z0-9]{1,5}")

# ``inspect(path, content_type)`` looks at a spooled file before it is kept; it raises a
# StorageError to refuse it.
Inspector = Callable[[Path, str], None]


class StorageError(UserError):
    """An upload was refused; ``message`` is for the user (Vietnamese, lazily translated)."""

    message = _l("Không lưu được tệp.")


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


class ByteStream(Protocol):
    """What :meth:`Storage.save` reads from: ``read(size)`` returning bytes (an upload's
    stream, an open file …)."""

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class StoredFile:
    """What :meth:`Storage.save` stored: its key, size, detected type and SHA-256."""

    key: str
    size: int
    content_type: str
    sha256: str


def valid_key(key: str | None) -> TypeGuard[str]:
    """True when ``key`` has the exact shape of a key this module creates."""
    if not key:
        return False
    return _KEY_RE.fullmatch(key) is not None


def new_key(category: str, content_type: str) -> str:
    """A fresh random key of ``category`` for a file of ``content_type``."""
    if not _CATEGORY_RE.fullmatch(category):
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

    def size(self, key: str) -> int | None:
        """The stored file's length in bytes (None: absent, or a malformed key)."""
        return None

    def download_url(
        self, key: str, *, name: str, content_type: str, as_attachment: bool, expires: int
    ) -> str | None:
        """A URL from which a browser downloads the file directly for ``expires`` seconds,
        named ``name``, or None when the backend has no such thing (the app streams it)."""
        return None

    def keys(self) -> Iterator[str]:
        """Every stored key, in no set order (spooled uploads and foreign files skipped):
        for backups and checks."""
        raise NotImplementedError(f"{type(self).__name__} cannot list its files")

    def save(
        self,
        stream: ByteStream,
        category: str,
        *,
        allowed: Collection[str],
        max_bytes: int,
        inspect: Inspector | None = None,
    ) -> StoredFile:
        """Store ``stream`` if its content is one of ``allowed`` (content types) and at most
        ``max_bytes`` long; raise a :class:`StorageError` otherwise (or whatever the stream
        raises), leaving nothing behind."""
        if not _CATEGORY_RE.fullmatch(category):
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

    def size(self, key: str) -> int | None:
        """See :meth:`Storage.size`."""
        if not self.exists(key):
            return None
        return self.path(key).stat().st_size

    def keys(self) -> Iterator[str]:
        """See :meth:`Storage.keys`."""
        if not self.root.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(self.root):
            if Path(dirpath) == self.root and SPOOL_FOLDER in dirnames:
                dirnames.remove(SPOOL_FOLDER)
            for name in filenames:
                key = (Path(dirpath) / name).relative_to(self.root).as_posix()
                if valid_key(key):
                    yield key

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


def _read_head(stream: ByteStream) -> bytes:
    """The first bytes of ``stream`` (up to :data:`HEAD_SIZE`; short reads are retried)."""
    head = b""
    while len(head) < HEAD_SIZE:
        chunk = stream.read(HEAD_SIZE - len(head))
        if not chunk:
            break
        head += chunk
    return head


def _copy(head: bytes, stream: ByteStream, target: Path, max_bytes: int) -> tuple[int, str]:
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


def check_config(config) -> None:
    """Refuse (RuntimeError) a storage configuration that cannot work; touches no network."""
    backend = (config.get("STORAGE_BACKEND") or "local").strip().lower()
    if backend not in BACKENDS:
        raise RuntimeError(f"STORAGE_BACKEND={backend!r} is unknown; use one of local, s3")
    if backend == "s3":
        if not config.get("S3_BUCKET"):
            raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        from .storage_s3 import normalise_prefix

        try:
            normalise_prefix(config.get("S3_PREFIX"))
        except ValueError as exc:
            raise RuntimeError(str(exc)) from None


def get_storage() -> Storage:
    """The storage of the current app: files under ``UPLOAD_DIR`` (``STORAGE_BACKEND=local``,
    the default) or objects in ``S3_BUCKET`` (``STORAGE_BACKEND=s3``)."""
    config = current_app.config
    backend = (config.get("STORAGE_BACKEND") or "local").strip().lower()
    if backend == "local":
        return LocalStorage(config["UPLOAD_DIR"])
    check_config(config)
    from .storage_s3 import from_app

    return from_app(current_app._get_current_object())  # type: ignore[attr-defined]


def content_disposition(name: str, as_attachment: bool) -> str:
    """A Content-Disposition value naming ``name`` (RFC 6266; non-ASCII names as RFC 5987
    ``filename*`` with an ASCII fallback), as Flask's ``send_file`` writes it."""
    try:
        name.encode("ascii")
        names = {"filename": name}
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        names = {"filename": simple, "filename*": "UTF-8''" + quote(name, safe="!#$&+-.^_`|~")}
    return dump_options_header("attachment" if as_attachment else "inline", names)


def send_stored(
    key: str | None,
    mimetype: str,
    name: str,
    *,
    as_attachment: bool,
    storage: Storage | None = None,
):
    """The response of a download of the stored file ``key`` (404 when it is absent).

    A local file is sent by Flask (ranges, conditional requests). Otherwise the file streams
    from :meth:`Storage.open` chunk by chunk, or, when it is downloaded as an attachment and
    at least ``S3_PRESIGN_MIN_BYTES`` long, the answer is a redirect to a presigned URL
    valid ``S3_PRESIGN_EXPIRES`` seconds (for backends that have them). The caller
    adds its own headers (nosniff, CSP, caching)."""
    storage = storage or get_storage()
    if not valid_key(key):
        abort(404)
    path = storage.local_path(key)
    if path is not None:
        if not path.is_file():
            abort(404)
        return send_file(
            path, mimetype=mimetype, as_attachment=as_attachment, download_name=name, max_age=0
        )
    threshold = current_app.config.get("S3_PRESIGN_MIN_BYTES")
    if as_attachment and threshold is not None and threshold >= 0:
        size = storage.size(key)  # None: absent (open() says so below) or unknown
        if size is not None and size >= threshold:
            expires = int(current_app.config.get("S3_PRESIGN_EXPIRES") or 300)
            url = storage.download_url(
                key, name=name, content_type=mimetype, as_attachment=True, expires=expires
            )
            if url:
                response = redirect(url, 302)
                response.cache_control.private = True
                response.cache_control.no_store = True
                return response
    try:
        handle = storage.open(key)
    except (FileNotFoundError, ValueError):
        abort(404)
    response = send_file(
        handle, mimetype=mimetype, as_attachment=as_attachment, download_name=name, max_age=0
    )
    size = getattr(handle, "size", None)
    if size is not None:
        response.content_length = size
    return response
