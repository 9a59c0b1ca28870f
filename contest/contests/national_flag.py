"""Editions flagged as national: a national edition, organized by the national body,
receives the provinces' selections (contest.national imports them). A table of its own
(``national_editions``) rather than a column on ``editions``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from ..models_common import UTCDateTime
from ..timeutil import utcnow
from .models import Edition


class NationalEdition(Model):
    """An edition flagged as national."""

    __tablename__ = "national_editions"

    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True
    )
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition = relationship("Edition")


def is_national(edition: Edition) -> bool:
    """True when ``edition`` is flagged as national."""
    return db.session.get(NationalEdition, edition.id) is not None


def national_editions() -> list[Edition]:
    """Every national edition, newest first (seen by the organizers of every province, who
    send their selections to it)."""
    return list(
        db.session.scalars(
            select(Edition)
            .join(NationalEdition, NationalEdition.edition_id == Edition.id)
            .order_by(Edition.submission_deadline.desc(), Edition.id.desc())
            .execution_options(all_provinces=True)  # contest.contests.tenancy.ALL_PROVINCES
        )
    )
