"""A small world for the bad-input tests: one user per role, the demo editions and one
draft entry of the entrant in the coordinator's district."""

from __future__ import annotations

import pytest

from contest.areas.models import Area
from contest.extensions import db


@pytest.fixture()
def world(app, users):
    """``{"edition": …, "entry": …}`` plus the users (committed)."""
    from contest.contests.demo import seed_editions
    from contest.contests.models import Edition
    from contest.entries import operations

    seed_editions()
    db.session.commit()
    edition = db.session.scalars(db.select(Edition).order_by(Edition.id)).first()
    district = db.session.scalars(db.select(Area).where(Area.name == "Yên Sơn")).one()
    values = {"title": "Bài thử", "field_id": edition.fields[0].id, "area_id": district.id}
    entry = operations.create_draft(
        edition, users["entrant"], {**values, "unit_name": "Trường Thử"}
    )
    db.session.commit()
    return {"edition": edition, "entry": entry, "users": users}
