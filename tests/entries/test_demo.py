"""Demo entries: about forty, over the districts and both editions' fields, varied statuses,
eligible authors, idempotent."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from contest.contests.demo import TECHNICAL_SLUG, YOUTH_SLUG, seed_editions
from contest.contests.models import Edition
from contest.demo import seed_demo
from contest.entries import completeness
from contest.entries.demo import seed_entries
from contest.entries.models import Entry
from contest.extensions import db


def _current_entries() -> list[Entry]:
    """The entries of the two open demo editions (not last year's published ones)."""
    slugs = (YOUTH_SLUG, TECHNICAL_SLUG)
    return db.session.scalars(select(Entry).join(Edition).where(Edition.slug.in_(slugs))).all()


@pytest.mark.slow
def test_seed_demo_adds_entries_once(app):
    seed_demo()
    entries = _current_entries()
    assert 35 <= len(entries) <= 45
    statuses = Counter(e.status for e in entries)
    assert statuses["accepted"] > len(entries) / 2
    assert statuses["submitted"] and statuses["received"] and statuses["draft"]
    rejected = [e for e in entries if e.status == "rejected"]
    assert rejected and all(e.rejection_reason for e in rejected)
    assert len({e.area_id for e in entries}) == 7  # every district
    assert {e.edition.kind for e in entries} == {"youth", "technical"}
    for edition in {e.edition for e in entries}:
        used = {e.field.code for e in entries if e.edition_id == edition.id}
        assert used == {f.code for f in edition.fields}
    codes = [e.code for e in entries if e.code]
    assert len(codes) == len(set(codes)) == len(entries) - statuses["draft"]
    for entry in entries:
        assert 1 <= len(entry.authors) <= 3
        assert completeness.eligibility_problems(entry, datetime.now(UTC).date()) == []
    assert any(e.owner and e.owner.email == "thisinh@demo.vn" for e in entries)
    total = len(db.session.scalars(select(Entry)).all())
    seed_demo()
    assert len(db.session.scalars(select(Entry)).all()) == total


def test_seed_entries_without_areas_or_users_still_works(app):
    seed_editions(now=datetime(2025, 11, 20, 3, 0, tzinfo=UTC))
    created = seed_entries(now=datetime(2025, 11, 20, 3, 0, tzinfo=UTC))
    db.session.commit()
    assert len(created) == 40
    assert all(e.area_id is None and e.area_name for e in created)
    assert seed_entries() == []
