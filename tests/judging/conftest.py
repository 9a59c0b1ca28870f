"""Fixtures of the judging tests: a technical edition (fields CNTT, CK, …; criteria novelty 30,
applicability 30, effect 40; one round ``final``; 2 judges per entry) whose judging window is
5–31 August 2026 (Vietnam time), an organizer, three judges, and an entry builder."""

from __future__ import annotations

from datetime import datetime

import pytest

from contest.accounts.models import Role
from contest.areas.models import AreaLevel, Unit
from contest.contests import operations as editions
from contest.entries.models import Author, Entry
from contest.extensions import db
from contest.timeutil import LOCAL_TZ
from tests import factories


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
    cement = Unit(name="Công ty Xi măng Tân Quang", area=yen_son)
    school = Unit(name="Trường THPT Hàm Yên", area=ham_yen)
    db.session.add_all([cement, school])
    db.session.commit()
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
    edition = editions.create_from_template(
        "technical", "stkt-2026", "Hội thi STKT 2026", DEADLINE, organizer
    )
    edition.judging_starts_at = JUDGING_STARTS
    edition.judging_ends_at = JUDGING_ENDS
    db.session.commit()
    return edition


@pytest.fixture()
def final(edition):
    return edition.rounds[0]


def make_entry(
    edition,
    code: str,
    field: str = "CNTT",
    *,
    authors=("Nguyễn Văn Tác Giả",),
    unit=None,
    unit_name: str = "",
    area=None,
    mentor_name: str = "",
    mentor_email: str = "",
    organisation: str = "",
    status: str = "accepted",
    summary: str = "Tóm tắt giải pháp.",
) -> Entry:
    """A committed entry of ``edition`` with ``authors`` (full names)."""
    entry = Entry(
        edition_id=edition.id,
        code=code,
        title=f"Giải pháp {code}",
        field_id=edition.field_by_code(field).id,
        summary=summary,
        unit_id=unit.id if unit else None,
        unit_name=unit_name,
        area_id=area.id if area else None,
        mentor_name=mentor_name,
        mentor_email=mentor_email,
        status=status,
        source="import",
    )
    for position, name in enumerate(authors, start=1):
        entry.authors.append(
            Author(
                position=position,
                full_name=name,
                organisation=organisation,
                is_representative=position == 1,
            )
        )
    db.session.add(entry)
    db.session.commit()
    return entry
