"""Demo editions: one of each contest, the youth one open now, the technical one inside its
judging window now; idempotent."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from contest.contests import operations
from contest.contests.demo import TECHNICAL_SLUG, YOUTH_SLUG, seed_editions
from contest.contests.models import Edition
from contest.contests.timeline import Phase
from contest.extensions import db


def test_seed_editions_is_idempotent_one_open_one_being_judged(app):
    now = datetime(2025, 11, 20, 3, 0, tzinfo=UTC)
    first = seed_editions(now=now)
    db.session.commit()
    second = seed_editions(now=now)
    db.session.commit()
    assert [e.id for e in first] == [e.id for e in second]
    assert db.session.scalar(select(db.func.count()).select_from(Edition)) == 2
    youth = operations.get_edition(YOUTH_SLUG)
    technical = operations.get_edition(TECHNICAL_SLUG)
    assert youth.title.startswith("Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Tuyên Quang")
    assert youth.number == 8 and youth.kind == "youth"
    assert technical.title.startswith("Hội thi Sáng tạo Kỹ thuật tỉnh Tuyên Quang lần thứ X")
    assert technical.kind == "technical" and technical.applied_since is not None
    assert operations.edition_phase(youth, now) == Phase.OPEN
    assert (youth.submission_deadline - now).days >= 21
    assert operations.edition_phase(technical, now) == Phase.JUDGING
    assert technical.submission_deadline < technical.judging_starts_at < now
    assert (technical.judging_ends_at - now).days >= 14
