"""The OpenAPI description: valid OpenAPI 3.1, every route of /api/v1 in it, served with
its documentation page (vendored assets, no CDN) — and one schemathesis run against the app
as each role: no server error, no answer that violates the description."""

from __future__ import annotations

import re
import time

import pytest
import time_machine
from openapi_spec_validator import validate

from contest.extensions import db
from tests.judging.conftest import DURING


def test_the_description_is_valid_openapi_31_and_covers_every_route(app, client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    spec = answer.json
    assert spec["openapi"] == "3.1.0"
    validate(spec)
    described = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        routes |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes and routes == described
    for ops in spec["paths"].values():
        for op in ops.values():
            assert op["summary"] and op["responses"]


def test_the_documentation_page_uses_vendored_assets_only(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    scripts = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert scripts and all(not s.startswith(("http:", "https:", "//")) for s in scripts)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in scripts:
        if asset.startswith("/static/"):
            served = client.get(asset)
            assert served.status_code == 200, asset
            served.close()
    # Without JavaScript the page still lists every operation.
    assert "/api/v1/entries" in html


# Schemathesis's WSGI transport leaves a file download's response unclosed.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@time_machine.travel(DURING, tick=True)  # inside the judging window: sheets can be saved
def test_schemathesis_finds_no_server_error_and_no_schema_violation(world, app, token_for):
    """Every operation, as each role (and without a token), with a few generated examples
    (half of them naming the test's real objects)."""
    schemathesis = pytest.importorskip("schemathesis")
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    app.config.update(API_RATE_LIMIT_PER_TOKEN=0, API_RATE_LIMIT_PER_ADDRESS=0)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]
    personas = ("admin", "organizer", "coordinator", "judge", "other_judge", None)
    secrets = {p: token_for(p) for p in personas if p}
    operations = [result.ok() for result in schema.get_all_operations()]
    # Half the examples name real objects (random ids would only ever be 404).
    compiled = app.test_client().post(
        "/api/v1/editions/stkt-2026/results/compile",
        json={},
        headers={"Authorization": f"Bearer {secrets['organizer']}"},
    )
    assert compiled.status_code == 202
    from contest.results.models import ResultsRun

    known = {
        "slug": world["edition"].slug,
        "entry_id": world["mine"].id,
        "round_id": world["round"].id,
        "attachment_id": world["attachment"].id,
        "job_id": compiled.json["id"],
        "run_id": db.session.scalars(db.select(ResultsRun.id)).first(),
    }
    assert len(operations) >= 20
    calls = []
    started = time.monotonic()
    for persona in personas:
        for operation in operations:
            _fuzz(operation, secrets.get(persona), known, checks, calls)

    assert time.monotonic() - started < 120
    # The run reached real objects and every kind of answer, not only refusals.
    assert {200, 401, 403, 404} <= {status for _label, status in calls}


def _fuzz(operation, secret, known, checks, calls) -> None:
    """A few generated calls of ``operation`` with ``secret`` (None: no token), half of
    them naming ``known`` objects, each checked against the description."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    @settings(
        max_examples=4,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), real=st.booleans())
    def run(case, real):
        if real and case.path_parameters:
            case.path_parameters = {k: known.get(k, v) for k, v in case.path_parameters.items()}
        response = case.call(headers=headers)
        calls.append((case.operation.label, response.status_code))
        try:
            case.validate_response(response, checks=checks, headers=headers)
        finally:
            db.session.rollback()

    run()
