"""Webhooks against a local receiver: registration rules (http(s) only, private and loopback
addresses refused unless an admin allows them), deliveries written with the event's
transaction, HMAC-SHA256 signature, a retry after a 500, no second delivery after success,
a private address refused at send time, and the API's log of deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from sqlalchemy import select

from contest.api import webhooks
from contest.api.models import Webhook, WebhookDelivery
from contest.api.tasks import deliver_task
from contest.audit.operations import record
from contest.extensions import db
from contest.timeutil import utcnow
from tests import factories
from tests.judging.conftest import DURING


class Receiver:
    """A local HTTP server answering the queued statuses (then 200), recording requests."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver():
    made = []

    def _make(statuses=()):
        r = Receiver(statuses)
        made.append(r)
        return r

    yield _make
    for r in made:
        r.close()


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.example.org/contest", True),
        ("http://hooks.example.org:8080/x", True),
        ("ftp://hooks.example.org/x", False),
        ("https://user:pw@hooks.example.org/x", False),
        ("http://127.0.0.1:9000/x", False),
        ("http://localhost/x", False),
        ("http://10.0.0.5/x", False),
        ("http://192.168.1.2/x", False),
        ("http://169.254.169.254/latest", False),
        ("http://[::1]/x", False),
        ("http://[::ffff:127.0.0.1]/x", False),
        ("http://intranet/x", False),
        ("javascript:alert(1)", False),
    ],
)
def test_registration_accepts_only_public_http_urls(world, call, token_for, url, allowed):
    answer = call(
        "POST", "/api/v1/webhooks", token_for("organizer"),
        json={"url": url, "events": ["entry.submitted"]},
    )  # fmt: skip
    assert answer.status_code == (201 if allowed else 422), answer.json
    assert len(db.session.scalars(select(Webhook)).all()) == (1 if allowed else 0)
    if allowed:
        assert len(answer.json["secret"]) >= 40


def test_only_an_admin_allows_a_private_address(world, call, token_for):
    body = {"url": "http://127.0.0.1:9000/x", "events": ["sheet.submitted"], "allow_private": True}
    assert call("POST", "/api/v1/webhooks", token_for("organizer"), json=body).status_code == 422
    made = call("POST", "/api/v1/webhooks", token_for("admin"), json=body)
    assert made.status_code == 201 and made.json["allow_private"] is True


def _hook(world, url, events, allow_private=True) -> Webhook:
    hook = webhooks.register_webhook(
        world["users"]["admin"], url, events, allow_private=allow_private
    )
    db.session.commit()
    return hook


@time_machine.travel(DURING, tick=False)
def test_a_submitted_sheet_is_delivered_signed_retried_after_a_500_and_sent_once(
    world, call, token_for, receiver
):
    server = receiver([500])
    hook = _hook(world, server.url, ["sheet.submitted"])
    _hook(world, "https://hooks.example.org/other", ["entry.submitted"])  # not subscribed
    url = f"/api/v1/judge/entries/{world['mine'].id}/sheets/{world['round'].id}"
    full = {"novelty": "25", "applicability": "20", "effect": "30"}
    saved = call(
        "PUT", url, token_for("judge"), json={"points": full, "version": 1, "submit": True}
    )
    assert saved.status_code == 200
    delivery = db.session.scalars(select(WebhookDelivery)).one()  # written with the action
    assert delivery.webhook_id == hook.id and delivery.event == "sheet.submitted"
    now = utcnow()
    assert webhooks.deliver_due(now) == 1
    db.session.refresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at == now + timedelta(seconds=webhooks.BACKOFF[0])
    assert webhooks.deliver_due(now + timedelta(seconds=5)) == 0  # backoff: not yet
    assert webhooks.deliver_due(now + timedelta(seconds=11)) == 1
    db.session.refresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 2, 200)
    assert len(delivery.log) == 2
    # No second delivery after success, by the sweeper or by a repeated task message.
    assert webhooks.deliver_due(now + timedelta(hours=3)) == 0
    deliver_task.apply(args=(delivery.id,))
    assert len(server.requests) == 2
    headers, body = server.requests[-1]
    expected = hmac.new(
        hook.secret.encode(), headers["X-Contest-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(headers["X-Contest-Signature"], f"sha256={expected}")
    assert headers["X-Contest-Event"] == "sheet.submitted"
    payload = json.loads(body)
    assert payload["event"] == "sheet.submitted" and payload["delivery_id"] == delivery.id
    # The log is readable through the API.
    log = call("GET", f"/api/v1/webhooks/{hook.id}/deliveries", token_for("organizer")).json
    assert [(d["status"], d["attempts"]) for d in log["items"]] == [("succeeded", 2)]


def test_a_private_address_is_refused_at_send_time(world, receiver):
    server = receiver()
    # As if the name had resolved to a public address at registration (DNS rebinding).
    factories.make_webhook(server.url, ["entry.submitted"], secret="s" * 40)
    record(world["users"]["entrant"], "entry.submit", "entry", world["mine"].id)
    db.session.commit()
    assert webhooks.deliver_due() == 1
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert delivery.last_error == "refused: private address" and delivery.status == "pending"
    assert server.requests == []


def test_a_rolled_back_action_sends_nothing_and_a_removed_webhook_nothing_more(
    world, call, token_for
):
    hook = _hook(world, "https://hooks.example.org/x", ["entry.submitted"], allow_private=False)
    record(world["users"]["entrant"], "entry.submit", "entry", world["mine"].id)
    db.session.flush()
    db.session.rollback()
    assert db.session.scalars(select(WebhookDelivery)).all() == []
    gone = call("DELETE", f"/api/v1/webhooks/{hook.id}", token_for("organizer"))
    assert gone.status_code == 204
    record(world["users"]["entrant"], "entry.submit", "entry", world["mine"].id)
    db.session.commit()
    assert db.session.scalars(select(WebhookDelivery)).all() == []


def test_results_compiled_and_entry_submitted_events(world, call, token_for):
    _hook(world, "https://hooks.example.org/x", ["results.compiled", "entry.submitted"])
    started = call(
        "POST", "/api/v1/editions/stkt-2026/results/compile", token_for("organizer"), json={}
    )
    assert started.status_code == 202
    from contest.results.models import ResultsRun

    runs = db.session.scalars(select(ResultsRun)).all()
    events = db.session.scalars(select(WebhookDelivery)).all()
    assert [(d.event, d.payload["data"]["run_id"]) for d in events] == [
        ("results.compiled", r.id) for r in runs
    ]
    record(world["users"]["entrant"], "entry.submit", "entry", world["mine"].id)
    db.session.commit()
    last = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()
    assert last.event == "entry.submitted" and last.payload["data"] == {
        "entry_id": world["mine"].id
    }
