"""Fixtures of the entries tests: a small area tree, one user per role, a youth and a
technical edition open from 1/3/2026 to 31/7/2026 17:00 (Vietnam time), entry builders."""

from __future__ import annotations

import secrets
from datetime import date, datetime

import pytest

from contest.accounts.models import Role
from contest.areas.models import AreaLevel
from contest.contests import operations as editions
from contest.entries import operations
from contest.entries.models import Attachment
from contest.extensions import db
from contest.timeutil import LOCAL_TZ
from tests import factories


def local(*args) -> datetime:
    """An aware Vietnam-time datetime."""
    return datetime(*args, tzinfo=LOCAL_TZ)


OPENS = local(2026, 3, 1, 7, 30)
DEADLINE = local(2026, 7, 31, 17, 0)
BEFORE = local(2026, 6, 1, 9, 0)
# Born inside the youth band 6–19 at 31/7/2026: 31/7/2007 … 31/7/2020.
CHILD = date(2012, 5, 4)


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
    edition = editions.create_from_template(
        "youth", "ttn-2026", "Cuộc thi TTN-NĐ 2026", DEADLINE, people["organizer"], opens_at=OPENS
    )
    db.session.commit()
    return edition


@pytest.fixture()
def technical(app, people):
    """The technical edition (fields CNTT, CK, …; applied since 1/1/2023)."""
    edition = editions.create_from_template(
        "technical", "stkt-2026", "Hội thi STKT 2026", DEADLINE, people["organizer"], opens_at=OPENS
    )
    edition.applied_since = date(2023, 1, 1)
    db.session.commit()
    return edition


def attach_required(entry) -> None:
    """Give ``entry`` one (fake) attachment of every kind its checklist requires."""
    for kind in entry.field.required_attachments:
        token = secrets.token_hex(16)
        entry.attachments.append(
            Attachment(
                kind=kind,
                original_name=f"{kind}.pdf",
                storage_key=f"entries/{token[:2]}/{token}.pdf",
                content_type="application/pdf",
                size_bytes=1234,
                sha256="0" * 64,
            )
        )
    db.session.flush()


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
    """A committed draft of ``owner``; ``complete``: authors, unit, mentor/applied data and
    the required attachments, ready to submit."""
    values = {"title": title, "field_id": edition.field_by_code(field).id}
    if area is not None:
        values["area_id"] = area.id
    if complete:
        values["unit_name"] = "Trường THCS Yên Sơn"
        if area is None:
            values["area_name"] = "Địa bàn ngoài danh sách"
        if edition.kind == "technical":
            values["applied_at"] = date(2024, 3, 1)
            values["applied_where"] = "Nhà máy xi măng"
    entry = operations.create_draft(edition, owner, values, now=now)
    if complete:
        operations.set_authors(
            entry,
            owner,
            authors
            or [
                operations.AuthorData(
                    "Nguyễn Minh Anh", CHILD, "F", phone="0912345678", is_representative=True
                )
            ],
            now=now,
        )
        attach_required(entry)
    db.session.commit()
    return entry
