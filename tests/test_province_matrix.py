"""Two provinces on one instance: the access matrix, from the other province's side.

The world of :mod:`tests.test_access_matrix` (editions, entries, jobs, judging, results,
publication… of Tuyên Quang) is built, then a second province (Hà Nội) with its own
organizer, coordinator and judge and its own edition. Every route is requested by each
persona of the second province with the first province's ids and slugs: none answers 200
unless the route is public, and no list page a staff member of Hà Nội opens names Tuyên
Quang's editions or entries. The first province's organizer, bound to it, still reaches its
own edition and not Hà Nội's.
"""

from __future__ import annotations

import pytest

from contest.accounts.models import Role, UserRole
from contest.areas.models import Area, AreaLevel
from contest.contests import tenancy
from contest.contests.models import Edition
from contest.extensions import db
from tests import factories
from tests.test_access_matrix import MATRIX, _rules, _url, world  # noqa: F401 - fixture

OTHER = ("organizer_hn", "coordinator_hn", "judge_hn")
# Routes whose 200 shows nothing of a province: forms to create, lists that must be checked
# for leaks instead (see test_lists_of_the_other_province_name_nothing).
NOT_OF_A_PROVINCE = {"editions.new"}


def _province(name: str, code: str) -> Area:
    province = Area(name=name, level=AreaLevel.PROVINCE.value, code=code)
    commune = Area(name=f"Phường thử {name}", level=AreaLevel.COMMUNE.value, parent=province)
    db.session.add_all([province, commune])
    db.session.commit()
    return province


@pytest.fixture()
def two_provinces(app, users, world):  # noqa: F811 - the imported fixture
    """The world (Tuyên Quang) plus Hà Nội with its staff and an edition of its own."""
    from contest.contests.operations import create_edition
    from contest.contests.templates import template_spec
    from contest.timeutil import utcnow

    tuyen_quang = db.session.scalars(
        db.select(Area).where(Area.name == "Tuyên Quang", Area.parent_id.is_(None))
    ).one()
    ha_noi = _province("Hà Nội", "01")
    commune = ha_noi.children[0]
    people = {
        "organizer_hn": factories.make_user("btc.hanoi@example.vn", roles=()),
        "coordinator_hn": factories.make_user(
            "dieuphoi.hanoi@example.vn", roles=(Role.COORDINATOR,), area=commune
        ),
        "judge_hn": factories.make_user("giamkhao.hanoi@example.vn", roles=()),
    }
    people["organizer_hn"].roles.append(UserRole(role=Role.ORGANIZER.value, area=ha_noi))
    people["judge_hn"].roles.append(UserRole(role=Role.JUDGE.value, area=ha_noi))
    # Tuyên Quang's organizer is bound to Tuyên Quang from now on.
    users["organizer"].roles[0].area = tuyen_quang
    db.session.commit()
    from datetime import timedelta

    spec = template_spec(
        "youth", "ha-noi-2026", "Cuộc thi Sáng tạo Thanh thiếu niên thành phố Hà Nội", utcnow()
    )
    spec.submission_deadline = utcnow() + timedelta(days=20)
    hn_edition = create_edition(spec, people["organizer_hn"], confirm=True)
    db.session.commit()
    return {"tq": tuyen_quang, "hn": ha_noi, "hn_edition": hn_edition, **people}


