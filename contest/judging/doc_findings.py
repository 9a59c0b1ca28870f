"""The document scan's records: which files of an edition are scanned, what each scan found,
and the organizers' decisions (operations: they flush, never commit).

What is scanned: every attachment judges may receive (:func:`.judge_copies.visible_to_judges`)
of the edition's accepted entries. PDF and DOCX files are read (:mod:`.doc_scan`); pictures,
videos and archives are listed as not read.

A file is read again only when its bytes or its entry's names changed since its last scan
(``ScannedFile.sha256`` and ``names_digest``). Refreshing the findings of a file keeps the
decision of every finding found again (same attachment, bytes, offset and kind), adds the new
ones as ``open`` and removes those no longer found. Files no longer scanned (the entry is no
longer accepted, the kind became organizer-only) lose their records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from .. import file_types as ft
from ..audit.operations import record
from ..contests.models import Edition
from ..entries.judge_copies import visible_to_judges
from ..entries.models import Attachment, Entry, EntryStatus
from ..extensions import db
from ..timeutil import utcnow
from .doc_scan import READABLE_TYPES, DocumentText, Hit
from .errors import JudgingError
from .masking import NameSet
from .models_scan import DocumentFinding, FindingStatus, ScannedFile, ScanOutcome

#: Changes when the reading or matching changes, so that every file is read again.
SCAN_VERSION = "1"


def scan_targets(edition: Edition) -> list[tuple[Entry, Attachment]]:
    """The (entry, attachment) pairs to scan, by entry code, then in the entry's order."""
    entries = db.session.scalars(
        select(Entry)
        .where(Entry.edition_id == edition.id, Entry.status == EntryStatus.ACCEPTED.value)
        .order_by(Entry.code, Entry.id)
    ).all()
    return [(entry, a) for entry in entries for a in visible_to_judges(entry)]


def outcome_without_reading(attachment: Attachment) -> ScanOutcome | None:
    """The outcome of a file that is never read (a picture, a video, an archive), or None
    for a document to read."""
    if attachment.content_type in READABLE_TYPES:
        return None
    if attachment.content_type in ft.IMAGE_TYPES:
        return ScanOutcome.IMAGE
    return ScanOutcome.OTHER


def names_digest(names: NameSet) -> str:
    """A fingerprint of ``names`` and of the reader's version."""
    text = "\n".join(sorted(f"{n.kind}\t{n.text}" for n in names.names))
    return hashlib.sha256(f"{SCAN_VERSION}\n{text}".encode()).hexdigest()


def scanned_file(attachment: Attachment) -> ScannedFile | None:
    """The last scan's record of ``attachment``, if any."""
    return db.session.scalar(select(ScannedFile).where(ScannedFile.attachment_id == attachment.id))


def is_current(attachment: Attachment, digest: str) -> bool:
    """True when ``attachment`` was scanned with these bytes and these names."""
    done = scanned_file(attachment)
    return done is not None and done.sha256 == attachment.sha256 and done.names_digest == digest


def record_scan(
    entry: Entry,
    attachment: Attachment,
    outcome: ScanOutcome,
    digest: str,
    document: DocumentText | None = None,
    hits: Iterable[Hit] = (),
    now: datetime | None = None,
) -> ScannedFile:
    """Record what a scan read of ``attachment`` and refresh its findings (module docstring)."""
    now = now or utcnow()
    done = scanned_file(attachment)
    if done is None:
        done = ScannedFile(
            edition_id=entry.edition_id, entry_id=entry.id, attachment_id=attachment.id
        )
        db.session.add(done)
    done.sha256 = attachment.sha256
    done.names_digest = digest
    done.outcome = outcome.value
    done.pages = document.page_count if document is not None else None
    done.unread_pages = list(document.unread_pages) if document is not None else []
    done.scanned_at = now
    _refresh_findings(entry, attachment, list(hits), now)
    db.session.flush()
    return done


