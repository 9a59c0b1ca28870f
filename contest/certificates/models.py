"""Certificates (Giấy chứng nhận) of the authors of prize-winning entries (RULES §6), and the
generations (batches) that printed them.

A ``Certificate`` is issued to ONE author of ONE published winning entry. It keeps a snapshot
of what it certifies (author's name, entry code and title, prize, edition title) and a
verification ``code``: 12 random Crockford base32 characters (60 bits, ``secrets``), shown as
``XXXX-XXXX-XXXX`` and encoded in the QR code printed on it. ``publication_id`` is the version
it was issued for; a later version whose content for that author is identical carries the
same certificate over (same code, no new row). A correction that changes what a certificate
says (prize changed or removed, name or title corrected) revokes it (``revoked_at``,
``revoked_reason``) and, when the author still wins, points it at its successor
(``replaced_by_id``). At most one certificate per (entry, author position) is valid at a time
(a partial unique index); a version holds at most one certificate per (entry, author position).

A ``CertificateBatch`` is one generation of a version's certificates as PDF files in a ZIP: the
settings printed on them (place, date, signatory, organizing units as they were) are stored
with it, so a reprint is the same document; ``zip_key`` names the ZIP in
:mod:`contest.storage` once the job has finished (NULL before: nothing half-written is ever
offered for download).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..models_common import UTCDateTime
from ..timeutil import utcnow

CODE_LENGTH = 12


class Certificate(Model):
    """The certificate of one author of one winning entry (module docstring)."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("code"),
        UniqueConstraint("publication_id", "entry_id", "author_position"),
        CheckConstraint("author_position >= 1", name="author_position_range"),
        CheckConstraint("author_count >= author_position", name="author_count_range"),
        CheckConstraint(f"length(code) = {CODE_LENGTH}", name="code_length"),
        Index(
            "uq_certificates_valid_slot",
            "entry_id",
            "author_position",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The version the certificate was issued for (later identical versions carry it over).
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="RESTRICT"))
    author_position: Mapped[int] = mapped_column()
    #: How many authors the entry had: one → "Tác giả", more → "Đồng tác giả".
    author_count: Mapped[int] = mapped_column(default=1)
    author_name: Mapped[str] = mapped_column(String(200))
    entry_code: Mapped[str] = mapped_column(String(40))
    entry_title: Mapped[str] = mapped_column(String(300))
    prize_code: Mapped[str] = mapped_column(String(20))
    prize_name: Mapped[str] = mapped_column(String(300))
    edition_title: Mapped[str] = mapped_column(String(300))
    #: The verification code, canonical form: 12 Crockford base32 characters, no dashes.
    code: Mapped[str] = mapped_column(String(CODE_LENGTH))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )

    publication = relationship("Publication")
    entry = relationship("Entry")
    replaced_by: Mapped[Certificate | None] = relationship(
        "Certificate", remote_side="Certificate.id", foreign_keys=[replaced_by_id]
    )

    @property
    def valid(self) -> bool:
        """True while the certificate has not been revoked."""
        return self.revoked_at is None

    @property
    def display_code(self) -> str:
        """The code as printed: ``XXXX-XXXX-XXXX``."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    @property
    def co_authored(self) -> bool:
        """True when the entry has several authors (the certificate says "Đồng tác giả")."""
        return self.author_count > 1

    def __repr__(self) -> str:
        return f"<Certificate {self.id} {self.display_code} entry={self.entry_id}>"


class CertificateBatch(Model):
    """One generation of a version's certificates (PDFs in a ZIP), with its settings."""

    __tablename__ = "certificate_batches"
    __table_args__ = (
        Index("ix_certificate_batches_publication_id", "publication_id"),
        CheckConstraint("certificate_count >= 0", name="certificate_count_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"))
    #: Where the certificate is signed ("Tuyên Quang"), printed before its date.
    place: Mapped[str] = mapped_column(String(100))
    certificate_date: Mapped[date] = mapped_column(Date)
    #: One line per printed line, e.g. "TM. BAN TỔ CHỨC\nTRƯỞNG BAN".
    signatory_title: Mapped[str] = mapped_column(String(300))
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    #: The edition's organizing units as they were when the batch was made (one per line).
    organizing_units: Mapped[str] = mapped_column(Text, default="")
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    #: The ZIP in storage; NULL until the job has written it completely.
    zip_key: Mapped[str | None] = mapped_column(String(200))
    zip_size: Mapped[int] = mapped_column(default=0)
    certificate_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    publication = relationship("Publication")
    job = relationship("Job")
    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def ready(self) -> bool:
        """True once the ZIP is stored and can be downloaded."""
        return self.zip_key is not None

    @property
    def signatory_lines(self) -> list[str]:
        """The signatory's title, line by line."""
        return [line.strip() for line in self.signatory_title.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<CertificateBatch {self.id} publication={self.publication_id}>"
