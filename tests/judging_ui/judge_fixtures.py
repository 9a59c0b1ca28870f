"""Fixtures of the judge's pages (imported by the test_judge_* modules; the package's
conftest.py belongs to the organizer pages): the judging domain's edition with its judging
window moved around the real clock (the pages use the real time), judges who can log in, and
an accepted entry assigned to the first two judges."""

from __future__ import annotations

from datetime import timedelta

import pytest

from contest.accounts.models import Role
from contest.extensions import db
from contest.judging import assigning
from contest.timeutil import utcnow
from tests import factories
from tests.judging.conftest import make_entry


@pytest.fixture()
def judges(app):
    """Three judges with the test password: An, Bình, Chi."""
    return [
        factories.make_user(f"gk{i}@example.vn", (Role.JUDGE,), full_name=name)
        for i, name in enumerate(("TS. Lê Văn An", "Phạm Thị Bình", "Đỗ Minh Chi"), start=1)
    ]


@pytest.fixture()
def open_edition(edition):
    """The edition with its judging window open now (started yesterday, ends in 10 days)."""
    now = utcnow()
    edition.judging_starts_at = now - timedelta(days=1)
    edition.judging_ends_at = now + timedelta(days=10)
    db.session.commit()
    return edition


@pytest.fixture()
def assigned(open_edition, final, judges):
    """An accepted entry assigned to An and Bình."""
    entry = make_entry(open_edition, "STKT-CNTT-001", authors=("Nguyễn Thị Kín",))
    assigning.assign_judges_to_entry(open_edition, final, entry, judges[:2], None)
    db.session.commit()
    return entry


def close_window(edition) -> None:
    """End the judging window yesterday."""
    edition.judging_ends_at = utcnow() - timedelta(days=1)
    db.session.commit()
