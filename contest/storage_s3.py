"""Uploaded and generated files on S3-compatible object storage (AWS S3, MinIO, Ceph, …).

Chosen with ``STORAGE_BACKEND=s3`` (see :func:`contest.storage.get_storage`). Every web
process and worker of a deployment then sees the same files, whatever machine it runs on:
an upload handled by one web process is downloadable from any other.

The backend implements the five methods of :class:`contest.storage.Storage`; checking an
upload (streaming, hashing, limits, type checks, clean-up) stays in the shared
:meth:`~contest.storage.Storage.save`. Uploads stream to a local spool folder first
(``<UPLOAD_DIR>/.incoming``: each machine has its own), are checked there, and only then go
to the bucket (multipart for big files, so never whole in memory). Objects are named
``<S3_PREFIX><key>``; only keys of the exact shape :func:`contest.storage.valid_key` accepts
are ever sent, so no key can reach another prefix.

Reading returns the body of a GetObject, read chunk by chunk. Large downloads can instead be
redirected to a short-lived presigned URL (:meth:`S3Storage.download_url`), which names the
file and its type in the response headers S3 sends.

boto3 is imported only when this backend is used; clients are cached per app (they are
thread-safe) and made lazily, never at import time or in ``create_app``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Literal, cast

from . import file_types
from .storage import SPOOL_FOLDER, Storage, content_disposition, valid_key

# Parts of a multipart upload (bytes): at most MAX_CONCURRENCY of them are in memory at once.
MULTIPART_CHUNK = 8 * 1024 * 1024
MAX_CONCURRENCY = 4
_CONTENT_TYPES = {extension: kind for kind, extension in file_types.EXTENSIONS.items()}


class ObjectStream(io.IOBase):
    """A stored object opened for reading: the body of a GetObject, read as it arrives.
    ``size`` is its length in bytes."""

    def __init__(self, body, size: int | None):
        self._body = body
        self.size = size

    def readable(self) -> bool:
        """Always readable."""
        return True

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when negative)."""
        return self._body.read(None if size is None or size < 0 else size)

    def close(self) -> None:
        """Release the connection."""
        if not self.closed:
            self._body.close()
        super().close()


