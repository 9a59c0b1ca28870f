"""National intake tables.

(Editions flagged as national are ``contest.contests.national_flag.NationalEdition``.)
* ``NationalArrival``: the provenance of one entry of a national edition: the sending
  province (name, official code), the entry's code and result there, the package it came in
  (SHA-256) and when. ``(edition, province code, source entry code)`` is unique: a package
  re-imported updates its entries, never duplicates them; ``content_sha256`` (the entry's
  part of the manifest) tells an unchanged entry from a corrected one.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_common import UTCDateTime
from ..timeutil import utcnow


class NationalArrival(db.Model):
    """Where an entry of a national edition came from (module docstring)."""

    __tablename__ = "national_arrivals"
    __table_args__ = (UniqueConstraint("edition_id", "province_code", "source_entry_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), unique=True)
    province_code: Mapped[str] = mapped_column(String(20))
    province_name: Mapped[str] = mapped_column(String(200))
    source_edition_slug: Mapped[str] = mapped_column(String(80))
    source_edition_title: Mapped[str] = mapped_column(String(300))
    source_entry_code: Mapped[str] = mapped_column(String(40))
    prize_name: Mapped[str] = mapped_column(String(300), default="")
    prize_position: Mapped[int | None] = mapped_column()
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    rank: Mapped[int | None] = mapped_column()
    publication_version: Mapped[int | None] = mapped_column()
    files_expected: Mapped[int] = mapped_column(default=0)
    package_sha256: Mapped[str] = mapped_column(String(64))
    content_sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    entry = relationship("Entry")