def _refresh_findings(entry: Entry, attachment: Attachment, hits: list[Hit], now) -> None:
    """Make the findings of ``attachment`` those of ``hits``, keeping known ones' decisions."""
    known = {
        (f.sha256, f.start, f.kind): f
        for f in db.session.scalars(
            select(DocumentFinding).where(DocumentFinding.attachment_id == attachment.id)
        )
    }
    seen = set()
    for hit in hits:
        key = (attachment.sha256, hit.start, hit.kind)
        if key in seen:
            continue
        seen.add(key)
        finding = known.get(key)
        if finding is None:
            finding = DocumentFinding(
                edition_id=entry.edition_id,
                entry_id=entry.id,
                attachment_id=attachment.id,
                sha256=attachment.sha256,
                start=hit.start,
                kind=hit.kind,
                status=FindingStatus.OPEN.value,
                created_at=now,
            )
            db.session.add(finding)
        finding.page = hit.page
        finding.name = hit.name[:300]
        finding.found = hit.found[:300]
        finding.before = hit.before[-200:]
        finding.after = hit.after[:200]
    for key, finding in known.items():
        if key not in seen:
            db.session.delete(finding)


def forget_others(edition: Edition, scanned_ids: Iterable[int]) -> int:
    """Remove the records of the edition's files that were not scanned this time; returns
    how many files lost their records."""
    keep = set(scanned_ids)
    stale = [
        a
        for a in db.session.scalars(
            select(ScannedFile.attachment_id).where(ScannedFile.edition_id == edition.id)
        )
        if a not in keep
    ]
    stale_findings = [
        a
        for a in db.session.scalars(
            select(DocumentFinding.attachment_id)
            .where(DocumentFinding.edition_id == edition.id)
            .distinct()
        )
        if a not in keep
    ]
    if stale_findings:
        db.session.execute(
            delete(DocumentFinding).where(
                DocumentFinding.edition_id == edition.id,
                DocumentFinding.attachment_id.in_(stale_findings),
            )
        )
    if stale:
        db.session.execute(
            delete(ScannedFile).where(
                ScannedFile.edition_id == edition.id, ScannedFile.attachment_id.in_(stale)
            )
        )
    return len(set(stale) | set(stale_findings))


# --- Decisions --------------------------------------------------------------------------------


def decide(finding: DocumentFinding, status: str, actor, now: datetime | None = None) -> None:
    """Record an organizer's decision on ``finding`` (``accepted``, ``fixed``, or ``open``
    again), audited. Raises :class:`.errors.JudgingError` for an unknown status."""
    try:
        new = FindingStatus(status)
    except ValueError:
        raise JudgingError(_("Trạng thái xử lý không hợp lệ."))
    old = finding.status
    finding.status = new.value
    if new is FindingStatus.OPEN:
        finding.decided_at, finding.decided_by_id = None, None
    else:
        finding.decided_at = now or utcnow()
        finding.decided_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(
        actor,
        "judging.scan_finding",
        "entry",
        finding.entry_id,
        finding_id=finding.id,
        attachment_id=finding.attachment_id,
        page=finding.page,
        kind=finding.kind,
        name=finding.name,
        found=finding.found,
        old=old,
        new=new.value,
    )


# --- Reading the records ----------------------------------------------------------------------


@dataclass
class FileReport:
    """One scanned file of an entry, with its findings."""

    attachment: Attachment
    scanned: ScannedFile
    findings: list[DocumentFinding] = field(default_factory=list)

    @property
    def unread_pages(self) -> list[int]:
        return list(self.scanned.unread_pages or [])

    @property
    def open_count(self) -> int:
        return sum(1 for f in self.findings if f.status == FindingStatus.OPEN.value)


