"""The OpenAPI description: valid OpenAPI 3.1, every route of /api/v1 in it, served with
its documentation page (vendored assets, no CDN) — and one schemathesis run against the LIVE
app (real HTTP server, PostgreSQL, a real Celery worker on Redis) as each role: no server
error, no answer that violates the description. The live run skips locally without
PostgreSQL or Redis and fails under CI."""

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


@pytest.mark.worker
@time_machine.travel(DURING, tick=True)  # inside the judging window: sheets can be saved
def test_schemathesis_against_the_live_app_finds_no_server_error_and_no_violation(
    world, token_for, make_app, broker_and_queue, tmp_path
):
    """The LIVE app (a real HTTP server, PostgreSQL, a real Celery worker on Redis): every
    operation, as each role (and without a token), with a few generated examples (half of
    them naming the test's real objects), loaded from the served description."""
    schemathesis = pytest.importorskip("schemathesis")
    import requests
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    from contest.results.models import ResultsRun
    from tests.browser_support import LiveServer
    from tests.jobs.processes import CeleryWorker

    broker, queue = broker_and_queue
    personas = ("admin", "organizer", "coordinator", "judge", "other_judge", None)
    secrets = {p: token_for(p) for p in personas if p}
    known = {
        "slug": world["edition"].slug,
        "entry_id": world["mine"].id,
        "round_id": world["round"].id,
        "attachment_id": world["attachment"].id,
    }
    db.session.remove()  # the live app's threads use their own sessions
    live = make_app(
        REDIS_URL=broker,
        CELERY_TASK_ALWAYS_EAGER=False,
        CELERY_QUEUE=queue,
        API_RATE_LIMIT_PER_TOKEN=0,
        API_RATE_LIMIT_PER_ADDRESS=0,
    )
    worker = CeleryWorker(
        tmp_path,
        broker,
        queue,
        live.config["SQLALCHEMY_DATABASE_URI"],
        {"UPLOAD_DIR": live.config["UPLOAD_DIR"]},
    )
    worker.start()
    try:
        worker.wait_ready()
        with LiveServer(live) as server:
            base = server.url
            compiled = requests.post(
                f"{base}/api/v1/editions/{known['slug']}/results/compile",
                json={},
                headers={"Authorization": f"Bearer {secrets['organizer']}"},
                timeout=10,
            )
            assert compiled.status_code == 202, compiled.text
            known["job_id"] = compiled.json()["id"]
            # The real worker runs the job: a results run appears in the database.
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                run_id = db.session.scalars(db.select(ResultsRun.id)).first()
                db.session.rollback()
                if run_id:
                    break
                time.sleep(0.2)
            assert run_id, worker.log[-2000:]
            known["run_id"] = run_id

            # A national package is a raw ZIP body: generated as any binary body.
            schemathesis.serializer.alias("application/zip", "application/octet-stream")
            schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
            checks = [
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_headers_conformance,
                response_schema_conformance,
            ]
            operations = [result.ok() for result in schema.get_all_operations()]
            assert len(operations) >= 20
            calls = []
            started = time.monotonic()
            for persona in personas:
                for operation in operations:
                    _fuzz(operation, base, secrets.get(persona), known, checks, calls)
            assert time.monotonic() - started < 90
    finally:
        worker.stop()
    # Every operation was called as every persona, and the run reached real objects and
    # every kind of answer, not only refusals.
    assert {label for label, _status in calls} == {op.label for op in operations}
    assert {200, 401, 403, 404} <= {status for _label, status in calls}


def _fuzz(operation, base, secret, known, checks, calls) -> None:
    """A few generated HTTP calls of ``operation`` to the live server at ``base`` with
    ``secret`` (None: no token), half of them naming ``known`` objects, each checked
    against the description."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    @settings(
        max_examples=3,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), real=st.booleans())
    def run(case, real):
        if real and case.path_parameters:
            case.path_parameters = {k: known.get(k, v) for k, v in case.path_parameters.items()}
        response = case.call(base_url=base, headers=headers, timeout=30)
        calls.append((case.operation.label, response.status_code))
        case.validate_response(response, checks=checks, headers=headers)

    run()
