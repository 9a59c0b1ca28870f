"""Tables of the document scan (:mod:`.doc_scan`): what the scan read of each attachment, and
the names it found in them.

* :class:`ScannedFile` — one row per attachment the last scan looked at: the content it read
  (``sha256``) against which names (``names_digest``), whether its text could be read at all
  (``outcome``), and for a PDF the page count and the pages without text (scanned images: not
  read).
* :class:`DocumentFinding` — a known name (author, mentor, unit, area) found in the text of an
  attachment, with the page (None for DOCX, which has no pages), the text as written and its
  context. A finding is keyed by (attachment, sha256, offset, kind): the offset counts from the
  start of the document's extracted text, so a re-scan of the same bytes finds the same key
  and keeps the organizer's decision. Organizers mark a finding ``accepted`` (the name may
  stay) or ``fixed`` (the file was corrected); a decided finding has its decision time.

Rows go with their edition, entry or attachment (CASCADE): replacing a file removes the old
attachment's findings, and the next scan reads the new file.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..models_common import UTCDateTime
from ..timeutil import utcnow


def _in(column: str, values) -> str:
    """SQL ``column IN ('a', 'b')`` for a check constraint."""
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class FindingKind(enum.StrEnum):
    """Whose name a finding is."""

    AUTHOR = "author"
    MENTOR = "mentor"
    UNIT = "unit"
    AREA = "area"

    @property
    def label(self):
        """The kind as people read it."""
        return FINDING_KIND_LABELS[self]


FINDING_KIND_LABELS = {
    FindingKind.AUTHOR: _l("Tên tác giả"),
    FindingKind.MENTOR: _l("Tên người hướng dẫn"),
    FindingKind.UNIT: _l("Tên đơn vị"),
    FindingKind.AREA: _l("Tên địa phương"),
}


class FindingStatus(enum.StrEnum):
    """What the organizers decided about a finding."""

    OPEN = "open"  # not yet looked at
    ACCEPTED = "accepted"  # the name may stay (e.g. a cited source)
    FIXED = "fixed"  # the file was corrected or replaced

    @property
    def label(self):
        """The status as people read it."""
        return FINDING_STATUS_LABELS[self]


FINDING_STATUS_LABELS = {
    FindingStatus.OPEN: _l("Chưa xử lý"),
    FindingStatus.ACCEPTED: _l("Chấp nhận giữ nguyên"),
    FindingStatus.FIXED: _l("Đã sửa"),
}


class ScanOutcome(enum.StrEnum):
    """How much of a file the scan could read."""

    READ = "read"  # text extracted (a PDF may still have pages without text)
    IMAGE = "image"  # a picture: never read
    UNREADABLE = "unreadable"  # damaged, encrypted or otherwise not readable
    OTHER = "other"  # not a document (video, archive, installer): never read


class ScannedFile(Model):
    """What the last scan read of one attachment."""

    __tablename__ = "judging_doc_files"
    __table_args__ = (
        UniqueConstraint("attachment_id"),
        CheckConstraint(_in("outcome", [o.value for o in ScanOutcome]), name="outcome_valid"),
        CheckConstraint("pages IS NULL OR pages >= 0", name="pages_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    attachment_id: Mapped[int] = mapped_column(
        ForeignKey("entry_attachments.id", ondelete="CASCADE")
    )
    sha256: Mapped[str] = mapped_column(String(64))
    # What the file was read against: the entry's names and the reader's version (a file
    # whose bytes and names are unchanged is not read again).
    names_digest: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(12))
    pages: Mapped[int | None] = mapped_column()  # PDF page count (None: not a PDF)
    unread_pages: Mapped[list[int]] = mapped_column(JSON, default=list)  # 1-based
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    attachment = relationship("Attachment")
    entry = relationship("Entry")


class DocumentFinding(Model):
    """A known name found in an attachment's text (see the module docstring)."""

    __tablename__ = "judging_doc_findings"
    __table_args__ = (
        UniqueConstraint("attachment_id", "sha256", "start", "kind"),
        CheckConstraint(_in("kind", [k.value for k in FindingKind]), name="kind_valid"),
        CheckConstraint(_in("status", [s.value for s in FindingStatus]), name="status_valid"),
        CheckConstraint("page IS NULL OR page >= 1", name="page_range"),
        CheckConstraint("start >= 0", name="start_range"),
        CheckConstraint("status = 'open' OR decided_at IS NOT NULL", name="decided_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    attachment_id: Mapped[int] = mapped_column(
        ForeignKey("entry_attachments.id", ondelete="CASCADE")
    )
    sha256: Mapped[str] = mapped_column(String(64))
    page: Mapped[int | None] = mapped_column()  # 1-based; None for a DOCX
    start: Mapped[int] = mapped_column()  # offset in the document's extracted text
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(300))  # the known name it matched
    found: Mapped[str] = mapped_column(String(300))  # the text as written in the file
    before: Mapped[str] = mapped_column(String(200), default="")
    after: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default=FindingStatus.OPEN.value)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    attachment = relationship("Attachment")
    entry = relationship("Entry")
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def kind_label(self) -> str:
        """Whose name this is, in the user's language."""
        return str(FindingKind(self.kind).label)

    @property
    def status_label(self) -> str:
        """The decision, in the user's language."""
        return str(FindingStatus(self.status).label)
