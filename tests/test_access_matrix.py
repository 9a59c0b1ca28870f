"""Every role's access to every route (the role × route matrix).

Each endpoint of the app must be listed in ``MATRIX``: a new route that is not in it fails
``test_every_route_is_in_the_matrix``. For GET routes every persona (anonymous and one user
per role) is checked; for POST-only routes the personas that must be refused are checked
(what allowed users can do is tested with each feature).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from contest.areas.models import Area, Unit
from contest.extensions import db
from contest.jobs.operations import create_job
from tests import factories

PERSONAS = ("anonymous", "admin", "organizer", "coordinator", "judge", "entrant")
ORGANIZERS = ("admin", "organizer")
USERS = PERSONAS[1:]
LOGIN = "login"  # expected: redirect to the login page


@dataclass(frozen=True)
class Spec:
    """Who may use a route: ``allowed`` personas get ``ok`` on GET, the others are refused
    (403 when logged in, a redirect to the login page when anonymous)."""

    allowed: tuple[str, ...]
    ok: int = 200
    get: bool = True  # False: POST-only route
    override: dict[str, int | str] = field(default_factory=dict)

    def expected(self, persona: str) -> int | str:
        if persona in self.override:
            return self.override[persona]
        if persona in self.allowed:
            return self.ok
        return LOGIN if persona == "anonymous" else 403


def public(ok: int = 200, **override) -> Spec:
    return Spec(PERSONAS, ok=ok, override=override)


def only(*personas: str, ok: int = 200, get: bool = True, **override) -> Spec:
    return Spec(tuple(personas), ok=ok, get=get, override=override)


def post_only(*personas: str) -> Spec:
    return Spec(tuple(personas), get=False)


LOGGED_IN_REDIRECT = {p: 302 for p in USERS}
ENTRY_HELPERS = (*ORGANIZERS, "coordinator", "entrant")  # who may see the world's entry

MATRIX: dict[str, Spec] = {
    # main
    "main.index": public(),
    "main.home": only(*USERS, ok=302),
    "main.organizer_home": only(*ORGANIZERS),
    "main.coordinator_home": only("coordinator"),
    "main.judge_home": only("judge"),
    "main.entrant_home": only("entrant"),
    "main.set_language": post_only(*PERSONAS),
    # accounts
    "accounts.login": public(**LOGGED_IN_REDIRECT),
    "accounts.register": public(**LOGGED_IN_REDIRECT),
    "accounts.forgot_password": public(),
    "accounts.reset_password": public(ok=400),  # the token in the URL is not valid
    "accounts.accept_invitation": public(ok=400),
    "accounts.register_sent": public(),
    "accounts.confirm_email": public(ok=400),  # the token in the URL is not valid
    "accounts.logout": post_only(*PERSONAS),
    "accounts.profile": only(*USERS),
    "accounts.change_password": only(*USERS),
    "accounts.invite": only(*ORGANIZERS),
    "accounts.resend_invitation": post_only(*ORGANIZERS),
    # areas
    "areas.index": only(*ORGANIZERS),
    "areas.show": only(*ORGANIZERS),
    "areas.edit_unit": only(*ORGANIZERS),
    "areas.add_child": post_only(*ORGANIZERS),
    "areas.add_province": post_only(*ORGANIZERS),
    "areas.add_unit": post_only(*ORGANIZERS),
    "areas.delete": post_only(*ORGANIZERS),
    "areas.delete_unit": post_only(*ORGANIZERS),
    "areas.move": post_only(*ORGANIZERS),
    "areas.rename": post_only(*ORGANIZERS),
    # jobs (the job below was started by the organizer)
    "jobs.index": only(*ORGANIZERS),
    "jobs.show": only(*ORGANIZERS),
    "jobs.status": only(*ORGANIZERS, anonymous=401),  # JSON: no redirect
    "jobs.selfcheck": post_only(*ORGANIZERS),
    "jobs.rerun": post_only(*ORGANIZERS),
    # editions (organizers)
    "editions.index": only(*ORGANIZERS),
    "editions.new": only(*ORGANIZERS),
    "editions.show": only(*ORGANIZERS),
    "editions.general": only(*ORGANIZERS),
    "editions.eligibility": only(*ORGANIZERS),
    "editions.fields": only(*ORGANIZERS),
    "editions.boards": only(*ORGANIZERS),
    "editions.criteria": only(*ORGANIZERS),
    "editions.retire": only(*ORGANIZERS),
    "editions.rounds": only(*ORGANIZERS),
    "editions.prizes": only(*ORGANIZERS),
    "editions.extensions": only(*ORGANIZERS),
    "editions.clone": only(*ORGANIZERS),
    "editions.audit": only(*ORGANIZERS),
    "editions.export": only(*ORGANIZERS),
    "editions.rules_document": only(*ORGANIZERS, ok=404),  # the demo edition has none
    "editions.create_from_template": post_only(*ORGANIZERS),
    "editions.create_from_definition": post_only(*ORGANIZERS),
    "editions.upload_rules_document": post_only(*ORGANIZERS),
    "editions.delete_rules_document": post_only(*ORGANIZERS),
    # public edition pages
    "public.index": public(),
    "public.edition": public(),
    "public.rules_document": public(ok=404),  # no rules document uploaded
    # attachments: access follows the entry (matrix in tests/attachments). The world's entry
    # exists (the entrant's, in the coordinator's district); its attachment id does not.
    "attachments.upload": only(*ENTRY_HELPERS, get=False, judge=404),
    "attachments.upload_stream": only(*ENTRY_HELPERS, get=False, judge=404),
    "attachments.download": only(*USERS, ok=404),
    "attachments.thumbnail": only(*USERS, ok=404),
    "attachments.delete": only(get=False, **{p: 404 for p in USERS}),
    # entries: the entrant journey; one entry's pages serve whoever may see it (its owner,
    # the coordinators of its area, organizers); others find nothing (404)
    "entries.index": only("entrant"),
    "entries.new": only("entrant"),
    "entries.create": only("entrant"),
    **{
        f"entries.{name}": only(*ENTRY_HELPERS, judge=404)
        for name in ("detail", "edit", "authors", "details", "files", "review", "receipt")
    },
    **{
        f"entries.{name}": only(*ENTRY_HELPERS, get=False, judge=404)
        for name in ("submit", "withdraw", "delete")
    },
    # intake (organizers) and the coordinators' pages of their area
    **{
        f"intake.{name}": only(*ORGANIZERS)
        for name in ("index", "export", "detail", "import_file", "dashboard")
    },
    **{
        f"intake.{name}": post_only(*ORGANIZERS)
        for name in ("bulk", "receive", "accept", "reject", "withdraw", "reclassify")
    },
    **{
        f"district.{name}": only("coordinator")
        for name in ("index", "export", "detail", "dashboard")
    },
    # results (organizers): the review page, compile, manual prize decisions
    "results.index": only(*ORGANIZERS),
    "results.review": only(*ORGANIZERS),
    "results.job_review": only(*ORGANIZERS, ok=404),  # the world's job is not a compile
    "results.compile_round": post_only(*ORGANIZERS),
    "results.decide": post_only(*ORGANIZERS),
    "results.withdraw": post_only(*ORGANIZERS),
    # the judge's pages: the world's entry is not assigned to the judge (404 for them)
    "judge.entry": only("judge", ok=404),
    "judge.sheet": only("judge", ok=404),
    "judge.autosave": only("judge", get=False, judge=404),
    # a finished sheets-export job's file; the world's job is a self-check: 404
    "judging.export_download": only(*ORGANIZERS, ok=404),
    # the organizer's judging pages (the world's entry is submitted, not in the round)
    **{
        f"judging.{name}": only(*ORGANIZERS)
        for name in (
            "index",
            "panels",
            "conflicts",
            "assignment",
            "progress_page",
            "entry_sheets",
            "import_scores",
            "export",
            "paper_sheets",
        )
    },  # fmt: skip
    **{
        f"judging.{name}": post_only(*ORGANIZERS)
        for name in (
            "add_panel_judges",
            "invite_judge",
            "set_panel_chair",
            "remove_panel_judge",
            "add_conflict",
            "auto_assign",
            "assign",
            "bulk_assign",
            "unassign",
            "reopen_sheet",
        )
    },  # fmt: skip
}


def _parts():
    """The feature modules of ``tests.matrix_parts`` (see its docstring)."""
    import importlib
    import pkgutil

    from tests import matrix_parts

    return [
        importlib.import_module(f"tests.matrix_parts.{info.name}")
        for info in sorted(pkgutil.iter_modules(matrix_parts.__path__), key=lambda i: i.name)
    ]


PARTS = _parts()
for _part in PARTS:
    MATRIX.update(_part.matrix())


@pytest.fixture()
def world(app, users):
    """Objects the parametrised URLs point at."""
    from contest.contests.demo import seed_editions

    seed_editions()
    db.session.commit()
    from contest.contests.models import Edition

    edition = db.session.scalars(db.select(Edition).order_by(Edition.id)).first()
    area = db.session.scalars(db.select(Area).order_by(Area.id)).first()
    unit = Unit(area=area, name="Trường THCS Thử", kind="school")
    db.session.add(unit)
    job = create_job("system.selfcheck", {}, users["organizer"])
    db.session.commit()
    entry = _submitted_entry(edition, users["entrant"])
    values = {
        "slug": edition.slug,
        "code": edition.criteria[0].code,
        "area_id": area.id,
        "unit_id": unit.id,
        "job_id": job.id,
        "token": "khong-hop-le",
        "token_id": 1,
        "direction": "up",
        "entry_id": entry.id,
        "round_id": edition.rounds[0].id,
        "attachment_id": 999999,
        "kind": "description",
    }
    for part in PARTS:
        if hasattr(part, "extend_world"):
            part.extend_world(values, users)
    return values


def _submitted_entry(edition, owner):
    """A submitted entry of ``owner`` in the coordinator's district (Yên Sơn)."""
    from datetime import date

    from contest.entries import operations
    from contest.entries.models import Attachment

    district = db.session.scalars(db.select(Area).where(Area.name == "Yên Sơn")).one()
    values = {"title": "Bài thử", "field_id": edition.fields[0].id, "area_id": district.id}
    entry = operations.create_draft(edition, owner, {**values, "unit_name": "Trường Thử"})
    author = operations.AuthorData("Nguyễn An", date(2012, 5, 4), "F", phone="0912")
    operations.set_authors(entry, owner, [author])
    for n, kind in enumerate(entry.field.required_attachments):
        entry.attachments.append(
            Attachment(kind=kind, original_name=f"{kind}.pdf", storage_key=f"matrix/{n}",
                       content_type="application/pdf", size_bytes=1, sha256="0" * 64)
        )  # fmt: skip
    operations.submit(entry, owner)
    db.session.commit()
    return entry


