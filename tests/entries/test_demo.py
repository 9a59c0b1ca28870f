"""Demo entries: about forty, over the districts and both editions' fields, varied statuses,
eligible authors, idempotent."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select

from contest.contests.demo import seed_editions
from contest.demo import seed_demo
from contest.entries import completeness
from contest.entries.demo import seed_entries
from contest.entries.models import Entry
from contest.extensions import db


def test_seed_demo_adds_entries_once(app):
    seed_demo()
    entries = db.session.scalars(select(Entry)).all()
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
    seed_demo()
    assert len(db.session.scalars(select(Entry)).all()) == len(entries)


def test_seed_entries_without_areas_or_users_still_works(app):
    seed_editions(now=datetime(2025, 11, 20, 3, 0, tzinfo=UTC))
    created = seed_entries(now=datetime(2025, 11, 20, 3, 0, tzinfo=UTC))
    db.session.commit()
    assert len(created) == 40
    assert all(e.area_id is None and e.area_name for e in created)
    assert seed_entries() == []
