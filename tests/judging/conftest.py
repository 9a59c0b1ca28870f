"""Fixtures of the judging tests: a technical edition (fields CNTT, CK, …; criteria novelty 30,
applicability 30, effect 40; one round ``final``; 2 judges per entry) whose judging window is
5–31 August 2026 (Vietnam time), an organizer, three judges, and the entry builder
(``factories.make_entry``: ``make_entry(edition, code, field="CNTT", authors=…)``)."""

from __future__ import annotations

from datetime import datetime

import pytest

from contest.accounts.models import Role
from contest.areas.models import AreaLevel
from contest.timeutil import LOCAL_TZ
from tests import factories
from tests.factories import make_entry  # noqa: F401 - the judging tests' entry builder


def local(*args) -> datetime:
    """An aware Vietnam-time datetime."""
    return datetime(*args, tzinfo=LOCAL_TZ)


DEADLINE = local(2026, 7, 31, 17, 0)
JUDGING_STARTS = local(2026, 8, 5, 8, 0)
JUDGING_ENDS = local(2026, 8, 31, 17, 0)
DURING = local(2026, 8, 10, 9, 0)
BEFORE = local(2026, 8, 1, 9, 0)
AFTER = local(2026, 9, 1, 9, 0)


@pytest.fixture()
def places(app):
    """Tuyên Quang → Yên Sơn (→ Xã Mỹ Bằng), Hàm Yên; units in Yên Sơn and Hàm Yên."""
    province = factories.make_area("Tuyên Quang", AreaLevel.PROVINCE)
    yen_son = factories.make_area("Yên Sơn", AreaLevel.DISTRICT, parent=province)
    ham_yen = factories.make_area("Hàm Yên", AreaLevel.DISTRICT, parent=province)
    my_bang = factories.make_area("Xã Mỹ Bằng", AreaLevel.COMMUNE, parent=yen_son)
    cement = factories.make_unit("Công ty Xi măng Tân Quang", yen_son, "other", commit=False)
    school = factories.make_unit("Trường THPT Hàm Yên", ham_yen, "other")
    return {
        "yen_son": yen_son,
        "ham_yen": ham_yen,
        "my_bang": my_bang,
        "cement": cement,
        "school": school,
    }


@pytest.fixture()
def organizer(app):
    return factories.make_user("btc@example.vn", (Role.ORGANIZER,), full_name="Trần Tổ Chức")


@pytest.fixture()
def judges(app):
    """Three judges: An, Bình, Chi (ids in that order)."""
    return [
        factories.make_user(f"gk{i}@example.vn", (Role.JUDGE,), full_name=name, password=None)
        for i, name in enumerate(("TS. Lê Văn An", "Phạm Thị Bình", "Đỗ Minh Chi"), start=1)
    ]


@pytest.fixture()
def edition(app, organizer):
    """The technical edition, judging 5–31/8/2026."""
    return factories.make_edition(
        "technical",
        "stkt-2026",
        "Hội thi STKT 2026",
        DEADLINE,
        organizer,
        judging_starts_at=JUDGING_STARTS,
        judging_ends_at=JUDGING_ENDS,
    )


@pytest.fixture()
def final(edition):
    return edition.rounds[0]
