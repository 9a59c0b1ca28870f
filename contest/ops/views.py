"""``/healthz`` and ``/metrics``: for load balancers, monitors and Prometheus, not people.

``/healthz`` needs no login and says only whether each part answers (200 healthy, 503 not).
``/metrics`` answers loopback clients, or any client sending ``Authorization: Bearer
<METRICS_TOKEN>`` when that variable is set; anyone else gets 404 (nothing to discover).
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from flask import Blueprint, abort, current_app, jsonify, request

from . import health
from . import metrics as exposition

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    """The health checks as JSON; 503 when any fails."""
    healthy, body = health.health(current_app)
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def metrics_allowed() -> bool:
    """A loopback client, or the right bearer token when ``METRICS_TOKEN`` is set."""
    token = current_app.config.get("METRICS_TOKEN") or os.environ.get("METRICS_TOKEN")
    sent = request.headers.get("Authorization", "")
    if token and sent.startswith("Bearer "):
        return hmac.compare_digest(sent[len("Bearer ") :].encode(), token.encode())
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.get("/metrics")
def metrics():
    """The Prometheus exposition."""
    if not metrics_allowed():
        abort(404)
    body = exposition.render(current_app)
    return (
        body,
        200,
        {
            "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
            "Cache-Control": "no-store",
        },
    )
