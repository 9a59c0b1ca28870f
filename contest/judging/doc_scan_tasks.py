"""The ``judging.document_scan`` job: read the attachments judges will receive and list the
known names in them (params ``{"edition_id"}``).

Best run before judging opens, so that organizers can have files corrected first. The handler
walks :func:`.doc_findings.scan_targets`, reads each PDF and DOCX whose bytes or names changed
since its last scan (:mod:`.doc_scan`), and records the outcome with
:func:`.doc_findings.record_scan`; pictures, videos and archives are recorded as not read. A
file that cannot be read is recorded as such; the scan goes on. The job runner commits the
whole scan with the job's ``succeeded`` status; a re-run (after a worker died) starts again and
is harmless (findings are keyed, decisions kept). Only one scan of an edition runs at a time
(:func:`start_scan` refuses a second while one is unfinished).
"""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.operations import record
from ..contests.models import Edition
from ..extensions import db
from ..jobs.models import FINISHED, Job
from ..jobs.operations import Progress, create_job, job_handler
from ..storage import get_storage
from ..timeutil import utcnow
from . import doc_findings
from .doc_scan import Unreadable, extract, find_names
from .errors import JudgingError
from .masking import names_for_entry
from .models_scan import ScanOutcome

log = logging.getLogger(__name__)

KIND = "judging.document_scan"
RECENT_JOBS = 50  # jobs of this kind looked through to find an edition's latest


def N_(message: str) -> str:  # noqa: N802 - the gettext "mark only" convention
    """Mark ``message`` for extraction; the job page translates it when shown."""
    return message


class ScanBusy(JudgingError):
    """A scan of the edition has not finished yet."""


def latest_job(edition: Edition) -> Job | None:
    """The edition's most recent scan job, if any."""
    jobs = db.session.scalars(
        select(Job).where(Job.kind == KIND).order_by(Job.id.desc()).limit(RECENT_JOBS)
    )
    return next((j for j in jobs if (j.params or {}).get("edition_id") == edition.id), None)


def start_scan(edition: Edition, actor) -> Job:
    """Add a pending scan job for ``edition`` (flushes; ``jobs.operations.commit``
    dispatches it), audited. Raises :class:`ScanBusy` while another scan is unfinished."""
    db.session.execute(select(Edition.id).where(Edition.id == edition.id).with_for_update())
    running = latest_job(edition)
    if running is not None and running.status not in FINISHED:
        raise ScanBusy(_("Một lượt quét tài liệu của lần thi này đang chạy; hãy chờ nó xong."))
    job = create_job(KIND, {"edition_id": edition.id}, user=actor, total=1)
    record(actor, "job.start", "job", job.id, kind=job.kind, edition=edition.slug)
    return job


@job_handler(KIND, label=_l("Quét tên trong tài liệu đính kèm"))
def scan_documents(job: Job, progress: Progress) -> dict[str, Any]:
    """Scan the edition's files (module docstring); returns the totals of the scan."""
    edition = db.session.get(Edition, (job.params or {}).get("edition_id"))
    if edition is None:
        raise JudgingError(str(_l("Không còn lần thi này.")))
    targets = doc_findings.scan_targets(edition)
    progress(0, len(targets), N_("Đang đọc các tài liệu đính kèm…"))
    storage = get_storage()
    names_by_entry: dict[int, tuple] = {}
    read = skipped = 0
    for done, (entry, attachment) in enumerate(targets, start=1):
        if entry.id not in names_by_entry:
            names = names_for_entry(entry)
            names_by_entry[entry.id] = (names, doc_findings.names_digest(names))
        names, digest = names_by_entry[entry.id]
        if doc_findings.is_current(attachment, digest):
            skipped += 1
        else:
            _scan_one(entry, attachment, names, digest, storage)
            read += 1
        progress(done)
    doc_findings.forget_others(edition, [a.id for _e, a in targets])
    db.session.flush()
    progress(len(targets), message=N_("Đã quét xong các tài liệu đính kèm."))
    totals = doc_findings.summary(edition).as_dict()
    return {"edition": edition.slug, "scanned_now": read, "unchanged": skipped, **totals}


def _scan_one(entry, attachment, names, digest: str, storage) -> None:
    """Read one file and record what it holds (a file that cannot be read is recorded so)."""
    outcome = doc_findings.outcome_without_reading(attachment)
    if outcome is not None:
        doc_findings.record_scan(entry, attachment, outcome, digest)
        return
    try:
        with storage.open(attachment.storage_key) as stream:
            document = extract(stream, attachment.content_type)
    except (Unreadable, OSError, ValueError) as exc:
        log.info("document scan: attachment %s not read: %s", attachment.id, exc)
        doc_findings.record_scan(entry, attachment, ScanOutcome.UNREADABLE, digest)
        return
    hits = find_names(document, names)
    doc_findings.record_scan(
        entry, attachment, ScanOutcome.READ, digest, document, hits, now=utcnow()
    )