def _url(app, rule, world) -> str:
    values = {name: world[name] for name in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def test_every_route_is_in_the_matrix(app):
    missing = sorted({r.endpoint for r in _rules(app)} - set(MATRIX))
    assert not missing, f"add these endpoints to tests/test_access_matrix.py MATRIX: {missing}"
    stale = sorted(set(MATRIX) - {r.endpoint for r in _rules(app)})
    assert not stale, f"endpoints in MATRIX that no longer exist: {stale}"


def _client_for(app, users, persona: str, login_as):
    client = app.test_client()
    if persona != "anonymous":
        login_as(client, users[persona])
    return client


@pytest.fixture()
def login_as():
    def _login(client, user):
        response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302

    return _login


def _check(response, expected) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and "/login" in response.headers["Location"]
    return response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_role_route_matrix(app, users, world, login_as, persona):
    """Every route answers each persona as the matrix says."""
    client = _client_for(app, users, persona, login_as)
    failures = []
    for rule in _rules(app):
        spec = MATRIX[rule.endpoint]
        url = _url(app, rule, world)
        expected = spec.expected(persona)
        if spec.get and "GET" in rule.methods:
            response = client.get(url)
        else:
            if persona in spec.allowed:
                continue  # behaviour of allowed POSTs is tested with each feature
            response = client.post(url, data={})
        if not _check(response, expected):
            failures.append(f"{rule.endpoint} {url}: got {response.status_code}, want {expected}")
        response.close()  # a download's file is open until its body is closed
    assert not failures, "\n".join(failures)


# --- A judge and an entry assigned to them (tests/matrix_parts/judge_access.py) -----------------


def _public(endpoint: str) -> bool:
    """True for routes anyone may GET (they show what the public sees)."""
    spec = MATRIX.get(endpoint)
    return spec is not None and "anonymous" in spec.allowed


def test_a_judge_reaches_an_assigned_entry_only_through_the_judging_pages(
    app, users, world, login_as
):
    """A judge requests every integer-id GET route with the ids of an entry assigned to them
    and of its files (in the browser and with a REST API token): the entrant and attachment
    routes are 404, the coordinator and organizer routes 403/404, and no answer names the
    authors (name, birth date, phone), the unit or the mentor."""
    from tests.matrix_parts import judge_access as part

    entry, files, round_ = part.judged_entry(world, users)
    judge = _client_for(app, users, "judge", login_as)
    results = part.sweep(app, judge, world, [entry.id, *files], round_.id)
    token = part.api_token(users["judge"])
    results += part.sweep(app, app.test_client(), world, [entry.id, *files], round_.id, token)
    problems = []
    for endpoint, url, status, text in results:
        if status == 200 and part.leaks(text):
            problems.append(f"{url}: 200 naming {part.leaks(text)}")
        if endpoint.startswith(part.ENTRANT_ROUTES) and status != 404:
            problems.append(f"{url}: got {status}, want 404")
        elif endpoint.startswith(part.ENTRY_ROUTES) and status not in (403, 404):
            problems.append(f"{url}: got {status}, want 403 or 404")
        elif status == 200 and not (endpoint.startswith(part.JUDGE_ROUTES) or _public(endpoint)):
            problems.append(f"{url}: got 200 ({endpoint})")
    assert not problems, "\n".join(problems)
    # The judging pages do serve the entry and its files (blind): the sweep reached them.
    served = {url for endpoint, url, status, _t in results if status == 200}
    assert f"/judge/entries/{entry.id}" in served
    assert f"/api/v1/judge/entries/{entry.id}" in served
    from contest.judging.blind import judge_view

    shown = [a.id for a in judge_view(entry).attachments]  # the kinds judges may see
    assert shown and all(f"/judge/attachments/{i}" in served for i in shown)
    # The detector finds the secrets where they may be: the organizer's page of the entry.
    organizer = _client_for(app, users, "organizer", login_as)
    page = organizer.get(f"/organizer/entries/{entry.id}").get_data(as_text=True)
    assert part.AUTHOR in part.leaks(page)


def _conflict(app, users, world, login_as, how: str, entry) -> None:
    """Record a conflict of the world's judge with ``entry``: declared by an organizer (of
    kind entry or unit), or inferred after the judge puts the entry's unit on their profile."""
    from tests.matrix_parts import judge_access as part

    if how == "profile":
        client = _client_for(app, users, "judge", login_as)
        response = client.post(
            "/profile", data={"full_name": "Người dùng judge", "unit_name": part.UNIT}
        )
    else:
        client = _client_for(app, users, "organizer", login_as)
        target = entry.code if how == "entry" else part.UNIT
        response = client.post(
            f"/organizer/judging/{world['slug']}/conflicts/add",
            data={"judge_id": users["judge"].id, "kind": how, "target": target},
        )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("how", ["entry", "unit", "profile"])
def test_a_judge_with_a_conflict_reaches_nothing_about_the_entry(app, users, world, login_as, how):
    """After a conflict (declared kind entry or unit, or inferred from the judge's profile
    unit) the assignment is gone and every route about the entry is 404 for the judge,
    the judging pages, sheets, files and thumbnails included, in the browser and through
    the REST API."""
    from contest.audit.models import AuditEntry
    from contest.judging.models import Assignment
    from tests.matrix_parts import judge_access as part

    entry, files, round_ = part.judged_entry(world, users)
    judge = _client_for(app, users, "judge", login_as)
    token = part.api_token(users["judge"])
    assert judge.get(f"/judge/entries/{entry.id}").status_code == 200
    _conflict(app, users, world, login_as, how, entry)
    db.session.expire_all()
    assert not db.session.scalars(
        db.select(Assignment).where(Assignment.entry_id == entry.id)
    ).all()
    audit = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "judging.unassign_conflict")
    ).all()
    assert [a.object_id for a in audit] == [str(entry.id)]
    problems = []
    results = part.sweep(app, judge, world, [entry.id, *files], round_.id)
    results += part.sweep(app, app.test_client(), world, [entry.id, *files], round_.id, token)
    for endpoint, url, status, text in results:
        about_entry = endpoint.startswith((*part.JUDGE_ROUTES, *part.ENTRANT_ROUTES))
        if about_entry and status != 404:
            problems.append(f"{url}: got {status}, want 404")
        elif status == 200 and not _public(endpoint):
            problems.append(f"{url}: got 200 ({endpoint})")
        if status == 200 and part.leaks(text):
            problems.append(f"{url}: 200 naming {part.leaks(text)}")
    assert not problems, "\n".join(problems)
