"""Fixtures of the edition pages tests: editions in several phases, an area tree, a real PDF,
and helpers that post a settings form as the browser would."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from contest.areas.models import AreaLevel
from contest.contests import operations
from contest.contests.definition import spec_from_edition, spec_to_json
from contest.contests.templates import template_spec
from contest.extensions import db
from contest.timeutil import LOCAL_TZ, utcnow
from tests import factories


def local(*args) -> datetime:
    """An aware Vietnam-time datetime."""
    return datetime(*args, tzinfo=LOCAL_TZ)


def form_moment(value: datetime) -> str:
    """A moment as the browser's date-time input sends it (Vietnam time)."""
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def make_pdf(text: str = "The le cuoc thi") -> bytes:
    """A small but real, well-formed PDF (one page, one line of text, exact xref offsets)."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def definition_of(edition) -> dict:
    """The edition's current definition (as the settings pages load it)."""
    db.session.expire_all()
    return spec_to_json(spec_from_edition(edition))


def grid_data(items: list[dict], keys: tuple[str, ...], version: int, **extra) -> dict:
    """Form data of a grid page holding ``items`` in order, as the browser posts it."""
    data: dict = {"version": str(version), **extra}
    for i, item in enumerate(items):
        data[f"rows-{i}-position"] = str(item.get("position", i + 1))
        for key in keys:
            value = item.get(key)
            if isinstance(value, bool):
                if value:
                    data[f"rows-{i}-{key}"] = "y"
            elif isinstance(value, list):
                data[f"rows-{i}-{key}"] = value
            elif value is not None:
                data[f"rows-{i}-{key}"] = str(value)
    return data


CRITERION_KEYS = ("code", "name", "max_points", "tiebreak", "remove")
PRIZE_KEYS = ("code", "name", "min_score", "quota", "scope", "amount_vnd", "automatic", "remove")
FIELD_KEYS = ("code", "name", "attachments", "remove")


@pytest.fixture()
def organizer(users, login):
    """The organizer of ``users``, logged in."""
    login(users["organizer"])
    return users["organizer"]


def _create(kind, slug, title, deadline, opens_at, actor, **extra):
    spec = template_spec(kind, slug, title, deadline)
    spec.opens_at = opens_at
    for key, value in extra.items():
        setattr(spec, key, value)
    edition = operations.create_edition(spec, actor, source=f"template:{kind}")
    db.session.commit()
    return edition


@pytest.fixture()
def open_edition(users):
    """A youth edition open now: deadline 20 days ahead (17:00 local), amounts set."""
    now = utcnow()
    deadline = datetime.combine(
        (now.astimezone(LOCAL_TZ) + timedelta(days=20)).date(),
        datetime.min.time().replace(hour=17),
        tzinfo=LOCAL_TZ,
    )
    edition = _create(
        "youth",
        "ttnnd-tq-8",
        "Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Tuyên Quang lần thứ 8",
        deadline,
        now - timedelta(days=10),
        users["admin"],
        number=8,
        description="Dòng một.\nDòng hai <b>không phải HTML</b>.",
    )
    return edition


@pytest.fixture()
def draft_edition(users):
    """A technical edition not yet opened (a draft: not public)."""
    return _create(
        "technical",
        "stkt-nhap",
        "Hội thi Sáng tạo Kỹ thuật (bản nháp)",
        utcnow() + timedelta(days=60),
        None,
        users["admin"],
    )


@pytest.fixture()
def judging_edition(users):
    """A technical edition whose judging started yesterday (rubric and prizes frozen)."""
    now = utcnow()
    return _create(
        "technical",
        "stkt-dang-cham",
        "Hội thi Sáng tạo Kỹ thuật (đang chấm)",
        now - timedelta(days=5),
        now - timedelta(days=60),
        users["admin"],
        judging_starts_at=now - timedelta(days=1),
    )


@pytest.fixture()
def areas(users):
    """Tuyên Quang (made by ``users``) with two districts; Yên Sơn has a commune."""
    from contest.areas.operations import find_area

    province = find_area("Tuyên Quang")
    yen_son = find_area("Yên Sơn", province)
    son_duong = factories.make_area("Sơn Dương", AreaLevel.DISTRICT, parent=province)
    trung_mon = factories.make_area("Trung Môn", AreaLevel.COMMUNE, parent=yen_son)
    return {"province": province, "yen_son": yen_son, "son_duong": son_duong, "commune": trung_mon}
