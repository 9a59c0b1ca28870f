"""Every API operation × every persona (anonymous, admin, organizer, the coordinator of the
entry's area and of another area, the assigned judge and a judge assigned nothing, the
entrant — who may hold no token, so calls without one).

GET operations are called by every persona; write operations by the personas that must be
refused (what allowed callers can do is tested in test_resources.py). A new route of the
``api`` blueprint that is not in :data:`MATRIX` fails ``test_every_api_route_is_in_the_matrix``.
"""

from __future__ import annotations

import pytest

from contest.api.webhooks import register_webhook
from contest.extensions import db
from contest.jobs.operations import create_job

PERSONAS = (
    "anonymous",
    "entrant",
    "admin",
    "organizer",
    "coordinator",
    "other_coordinator",
    "judge",
    "other_judge",
)
NO_TOKEN = ("anonymous", "entrant")
ORGANIZERS = ("admin", "organizer")
JUDGES = ("judge", "other_judge")
HELPERS = (*ORGANIZERS, "coordinator")  # who may see the Yên Sơn entry


def expect(default: int, **by_persona: int) -> dict[str, int]:
    """Expected status per persona: 401 without a token, ``default`` otherwise, except
    ``by_persona``."""
    table = {p: (401 if p in NO_TOKEN else default) for p in PERSONAS}
    table.update(by_persona)
    return table


def only(personas, ok: int = 200, others: int = 403, **by_persona) -> dict[str, int]:
    table = {p: (401 if p in NO_TOKEN else (ok if p in personas else others)) for p in PERSONAS}
    table.update(by_persona)
    return table


def public(ok: int = 200) -> dict[str, int]:
    return {p: ok for p in PERSONAS}


# endpoint → (method, url template, expected per persona). Write operations list only the
# refused personas' answers (None: allowed, not called here).
MATRIX = {
    "api.me": ("GET", "/api/v1/me", expect(200)),
    "api.editions": ("GET", "/api/v1/editions", expect(200)),
    "api.edition": ("GET", "/api/v1/editions/{slug}", expect(200)),
    "api.definition": ("GET", "/api/v1/editions/{slug}/definition", only(ORGANIZERS)),
    "api.create_edition": ("POST", "/api/v1/editions", only(ORGANIZERS, ok=None)),
    "api.publications": ("GET", "/api/v1/editions/{slug}/publications", public()),
    "api.entries": ("GET", "/api/v1/entries", expect(200)),
    "api.entry": ("GET", "/api/v1/entries/{entry}", only(HELPERS, others=404)),
    "api.import_entries_file": (
        "POST",
        "/api/v1/editions/{slug}/entries/import",
        only(ORGANIZERS, ok=None),
    ),
    "api.attachment": ("GET", "/api/v1/attachments/{attachment}", only(HELPERS, others=404)),
    "api.attachment_content": (
        "GET",
        "/api/v1/attachments/{attachment}/content",
        only(HELPERS, others=404),
    ),
    "api.assignments": ("GET", "/api/v1/judge/assignments", only(JUDGES)),
    "api.judge_entry": ("GET", "/api/v1/judge/entries/{entry}", only(JUDGES, other_judge=404)),
    "api.judge_attachment": (
        "GET",
        "/api/v1/judge/attachments/{attachment}",
        only(JUDGES, other_judge=404),
    ),
    "api.judge_attachment_content": (
        "GET",
        "/api/v1/judge/attachments/{attachment}/content",
        only(JUDGES, other_judge=404),
    ),
    "api.sheet": (
        "GET",
        "/api/v1/judge/entries/{entry}/sheets/{round}",
        only(JUDGES, other_judge=404),
    ),
    "api.save_sheet": (
        "PUT",
        "/api/v1/judge/entries/{entry}/sheets/{round}",
        only(JUDGES, ok=None, other_judge=404),
    ),
    "api.progress": ("GET", "/api/v1/editions/{slug}/judging/progress", only(ORGANIZERS)),
    "api.runs": ("GET", "/api/v1/editions/{slug}/results/runs", only(ORGANIZERS)),
    "api.run": ("GET", "/api/v1/results/runs/999999", only(ORGANIZERS, ok=404)),
    "api.compile_results": (
        "POST",
        "/api/v1/editions/{slug}/results/compile",
        only(ORGANIZERS, ok=None),
    ),
    "api.national_package": (
        "POST",
        "/api/v1/editions/{slug}/national-packages",
        only(ORGANIZERS, ok=None),
    ),
    "api.job": ("GET", "/api/v1/jobs/{job}", only(ORGANIZERS, others=404)),
    "api.national_selection": ("GET", "/api/v1/editions/{slug}/national", only(ORGANIZERS)),
    "api.certificate": ("GET", "/api/v1/certificates/ABCD-EFGH-JKLM", public(404)),
    "api.webhooks": ("GET", "/api/v1/webhooks", only(ORGANIZERS)),
    "api.create_webhook": ("POST", "/api/v1/webhooks", only(ORGANIZERS, ok=None)),
    "api.delete_webhook": ("DELETE", "/api/v1/webhooks/{webhook}", only(ORGANIZERS, ok=None)),
    "api.webhook_deliveries": (
        "GET",
        "/api/v1/webhooks/{webhook}/deliveries",
        only(ORGANIZERS),
    ),
    "api.openapi": ("GET", "/api/v1/openapi.json", public()),
    "api.docs": ("GET", "/api/v1/docs", public()),
}


def test_every_api_route_is_in_the_matrix(app):
    routes = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert routes == set(MATRIX)


@pytest.fixture()
def values(world):
    job = create_job("system.selfcheck", {}, world["users"]["organizer"])
    hook = register_webhook(
        world["users"]["organizer"], "https://example.org/h", ["entry.submitted"]
    )
    db.session.commit()
    return {
        "slug": world["edition"].slug,
        "entry": world["mine"].id,
        "attachment": world["attachment"].id,
        "round": world["round"].id,
        "job": job.id,
        "webhook": hook.id,
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_access_matrix(world, values, call, token_for, persona):
    secret = None if persona in NO_TOKEN else token_for(persona)
    failures = []
    for endpoint, (method, template, expected) in MATRIX.items():
        want = expected[persona]
        if want is None:
            continue
        url = template.format(**values)
        kwargs = {"json": {}} if method in ("POST", "PUT", "DELETE") else {}
        got = call(method, url, secret, **kwargs)
        got.close()  # file downloads hold their file open
        if got.status_code != want:
            failures.append(f"{endpoint} {method} {url}: got {got.status_code}, want {want}")
        elif got.status_code >= 400 and got.mimetype != "application/problem+json":
            failures.append(f"{endpoint}: {got.status_code} is not problem+json")
    assert not failures, "\n".join(failures)


def test_no_answer_to_a_judge_names_the_authors_or_the_original_file(
    world, values, call, token_for
):
    from tests.api.conftest import AUTHOR

    secret = token_for("judge")
    for endpoint, (method, template, _expected) in MATRIX.items():
        if method != "GET" or endpoint == "api.openapi":
            continue
        answer = call(method, template.format(**values), secret)
        body = answer.get_data()
        answer.close()
        for secret_text in (AUTHOR, "Bímật", "Kínđáo"):
            assert secret_text.encode() not in body, endpoint
            assert secret_text not in answer.headers.get("Content-Disposition", ""), endpoint