class S3Storage(Storage):
    """Files as objects of one bucket, under ``prefix``; uploads spool in ``spool``."""

    def __init__(
        self,
        client: Any,
        bucket: str,
        *,
        spool: str | Path,
        prefix: str = "",
        presign_client: Any = None,
    ):
        self.client = client
        self.presign_client = presign_client or client
        self.bucket = bucket
        self.prefix = normalise_prefix(prefix)
        self.spool = Path(spool)

    def name(self, key: str) -> str:
        """The object name of ``key`` (ValueError for a key :mod:`contest.storage` did not
        make)."""
        if not valid_key(key):
            raise ValueError("malformed storage key")
        return self.prefix + key

    def spool_dir(self) -> Path:
        """See :meth:`Storage.spool_dir`."""
        return self.spool

    def put(self, source: Path, key: str) -> None:
        """See :meth:`Storage.put`: upload (multipart when big), then remove ``source``. When
        the upload fails ``source`` stays, for the caller to remove."""
        from boto3.s3.transfer import TransferConfig

        extension = key.rsplit(".", 1)[-1]
        extra = {"ContentType": _CONTENT_TYPES.get(extension, "application/octet-stream")}
        config = TransferConfig(
            multipart_threshold=MULTIPART_CHUNK,
            multipart_chunksize=MULTIPART_CHUNK,
            max_concurrency=MAX_CONCURRENCY,
        )
        self.client.upload_file(
            str(source), self.bucket, self.name(key), ExtraArgs=extra, Config=config
        )
        source.unlink(missing_ok=True)

    def open(self, key: str) -> BinaryIO:
        """See :meth:`Storage.open` (the object streams as it is read)."""
        name = self.name(key)
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=name)
        except Exception as exc:
            if _not_found(exc):
                raise FileNotFoundError(key)
            raise
        return ObjectStream(answer["Body"], answer.get("ContentLength"))  # type: ignore[return-value]

    def delete(self, key: str) -> None:
        """See :meth:`Storage.delete` (deleting a missing object is not an error in S3)."""
        if valid_key(key):
            self.client.delete_object(Bucket=self.bucket, Key=self.name(key))

    def exists(self, key: str) -> bool:
        """See :meth:`Storage.exists`."""
        return valid_key(key) and self.size(key) is not None

    def size(self, key: str) -> int | None:
        """See :meth:`Storage.size` (a HeadObject)."""
        if not valid_key(key):
            return None
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=self.name(key))
        except Exception as exc:
            if _not_found(exc):
                return None
            raise
        return int(answer["ContentLength"])

    def keys(self) -> Iterator[str]:
        """See :meth:`Storage.keys` (objects under the prefix, listed page by page)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) :]
                if valid_key(key):
                    yield key

    def download_url(
        self, key: str, *, name: str, content_type: str, as_attachment: bool, expires: int
    ) -> str | None:
        """See :meth:`Storage.download_url`: a presigned GetObject whose answer carries the
        download name and type (S3 sends them as Content-Disposition and Content-Type)."""
        return self.presign_client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self.name(key),
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition(name, as_attachment),
                "ResponseCacheControl": "private, no-store",
            },
            ExpiresIn=expires,
        )


def normalise_prefix(prefix: str | None) -> str:
    """``"contest"`` → ``"contest/"``; empty stays empty. Refuses ``..`` and odd characters."""
    prefix = (prefix or "").strip().strip("/")
    if not prefix:
        return ""
    parts = prefix.split("/")
    if any(p in {"", ".", ".."} or not _safe(p) for p in parts):
        raise ValueError(f"S3_PREFIX {prefix!r} is not a plain folder name")
    return prefix + "/"


def _safe(part: str) -> bool:
    """Letters, digits, ``-``, ``_`` and ``.`` only."""
    return all(c.isascii() and (c.isalnum() or c in "-_.") for c in part)


def _not_found(exc: Exception) -> bool:
    """True for a botocore ClientError that means "no such object" (404 / NoSuchKey)."""
    response = getattr(exc, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in {"404", "NoSuchKey", "NotFound"} or status == 404


def make_client(config, endpoint_url: str | None = None):
    """A boto3 S3 client from the app's ``S3_*`` settings (``endpoint_url``: another
    endpoint than ``S3_ENDPOINT_URL``, e.g. the public one for presigned URLs). Credentials
    come from ``S3_ACCESS_KEY_ID``/``S3_SECRET_ACCESS_KEY`` when set, otherwise from boto3's
    usual chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a profile, a role)."""
    import boto3
    from botocore.config import Config

    endpoint = endpoint_url or config.get("S3_ENDPOINT_URL") or None
    style = cast(  # the setting as given: botocore refuses an unknown style
        'Literal["auto", "virtual", "path"]',
        config.get("S3_ADDRESSING_STYLE") or ("path" if endpoint else "auto"),
    )
    settings = Config(
        region_name=config.get("S3_REGION") or "us-east-1",
        signature_version="s3v4",
        s3={"addressing_style": style},
        connect_timeout=5,
        read_timeout=60,
        retries={"max_attempts": 3, "mode": "standard"},
    )
    credentials = {}
    if config.get("S3_ACCESS_KEY_ID"):
        credentials = {
            "aws_access_key_id": config["S3_ACCESS_KEY_ID"],
            "aws_secret_access_key": config.get("S3_SECRET_ACCESS_KEY"),
        }
    session = boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint, config=settings, **credentials)


def from_app(app) -> S3Storage:
    """The S3 storage of ``app`` (clients made once per app and kept in its extensions)."""
    config = app.config
    cache = app.extensions.setdefault("contest_s3_clients", {})
    signature = (
        config.get("S3_ENDPOINT_URL"),
        config.get("S3_PUBLIC_ENDPOINT_URL"),
        config.get("S3_REGION"),
        config.get("S3_ADDRESSING_STYLE"),
        config.get("S3_ACCESS_KEY_ID"),
        config.get("S3_SECRET_ACCESS_KEY"),
    )
    clients = cache.get(signature)
    if clients is None:
        client = make_client(config)
        public = config.get("S3_PUBLIC_ENDPOINT_URL")
        clients = (client, make_client(config, public) if public else client)
        cache.clear()
        cache[signature] = clients
    return S3Storage(
        clients[0],
        config["S3_BUCKET"],
        prefix=config.get("S3_PREFIX") or "",
        spool=Path(config["UPLOAD_DIR"]) / SPOOL_FOLDER,
        presign_client=clients[1],
    )
