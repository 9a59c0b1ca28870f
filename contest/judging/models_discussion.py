"""The panel's discussion of an entry (tables): one comment thread per (round, entry), and per
judge the last comment their daily digest covered.

The database keeps a comment between 1 and 4000 characters; a hidden comment has the time it
was hidden. Who may read or write a thread is decided by :mod:`.discussion`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..models_common import UTCDateTime
from ..timeutil import utcnow

BODY_MAX = 4000


class Comment(Model):
    """A comment in the panel's thread about an entry in a round."""

    __tablename__ = "judging_comments"
    __table_args__ = (
        CheckConstraint(f"length(body) >= 1 AND length(body) <= {BODY_MAX}", name="body_length"),
        Index("ix_judging_comments_round_entry", "round_id", "entry_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by_organizer: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    author = relationship("User", foreign_keys=[author_id])

    @property
    def hidden(self) -> bool:
        """True once an organizer hid the comment."""
        return self.hidden_at is not None


class DigestMark(Model):
    """The newest comment id a judge's daily digest has covered."""

    __tablename__ = "judging_comment_digests"

    judge_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    last_comment_id: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