def _login(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302


def test_editions_belong_to_their_province(app, users, world, two_provinces):  # noqa: F811
    tq_edition = db.session.scalars(db.select(Edition).where(Edition.slug == world["slug"])).one()
    assert tq_edition.province_id == two_provinces["tq"].id
    assert two_provinces["hn_edition"].province_id == two_provinces["hn"].id
    binding = tenancy.binding_of(two_provinces["coordinator_hn"])
    assert binding == tenancy.Binding(two_provinces["hn"].id, strict=False)
    assert tenancy.binding_of(users["admin"]) is None


@pytest.mark.parametrize("persona", OTHER)
def test_the_other_province_reaches_nothing_of_the_first(
    app,
    users,
    world,  # noqa: F811
    two_provinces,
    persona,
):
    client = app.test_client()
    _login(client, two_provinces[persona])
    leaks = []
    for rule in _rules(app):
        spec = MATRIX[rule.endpoint]
        if "anonymous" in spec.allowed or not spec.get or "GET" not in rule.methods:
            continue
        if not rule.arguments or rule.endpoint in NOT_OF_A_PROVINCE:
            continue  # lists: checked for names below
        url = _url(app, rule, world)
        response = client.get(url)
        if response.status_code == 200:
            leaks.append(f"{rule.endpoint} {url}")
        response.close()
    assert not leaks, "the other province reaches:\n" + "\n".join(leaks)


@pytest.mark.parametrize("persona", OTHER)
def test_lists_of_the_other_province_name_nothing(
    app,
    users,
    world,  # noqa: F811
    two_provinces,
    persona,
):
    titles = [
        e.title
        for e in db.session.scalars(db.select(Edition).where(Edition.province_id.is_not(None)))
        if e.province_id == two_provinces["tq"].id
    ]
    assert titles
    client = app.test_client()
    _login(client, two_provinces[persona])
    leaks = []
    for rule in _rules(app):
        spec = MATRIX[rule.endpoint]
        if rule.arguments or "anonymous" in spec.allowed or "GET" not in rule.methods:
            continue
        response = client.get(_url(app, rule, world))
        if response.status_code == 200 and response.mimetype in ("text/html", "application/json"):
            body = response.get_data(as_text=True)
            leaks += [f"{rule.endpoint}: {t}" for t in titles if t in body]
        response.close()
    assert not leaks, "lists name the first province's editions:\n" + "\n".join(leaks)


def test_a_bound_organizer_reaches_its_own_province_only(
    app,
    users,
    world,  # noqa: F811
    two_provinces,
):
    client = app.test_client()
    _login(client, users["organizer"])
    assert client.get(f"/organizer/editions/{world['slug']}").status_code == 200
    hn = two_provinces["hn_edition"]
    assert client.get(f"/organizer/editions/{hn.slug}").status_code == 404
    page = client.get("/organizer/editions/").get_data(as_text=True)
    assert hn.title not in page
    # The admin reaches both.
    admin = app.test_client()
    _login(admin, users["admin"])
    assert admin.get(f"/organizer/editions/{hn.slug}").status_code == 200
    assert admin.get(f"/organizer/editions/{world['slug']}").status_code == 200


def test_the_api_shows_an_organizer_its_own_province_only(
    app,
    users,
    world,  # noqa: F811
    two_provinces,
):
    from contest.api import tokens

    secret = tokens.create_token(two_provinces["organizer_hn"], "khoá", "read", 30).secret
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    listed = client.get("/api/v1/editions", headers=headers)
    assert listed.status_code == 200
    body = listed.get_data(as_text=True)
    assert two_provinces["hn_edition"].slug in body
    assert world["slug"] not in body
    assert client.get(f"/api/v1/editions/{world['slug']}", headers=headers).status_code == 404
    entry = client.get(f"/api/v1/entries/{world['entry_id']}", headers=headers)
    assert entry.status_code == 404


def test_the_public_home_lists_the_provinces_and_their_open_editions(
    app,
    users,
    world,  # noqa: F811
    two_provinces,
):
    from datetime import timedelta

    from contest.timeutil import utcnow

    hn = two_provinces["hn_edition"]
    hn.opens_at = utcnow() - timedelta(days=1)
    db.session.commit()
    page = app.test_client().get("/").get_data(as_text=True)
    assert 'data-testid="provinces"' in page
    assert "Hà Nội" in page and "Tuyên Quang" in page
    assert hn.title in page
    listed = app.test_client().get("/editions/?province=01").get_data(as_text=True)
    assert hn.title in listed
    tq_titles = [e.title for e in db.session.scalars(db.select(Edition)) if e.id != hn.id]
    assert not any(t in listed for t in tq_titles)


def test_an_organizer_home_counts_its_own_province_only(
    app,
    users,
    world,  # noqa: F811
    two_provinces,
):
    from contest.main.overview import area_counts, users_per_role

    hn = two_provinces["hn"].id
    assert area_counts(hn)["commune"] == 1 and area_counts(hn)["province"] == 1
    assert area_counts()["province"] == 2
    assert users_per_role(hn)["organizer"] == 1 and users_per_role(hn)["judge"] == 1
    assert users_per_role(hn)["entrant"] == 0 and users_per_role()["entrant"] >= 1
