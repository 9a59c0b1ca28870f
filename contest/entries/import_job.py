"""The ``entries.import`` job: an entries file uploaded on the web, imported in the worker.

The page only stores the upload (streamed to the storage, capped at the request size limit)
and adds this job, so a file of any size never holds a web worker. The worker reads the
stored file and imports it with :func:`contest.entries.imports.import_entries`: the same
all-or-nothing rules and row messages as the command line, with a progress bar (each row is
checked, then written). Params ``{"edition_id", "key", "filename", "locale"}``; the result is
either the counts (``created``, ``updated``, ``unchanged``) or the file's ``problems`` (at
most :data:`PROBLEMS_KEPT` of them, and ``problem_count``), in which case nothing was written.
The stored upload is deleted once the import's outcome is committed (a run retried after a
database error still finds it).
"""

from __future__ import annotations

import os
import secrets
from typing import IO, Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..contests.models import Edition
from ..extensions import db
from ..jobs.models import Job
from ..jobs.operations import Progress, create_job, job_handler
from ..storage import CHUNK_SIZE, FileTooLarge, get_storage
from .imports import ImportFailed, import_entries

KIND = "entries.import"
CATEGORY = "imports"
PROBLEMS_KEPT = 1000
# Progress is written at most this many times per import (each write is a small UPDATE).
PROGRESS_WRITES = 100

CHECKING = _l("Đang kiểm tra và ghi các dòng của tệp")


def store_upload(stream: IO[bytes]) -> str:
    """Copy an uploaded file into the storage in chunks, at most ``MAX_CONTENT_LENGTH``
    bytes (:class:`~contest.storage.FileTooLarge` beyond, leaving nothing); return its key."""
    storage = get_storage()
    spool = storage.spool_dir()
    spool.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    partial = spool / f"{token}.part"
    limit = int(current_app.config["MAX_CONTENT_LENGTH"] or 0)
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        size = 0
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK_SIZE):
                size += len(chunk)
                if limit and size > limit:
                    raise FileTooLarge()
                out.write(chunk)
        key = f"{CATEGORY}/{token[:2]}/{token}.bin"
        storage.put(partial, key)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return key


def create_import_job(edition: Edition, key: str, filename: str, user, locale: str) -> Job:
    """Add the pending import of the stored upload ``key`` into ``edition`` (flushes; commit
    with :func:`contest.jobs.operations.commit` to dispatch it)."""
    params = {"edition_id": edition.id, "key": key, "filename": filename[:255], "locale": locale}
    return create_job(KIND, params, user=user, total=1)


_DELETE_KEY = "contest.imports_to_delete"


def _delete_after_commit(key: str) -> None:
    """Delete the stored upload ``key`` once the session's transaction commits."""
    db.session.info.setdefault(_DELETE_KEY, []).append(key)


@event.listens_for(Session, "after_commit")
def _delete_committed(session: Session) -> None:
    """The imports committed in this transaction no longer need their uploads."""
    keys = session.info.pop(_DELETE_KEY, [])
    if keys:
        storage = get_storage()
        for key in keys:
            storage.delete(key)


@event.listens_for(Session, "after_rollback")
def _keep_on_rollback(session: Session) -> None:
    """A rolled-back import keeps its upload (it will run again)."""
    session.info.pop(_DELETE_KEY, None)


class _Throttled:
    """Forwards row progress to the job, about :data:`PROGRESS_WRITES` times in all."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.every = 1
        self.message = str(CHECKING)  # the msgid: the job page translates it when shown

    def __call__(self, done: int, total: int) -> None:
        if done == 1:
            self.every = max(1, total // PROGRESS_WRITES)
            self.progress(0, total, self.message)
        if done % self.every == 0 or done == total:
            self.progress(done)


@job_handler(KIND, label=_l("Nhập hồ sơ từ tệp"))
def run_import(job: Job, progress: Progress) -> dict[str, Any]:
    """Import the stored file (module docstring); row problems are a result, not a failure."""
    params = job.params
    edition = db.session.get_one(Edition, params["edition_id"])
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    storage = get_storage()
    locale = params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]
    tracker = _Throttled(progress)
    with storage.open(params["key"]) as stream, force_locale(locale):
        try:
            with db.session.begin_nested():
                result = import_entries(
                    edition, stream, params["filename"], actor, progress=tracker
                )
        except ImportFailed as exc:
            outcome: dict[str, Any] = {
                "problems": [str(p) for p in exc.problems[:PROBLEMS_KEPT]],
                "problem_count": len(exc.problems),
            }
        else:
            outcome = {
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": len(result.unchanged),
            }
    _delete_after_commit(params["key"])
    return {"edition_id": edition.id, "filename": params["filename"], **outcome}
