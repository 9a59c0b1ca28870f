"""Fixtures of the entry page tests: an area tree, people of every role, a youth and a
technical edition open now (the pages use the real clock), entry builders, logged-in clients
and small real files."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from PIL import Image

from contest.accounts.models import Role
from contest.areas.models import AreaLevel
from contest.entries.attachment_demo import sample_pdf
from contest.extensions import db
from contest.timeutil import LOCAL_TZ, utcnow
from tests import factories

# Born inside the youth band (6–19) whatever the deadline of the next months.
CHILD = date(2012, 5, 4)
CHILD_2 = date(2013, 9, 12)


def local_deadline(days: int) -> datetime:
    """17:00 Vietnam time, ``days`` from today."""
    day = (utcnow().astimezone(LOCAL_TZ) + timedelta(days=days)).date()
    return datetime.combine(day, datetime.min.time().replace(hour=17), tzinfo=LOCAL_TZ)


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
    """An organizer, two entrants (Yên Sơn, Hàm Yên), a coordinator of each district, a
    judge."""
    entrant = factories.make_user("an@example.vn", (Role.ENTRANT,), full_name="Lê An")
    entrant.area_id = tree["yen_son"].id
    other = factories.make_user("binh@example.vn", (Role.ENTRANT,), full_name="Hà Bình")
    other.area_id = tree["ham_yen"].id
    db.session.commit()
    return {
        "organizer": factories.make_user("btc@example.vn", (Role.ORGANIZER,)),
        "entrant": entrant,
        "other": other,
        "coord": factories.make_user("ys@example.vn", (Role.COORDINATOR,), area=tree["yen_son"]),
        "coord_hy": factories.make_user("hy@example.vn", (Role.COORDINATOR,), area=tree["ham_yen"]),
        "judge": factories.make_user("gk@example.vn", (Role.JUDGE,)),
    }


def open_edition(kind: str, slug: str, organizer, days: int = 20):
    """An edition of ``kind`` opened 10 days ago, deadline in ``days`` days."""
    since = {"applied_since": date(2020, 1, 1)} if kind == "technical" else {}
    return factories.make_edition(
        kind,
        slug,
        f"Lần thi {slug}",
        local_deadline(days),
        organizer,
        opens_at=utcnow() - timedelta(days=10),
        **since,
    )


@pytest.fixture()
def youth(people):
    """A youth edition open now (fields HT, PM, …; ages 6–19; at most 5 authors)."""
    return open_edition("youth", "ttn-mo", people["organizer"])


@pytest.fixture()
def technical(people):
    """A technical edition open now (fields CNTT, …; applied since 1/1/2020)."""
    return open_edition("technical", "stkt-mo", people["organizer"])


def make_entry(
    edition,
    owner,
    area,
    *,
    field: str | None = None,
    title: str = "Thước đo đa năng",
    authors=None,
    complete: bool = True,
    submit: bool = False,
):
    """A committed entry of ``owner`` in ``area`` (``factories.make_draft`` now);
    ``complete``: authors, unit, application data and the required attachments; ``submit``:
    submitted too."""
    details = {"unit_name": "Trường THCS Thử"} if complete else {}
    if complete and edition.kind == "technical":
        details.update(applied_at=date(2022, 3, 1), applied_where="Nhà máy chè Mỹ Lâm")
    return factories.make_draft(
        edition,
        owner,
        title=title,
        field=field,
        area=area,
        complete=complete,
        authors=authors,
        submit=submit,
        **details,
    )


@pytest.fixture()
def client_for(app):
    """``client_for(user)``: a new test client logged in as ``user`` (None: anonymous)."""

    def _client(user):
        client = app.test_client()
        if user is not None:
            response = client.post(
                "/login", data={"email": user.email, "password": factories.PASSWORD}
            )
            assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return client

    return _client


def pdf_bytes(text: str = "Ban thuyet minh") -> bytes:
    """A small, well-formed PDF."""
    return sample_pdf("Bản thuyết minh", [text])


def png_bytes(size=(320, 240), color=(30, 120, 200)) -> bytes:
    """A real PNG image."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def text_of(response) -> str:
    """The body of a response as text."""
    return response.get_data(as_text=True)
