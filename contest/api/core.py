"""The machinery every ``/api/v1`` operation shares: :func:`operation` (authentication,
scope, roles, rate limits, language, problem answers) and the JSON, ETag and cursor helpers.

Authentication is by personal access token only (``Authorization: Bearer ctk_…``); the
token's owner becomes ``current_user`` for the request, so the views call the same loaders
and scope rules as the pages (:mod:`contest.entries.access`, :mod:`contest.judging.judge_files`
…) and nothing here decides who sees what. A session cookie does not authenticate an API
call; an unsafe request (POST, PUT, PATCH, DELETE) without a token still has to pass the
session's CSRF check (the blueprint is exempt from the automatic check only so that token
requests, which carry no cookie and cannot be forged by a browser, need no CSRF token).

The language of every message is chosen from ``Accept-Language`` (``vi`` or ``en``,
Vietnamese when absent).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import inspect
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, current_app, g, request
from flask_babel import force_locale
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import HTTPException

from ..extensions import db
from . import ratelimit, tokens
from .problems import Problem, from_http, problem_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC = "public"
TOKEN = "token"  # noqa: S105 - an authentication kind, not a secret


def api_locale() -> str:
    """The caller's language from ``Accept-Language`` (``vi`` unless English is preferred)."""
    languages = list(current_app.config.get("LANGUAGES", ("vi", "en")))
    if not request.accept_languages:
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "vi")
    return request.accept_languages.best_match(languages, default=languages[0])


def _client_address() -> str:
    return (request.remote_addr or "unknown")[:64]


def _bearer() -> str | None:
    """The token of ``Authorization: Bearer …`` (None without that header)."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not value.strip():
        return ""
    return value.strip()


def _limited(key: str, limit: int) -> None:
    wait = ratelimit.retry_after(key, limit)
    if wait is not None:
        raise Problem(429, code="rate-limited", headers={"Retry-After": str(wait)})


def _csrf_check() -> None:
    """The session's CSRF check for an unsafe request that carries no token."""
    if request.method in SAFE_METHODS or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    from ..extensions import csrf

    csrf.protect()


