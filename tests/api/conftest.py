"""Fixtures of the API tests: a technical edition judged 5–31 August 2026 with two entries
(one in Yên Sơn owned by the entrant and assigned to one judge with a stored file, one in
Hàm Yên), one user per persona and a token factory.

Personas: ``admin``, ``organizer``, ``coordinator`` (Yên Sơn), ``other_coordinator`` (Hàm
Yên: the Yên Sơn entry is in another area for them), ``judge`` (assigned the Yên Sơn entry),
``other_judge`` (assigned nothing), ``entrant`` (owns the Yên Sơn entry; may hold no token)
and ``anonymous`` (no token)."""

from __future__ import annotations

import pytest

from contest.accounts.models import Role
from contest.api import tokens
from contest.areas.models import AreaLevel
from contest.entries.models import Entry
from contest.extensions import db
from contest.judging import assigning
from tests import factories
from tests.judging.conftest import DEADLINE, JUDGING_ENDS, JUDGING_STARTS, local

AUTHOR = "Phạm Bímật Tácgiả"
OPENS = local(2026, 6, 1, 8, 0)


def _zip_bytes() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ma_nguon/main.py", "print('xin chao')\n")
    return buffer.getvalue()


FILE_BYTES = _zip_bytes()


@pytest.fixture()
def world(app):
    """Everything the API tests point at (ids and users)."""
    province = factories.make_area("Tuyên Quang", AreaLevel.PROVINCE)
    yen_son = factories.make_area("Yên Sơn", AreaLevel.DISTRICT, parent=province)
    ham_yen = factories.make_area("Hàm Yên", AreaLevel.DISTRICT, parent=province)
    make = factories.make_user
    users = {
        "admin": make("admin@example.vn", (Role.ADMIN,), full_name="Quản Trị"),
        "organizer": make("btc@example.vn", (Role.ORGANIZER,), full_name="Trần Tổ Chức"),
        "coordinator": make("ys@example.vn", (Role.COORDINATOR,), area=yen_son),
        "other_coordinator": make("hy@example.vn", (Role.COORDINATOR,), area=ham_yen),
        "judge": make("gk1@example.vn", (Role.JUDGE,), full_name="TS. Lê Văn An"),
        "other_judge": make("gk2@example.vn", (Role.JUDGE,), full_name="Phạm Thị Bình"),
        "entrant": make("ts@example.vn", (Role.ENTRANT,), full_name="Nguyễn Dự Thi"),
    }
    edition = factories.make_edition(
        "technical",
        "stkt-2026",
        "Hội thi STKT 2026",
        DEADLINE,
        users["organizer"],
        opens_at=OPENS,  # public: coordinators and judges see it as the public does
        judging_starts_at=JUDGING_STARTS,
        judging_ends_at=JUDGING_ENDS,
    )
    final = edition.rounds[0]
    mine = _entry(edition, "STKT-CNTT-001", yen_son, users["entrant"])
    theirs = _entry(edition, "STKT-CNTT-002", ham_yen, None)
    attachment = factories.make_attachment(
        mine,
        "source_code",
        content=FILE_BYTES,
        content_type="application/zip",
        original_name=f"Mã nguồn của {AUTHOR}.zip",
    )
    assigning.assign_judges_to_entry(edition, final, mine, [users["judge"]], None)
    db.session.commit()
    return {
        "users": users,
        "edition": edition,
        "round": final,
        "mine": mine,
        "theirs": theirs,
        "attachment": attachment,
    }


def _entry(edition, code, area, owner) -> Entry:
    return factories.make_entry(
        edition, code, "CNTT", authors=(AUTHOR,), area=area, owner=owner, unit_name="Trường Kínđáo"
    )


@pytest.fixture()
def token_for(world):
    """``token_for(persona, scope="write")``: the secret of a new token of that persona."""

    def _make(persona: str, scope: str = "write", days: int = 30) -> str:
        made = tokens.create_token(world["users"][persona], f"khoá {persona}", scope, days)
        db.session.commit()
        return made.secret

    return _make


@pytest.fixture()
def call(client):
    """``call(method, url, token=None, **kwargs)`` with ``Authorization: Bearer``."""

    def _call(method: str, url: str, token: str | None = None, headers=None, **kwargs):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return client.open(url, method=method, headers=headers, **kwargs)

    return _call


def tokens_for_app(world, persona: str, scope: str = "write") -> str:
    """A new token of ``persona`` (for tests that make their own app)."""
    made = tokens.create_token(world["users"][persona], f"khoá {persona}", scope, 30)
    db.session.commit()
    return made.secret
