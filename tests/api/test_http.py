"""HTTP behaviour of /api/v1: problem details in the caller's language, ETag and
If-None-Match, If-Match on writes, rate limits (429 + Retry-After, in memory and in Redis),
and CSRF for unsafe requests without a token."""

from __future__ import annotations

import time_machine

from contest.extensions import db
from tests.judging.conftest import DURING
from tests.services import need, redis_url

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def test_problem_details_shape_and_language(world, call, token_for):
    secret = token_for("coordinator")
    url = f"/api/v1/entries/{world['theirs'].id}"  # another area: does not exist for them
    vi = call("GET", url, secret)
    en = call("GET", url, secret, headers={"Accept-Language": "en-GB,en;q=0.9"})
    for answer in (vi, en):
        assert answer.status_code == 404
        assert answer.mimetype == "application/problem+json"
        assert set(answer.json) >= PROBLEM_KEYS
        assert answer.json["status"] == 404 and answer.json["instance"] == url
    assert vi.json["title"] == "Không tìm thấy trang"
    assert vi.headers["Content-Language"] == "vi"
    assert en.json["title"] == "Page not found"
    assert en.headers["Content-Language"] == "en"


def test_unknown_paths_and_methods_answer_problem_details(world, call, token_for):
    secret = token_for("organizer")
    missing = call("GET", "/api/v1/khong-co", secret, headers={"Accept-Language": "en"})
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert missing.json["title"] == "Page not found"
    wrong = call("DELETE", "/api/v1/editions", secret)
    assert wrong.status_code == 405 and wrong.mimetype == "application/problem+json"
    assert "GET" in wrong.headers["Allow"]


def test_invalid_query_parameters_list_every_problem(world, call, token_for):
    answer = call("GET", "/api/v1/entries?limit=0&status=khong", token_for("organizer"))
    assert answer.status_code == 400
    assert answer.json["type"] == "urn:contest:problem:invalid-input"
    assert {line.split(":")[0] for line in answer.json["errors"]} == {"limit", "status.0"}


def test_etag_and_if_none_match(world, call, token_for):
    secret = token_for("organizer")
    url = f"/api/v1/entries/{world['mine'].id}"
    first = call("GET", url, secret)
    assert first.status_code == 200 and first.headers["ETag"]
    again = call("GET", url, secret, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    entry = world["mine"]
    entry.title = "Tên mới"
    db.session.commit()
    changed = call("GET", url, secret, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.json["title"] == "Tên mới"
    assert changed.headers["ETag"] != first.headers["ETag"]


@time_machine.travel(DURING, tick=False)
def test_if_match_on_a_sheet_save(world, call, token_for):
    secret = token_for("judge")
    url = f"/api/v1/judge/entries/{world['mine'].id}/sheets/{world['round'].id}"
    read = call("GET", url, secret)
    assert read.status_code == 200 and read.json["status"] == "not_started"
    etag = read.headers["ETag"]
    # Neither If-Match nor a version: 428, nothing written.
    assert call("PUT", url, secret, json={"points": {"novelty": "20"}}).status_code == 428
    saved = call("PUT", url, secret, json={"points": {"novelty": "20"}}, headers={"If-Match": etag})
    assert saved.status_code == 200, saved.json
    assert saved.json["points"] == {"novelty": "20"} and saved.json["version"] == 2
    # The old ETag is stale now: 412, nothing overwritten.
    stale = call("PUT", url, secret, json={"points": {"novelty": "5"}}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert call("GET", url, secret).json["points"] == {"novelty": "20"}
    # The autosave's version check: a stale version in the body is 409.
    body = {"points": {"novelty": "6"}, "version": 1}
    conflict = call("PUT", url, secret, json=body)
    assert (
        conflict.status_code == 409 and conflict.json["type"] == "urn:contest:problem:stale-sheet"
    )
    assert call("GET", url, secret).json["points"] == {"novelty": "20"}


def _hammer(call, url, secret, n, **kwargs):
    return [call("GET", url, secret, **kwargs) for _ in range(n)]


def test_rate_limit_per_token_in_memory(make_app, world):
    from tests.api.conftest import tokens_for_app

    app = make_app(API_RATE_LIMIT_PER_TOKEN=3, API_RATE_LIMIT_PER_ADDRESS=0)
    _check_limit(app, tokens_for_app(world, "organizer"))


def test_rate_limit_per_token_in_redis(make_app, world):
    from tests.api.conftest import tokens_for_app

    url = redis_url()
    need(url is not None, "Redis")
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter("contest:api:rate:*"):  # only this feature's counters
        client.delete(key)
    app = make_app(API_RATE_LIMIT_PER_TOKEN=3, API_RATE_LIMIT_PER_ADDRESS=0, REDIS_URL=url)
    _check_limit(app, tokens_for_app(world, "organizer"))
    keys = list(redis.Redis.from_url(url).scan_iter("contest:api:rate:token:*"))
    assert keys


def _check_limit(app, secret):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    codes = [client.get("/api/v1/me", headers=headers).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/me", headers=headers)
    assert refused.mimetype == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_rate_limit_per_address_counts_public_calls_too(make_app, world):
    app = make_app(API_RATE_LIMIT_PER_ADDRESS=2)
    client = app.test_client()
    codes = [client.get("/api/v1/certificates/ABCD-EFGH-JKLM").status_code for _ in range(3)]
    assert codes == [404, 404, 429]
    other = client.get(
        "/api/v1/certificates/ABCD-EFGH-JKLM", environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert other.status_code == 404


def test_csrf_applies_to_unsafe_requests_without_a_token(make_app, world):
    from tests.api.conftest import tokens_for_app

    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    no_token = client.post("/api/v1/editions", json={})
    assert no_token.status_code == 400 and no_token.mimetype == "application/problem+json"
    secret = tokens_for_app(world, "organizer")
    with_token = client.post(
        "/api/v1/editions", json={}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert with_token.status_code == 422  # past CSRF: the empty definition is refused