def _authenticate(auth: str, scope: str, roles: tuple):
    """The owner of the request's token, checked for scope and roles (raises Problem)."""
    secret = _bearer()
    if secret is None:
        _csrf_check()
        if auth == PUBLIC:
            return None
        raise Problem(401, code="token-required", headers={"WWW-Authenticate": "Bearer"})
    token = tokens.authenticate(secret)
    if token is None:
        if auth == PUBLIC and secret == "":
            return None
        raise Problem(
            401,
            _("Khoá truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi."),
            code="invalid-token",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    _limited(f"token:{token.id}", ratelimit.limit_for("per_token"))
    if tokens.touch(token, _client_address()):
        db.session.commit()
    user = token.user
    # The owner acts for this request, without a session: every loader reads current_user.
    g._login_user = user
    g.api_token = token
    if scope == "write" and not token.can_write:
        raise Problem(
            403,
            _("Khoá này chỉ có quyền đọc: không thể ghi dữ liệu."),
            code="read-only-token",
        )
    if roles and not user.has_role(*roles):
        raise Problem(403, code="role-required")
    return user


def operation(
    *,
    summary: str,
    tags: tuple[str, ...],
    auth: str = TOKEN,
    scope: str = "read",
    roles: tuple = (),
    query: type[Schema] | None = None,
    body: type[Schema] | dict | None = None,
    response: type[Schema] | dict | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    content: str | None = None,
    description: str = "",
) -> Callable:
    """Declare an API operation: its documentation (read by :mod:`.spec`) and its checks.

    ``auth`` is ``token`` (a personal access token is required) or ``public``; ``scope``
    ``write`` refuses read-only tokens; ``roles`` the owner must hold one of; ``query`` /
    ``body`` are marshmallow schemas loaded into ``g.query`` / ``g.body`` (400 / 422 with
    every problem); ``response`` documents the answer (``content``: a file download)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            locale = api_locale()
            request.environ["contest.api_locale"] = locale
            with force_locale(locale):
                try:
                    _limited(f"addr:{_client_address()}", ratelimit.limit_for("per_address"))
                    _authenticate(auth, scope, roles)
                    if query is not None:
                        g.query = _load(query, _query_args(query), 400)
                    if isinstance(body, type) and issubclass(body, Schema):
                        g.body = _load(body, _json_body(), 422)
                    answer = view(*args, **kwargs)
                except Problem as problem:
                    db.session.rollback()
                    return problem_response(problem)
                except HTTPException as error:
                    db.session.rollback()
                    return problem_response(from_http(error))
                except Exception:
                    db.session.rollback()
                    if current_app.testing or current_app.config.get("PROPAGATE_EXCEPTIONS"):
                        raise
                    current_app.logger.exception("API operation %s failed", request.endpoint)
                    return problem_response(Problem(500))
                answer.headers["Content-Language"] = locale
                answer.vary.add("Accept-Language")
                answer.vary.add("Authorization")
                return answer

        wrapped.api_meta = {  # type: ignore[attr-defined]
            "summary": summary,
            "description": description or inspect.cleandoc(view.__doc__ or ""),
            "tags": list(tags),
            "auth": auth,
            "scope": scope,
            "roles": [str(r) for r in roles],
            "query": query,
            "body": body,
            "response": response,
            "status": status,
            "errors": errors,
            "content": content,
        }
        return wrapped

    return decorator


def _load(schema: type[Schema], data: Any, status: int) -> dict:
    """``data`` loaded by ``schema``; a Problem listing every invalid value otherwise."""
    try:
        return schema().load(data)
    except ValidationError as exc:
        raise Problem(status, code="invalid-input", errors=_messages(exc.messages)) from None


def _query_args(schema: type[Schema]) -> dict:
    """The query string as ``schema`` expects it: lists for list fields (``?status=a&status=b``),
    the last value otherwise."""
    from marshmallow import fields

    declared = schema().fields
    args: dict[str, str | list[str]] = {}
    for name in request.args:
        field = declared.get(name)
        if isinstance(field, fields.List):
            args[name] = request.args.getlist(name)
        else:
            args[name] = request.args.getlist(name)[-1]
    return args


def _messages(messages: Any, path: str = "") -> list[str]:
    """Flatten marshmallow's ``{field: [message]}`` into ``"field: message"`` lines."""
    if isinstance(messages, dict):
        lines: list[str] = []
        for key, value in messages.items():
            lines += _messages(value, f"{path}.{key}" if path else str(key))
        return lines
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{path}: {m}" if path else m for m in messages]
    if isinstance(messages, list):
        return [line for m in messages for line in _messages(m, path)]
    return [f"{path}: {messages}" if path else str(messages)]


def _json_body() -> Any:
    """The request's JSON body (415 when it is not JSON, 400 when it does not parse)."""
    if not request.is_json:
        raise Problem(415, code="json-required")
    data = request.get_json(silent=True)
    if data is None:
        raise Problem(400, _("Dữ liệu JSON không đọc được."), code="invalid-json")
    return data


def dumps(data: Any) -> str:
    """JSON text of an answer (UTF-8 as is, keys in a stable order)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def etag_of(data: Any) -> str:
    """The strong entity tag of a JSON representation."""
    return hashlib.sha256(dumps(data).encode("utf-8")).hexdigest()[:32]


def json_answer(data: Any, status: int = 200, *, conditional: bool = True) -> Response:
    """A JSON answer; reads get an ``ETag`` and answer 304 to a matching ``If-None-Match``."""
    response = Response(dumps(data), status=status, mimetype="application/json")
    if conditional and status == 200:
        response.set_etag(etag_of(data))
        response.make_conditional(request)
    response.headers.setdefault("Cache-Control", "private, no-cache")
    return response


def check_if_match(current: Any) -> bool:
    """Compare ``If-Match`` with the entity tag of the ``current`` representation: True when
    it matches, False when absent; 412 when it names another version."""
    if not request.if_match:
        return False
    if request.if_match.star_tag or request.if_match.contains(etag_of(current)):
        return True
    raise Problem(412, code="etag-mismatch")


def encode_cursor(last_id: int) -> str:
    """The opaque cursor that continues a list after the row ``last_id``."""
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The id a cursor continues after (0: from the start); 400 for a cursor not made here."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    kind, _sep, value = text.partition(":")
    if kind != "id" or not value.isdigit() or len(value) > 10:
        raise Problem(400, _("Con trỏ phân trang không hợp lệ."), code="invalid-cursor")
    return int(value)
