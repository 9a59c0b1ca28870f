"""Fixtures of the panel's discussion tests: a CNTT panel with two assigned judges, one
member not assigned and one conflicted member, a judge of the CK panel, and the other
personas; clients logged in through the real form."""

from __future__ import annotations

import pytest

from contest.accounts.models import Role
from contest.extensions import db
from contest.judging.conflicts import declare_conflict
from contest.judging.panels import add_judges, ensure_panel
from tests import factories

AUTHOR = "Nguyễn Thị Kín"  # the assigned entry's author (judge_fixtures.assigned)


@pytest.fixture()
def cast(app, open_edition, final, judges, assigned, organizer):
    """The CNTT panel (An, Bình assigned; Chi on the panel, not assigned; Giang on the panel
    but conflicted), Dũng on the CK panel, and the other personas."""
    cntt = ensure_panel(open_edition, open_edition.field_by_code("CNTT"), final, organizer)
    conflicted = factories.make_user("gk5@example.vn", (Role.JUDGE,), full_name="Hồ Văn Giang")
    add_judges(cntt, [*judges, conflicted], organizer)
    other = factories.make_user("gk4@example.vn", (Role.JUDGE,), full_name="Lý Văn Dũng")
    ck = ensure_panel(open_edition, open_edition.field_by_code("CK"), final, organizer)
    add_judges(ck, [other], organizer)
    declare_conflict(open_edition, conflicted, "entry", organizer, entry=assigned)
    db.session.commit()
    return {
        "assigned": judges[0],
        "assigned2": judges[1],
        "panel": judges[2],
        "conflicted": conflicted,
        "other_panel": other,
        "organizer": organizer,
        "admin": factories.make_user("admin@example.vn", (Role.ADMIN,)),
        "entrant": factories.make_user("ts@example.vn", (Role.ENTRANT,)),
        "coordinator": factories.make_user("ph@example.vn", (Role.COORDINATOR,)),
    }


def client_for(app, user):
    client = app.test_client()
    if user is not None:
        response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def judge_url(entry, round_) -> str:
    return f"/judge/entries/{entry.id}/discussion/{round_.id}"


def org_url(edition, entry, round_) -> str:
    return f"/organizer/judging/{edition.slug}/entries/{entry.id}/discussion?round={round_.code}"