@dataclass
class EntryReport:
    """An entry's scanned files that have findings or pages (or whole files) not read."""

    entry: Entry
    files: list[FileReport] = field(default_factory=list)

    @property
    def findings(self) -> int:
        return sum(len(f.findings) for f in self.files)

    @property
    def open_count(self) -> int:
        return sum(f.open_count for f in self.files)


@dataclass
class ScanSummary:
    """Totals of the last scan of an edition (:func:`summary`)."""

    files: int = 0
    documents_read: int = 0
    pages_read: int = 0
    unread_pages: int = 0
    images: int = 0
    other: int = 0
    unreadable: int = 0
    findings: int = 0
    open: int = 0
    accepted: int = 0
    fixed: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def summary(edition: Edition) -> ScanSummary:
    """Totals of the records of ``edition``'s files and findings."""
    out = ScanSummary()
    for done in db.session.scalars(select(ScannedFile).where(ScannedFile.edition_id == edition.id)):
        out.files += 1
        if done.outcome == ScanOutcome.READ.value:
            out.documents_read += 1
            unread = len(done.unread_pages or [])
            out.unread_pages += unread
            out.pages_read += (done.pages - unread) if done.pages is not None else 0
        elif done.outcome == ScanOutcome.IMAGE.value:
            out.images += 1
        elif done.outcome == ScanOutcome.OTHER.value:
            out.other += 1
        else:
            out.unreadable += 1
    for status in db.session.scalars(
        select(DocumentFinding.status).where(DocumentFinding.edition_id == edition.id)
    ):
        out.findings += 1
        setattr(out, status, getattr(out, status) + 1)
    return out


def report(edition: Edition) -> list[EntryReport]:
    """The entries of ``edition`` with findings or unread parts, by entry code; each file's
    findings in page and offset order. Files read in full with no finding are left out."""
    files = db.session.scalars(
        select(ScannedFile)
        .where(ScannedFile.edition_id == edition.id)
        .options(selectinload(ScannedFile.attachment), selectinload(ScannedFile.entry))
        .order_by(ScannedFile.id)
    ).all()
    findings = db.session.scalars(
        select(DocumentFinding)
        .where(DocumentFinding.edition_id == edition.id)
        .options(selectinload(DocumentFinding.decided_by))
        .order_by(DocumentFinding.attachment_id, DocumentFinding.start)
    ).all()
    by_file: dict[int, list[DocumentFinding]] = {}
    for finding in findings:
        by_file.setdefault(finding.attachment_id, []).append(finding)
    by_entry: dict[int, EntryReport] = {}
    for done in files:
        found = by_file.get(done.attachment_id, [])
        if not found and done.outcome == ScanOutcome.READ.value and not done.unread_pages:
            continue
        item = by_entry.setdefault(done.entry_id, EntryReport(done.entry))
        item.files.append(FileReport(done.attachment, done, found))
    return sorted(by_entry.values(), key=lambda r: (r.entry.code or "", r.entry.id))


def finding_of(edition: Edition, finding_id: int | None) -> DocumentFinding | None:
    """The finding ``finding_id`` of ``edition``, if any."""
    if finding_id is None:
        return None
    finding = db.session.get(DocumentFinding, finding_id)
    if finding is None or finding.edition_id != edition.id:
        return None
    return finding


def withheld_ids(attachment_ids) -> set[int]:
    """The attachments (of ``attachment_ids``) judges must not receive yet: a scan found a name
    in their current bytes and no organizer has accepted or fixed it (blind judging)."""
    ids = list(attachment_ids)
    if not ids:
        return set()
    rows = db.session.execute(
        select(DocumentFinding.attachment_id)
        .join(Attachment, Attachment.id == DocumentFinding.attachment_id)
        .where(
            DocumentFinding.attachment_id.in_(ids),
            DocumentFinding.status == FindingStatus.OPEN.value,
            DocumentFinding.sha256 == Attachment.sha256,
        )
        .distinct()
    )
    return {attachment_id for (attachment_id,) in rows}
