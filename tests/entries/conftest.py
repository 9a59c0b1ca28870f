"""Fixtures of the entries tests: a small area tree, one user per role, a youth and a
technical edition open from 1/3/2026 to 31/7/2026 17:00 (Vietnam time), entry builders."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from contest.accounts.models import Role
from contest.areas.models import AreaLevel
from contest.timeutil import LOCAL_TZ
from tests import factories
from tests.factories import CHILD  # noqa: F401 - used by the entries tests


def local(*args) -> datetime:
    """An aware Vietnam-time datetime."""
    return datetime(*args, tzinfo=LOCAL_TZ)


OPENS = local(2026, 3, 1, 7, 30)
DEADLINE = local(2026, 7, 31, 17, 0)
BEFORE = local(2026, 6, 1, 9, 0)
# CHILD (factories): born 4/5/2012, inside the youth band 6–19 at 31/7/2026.


@pytest.fixture()
def tree(app):
    """Tuyên Quang → Yên Sơn (→ Xã Mỹ Bằng) and Hàm Yên."""
    province = factories.make_area("Tuyên Quang", AreaLevel.PROVINCE)
    yen_son = factories.make_area("Yên Sơn", AreaLevel.DISTRICT, parent=province)
    ham_yen = factories.make_area("Hàm Yên", AreaLevel.DISTRICT, parent=province)
    my_bang = factories.make_area("Xã Mỹ Bằng", AreaLevel.COMMUNE, parent=yen_son)
    return {"province": province, "yen_son": yen_son, "ham_yen": ham_yen, "my_bang": my_bang}


@pytest.fixture()
def people(tree):
    """An organizer, two entrants, a coordinator of Yên Sơn and one of Hàm Yên, a judge."""
    return {
        "organizer": factories.make_user("btc@example.vn", (Role.ORGANIZER,)),
        "entrant": factories.make_user("an@example.vn", (Role.ENTRANT,), full_name="Lê An"),
        "other": factories.make_user("binh@example.vn", (Role.ENTRANT,), full_name="Hà Bình"),
        "coord": factories.make_user("ys@example.vn", (Role.COORDINATOR,), area=tree["yen_son"]),
        "coord_hy": factories.make_user("hy@example.vn", (Role.COORDINATOR,), area=tree["ham_yen"]),
        "judge": factories.make_user("gk@example.vn", (Role.JUDGE,)),
    }


@pytest.fixture()
def youth(app, people):
    """The youth edition (fields HT, PM, …; ages 6–19; at most 5 authors)."""
    return factories.make_edition(
        "youth", "ttn-2026", "Cuộc thi TTN-NĐ 2026", DEADLINE, people["organizer"], opens_at=OPENS
    )


@pytest.fixture()
def technical(app, people):
    """The technical edition (fields CNTT, CK, …; applied since 1/1/2023)."""
    return factories.make_edition(
        "technical",
        "stkt-2026",
        "Hội thi STKT 2026",
        DEADLINE,
        people["organizer"],
        opens_at=OPENS,
        applied_since=date(2023, 1, 1),
    )


def make_draft(
    edition,
    owner,
    area=None,
    field="HT",
    title="Thước đo đa năng",
    authors=None,
    complete=True,
    now=BEFORE,
):
    """A committed draft of ``owner`` (``factories.make_draft`` at ``now``); ``complete``:
    authors, unit, mentor/applied data and the required attachments, ready to submit."""
    return factories.make_draft(
        edition,
        owner,
        title=title,
        field=field,
        area=area,
        complete=complete,
        authors=authors,
        now=now,
    )
