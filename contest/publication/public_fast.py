"""Cached public pages for a visitor without a cookie, answered before Flask's request cycle
(the results day: hundreds of visitors on one page).

On results day most visitors of the public results and edition pages arrive with no cookie:
not logged in, no language chosen, no flashed message. For them the page is the one stored in
the shared page cache (:mod:`contest.publication.public_cache`) for the default language, and
the only per-visitor part is the CSRF token of the language switch. This WSGI layer answers
exactly those requests, when this process already holds the current page (same generation,
same id as the one Redis holds): one Redis round trip, a fresh CSRF token signed into a new
session cookie, the security headers and the request metrics — the response Flask would give,
without its request context, session loading, login and language machinery.

Everything else goes to Flask untouched: another method, a query string, a session or
remember-me cookie, another URL, a page this process does not hold (Flask then reads it from
Redis, or renders and stores it), the cache being per process (no Redis) or unreachable.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from typing import TYPE_CHECKING, Literal

from babel import Locale
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.http import dump_cookie

from .. import page_cache, security_headers
from ..ops import metrics
from . import public_cache

if TYPE_CHECKING:
    from cachelib import BaseCache

log = logging.getLogger(__name__)

#: Endpoints whose anonymous page may be answered here, with their kind of page.
ENDPOINTS = {
    "public_results.edition": "results",
    "public_results.version": "results",
    "public.edition": "edition",
}


class FastPublicPages:
    """WSGI middleware in front of the app's own ``wsgi_app`` (see the module docstring)."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.cookie_names = (
            app.config.get("SESSION_COOKIE_NAME") or "session",
            app.config.get("REMEMBER_COOKIE_NAME") or "remember_token",
        )
        self.locale = str(Locale.parse(app.config["BABEL_DEFAULT_LOCALE"]))
        self.csrf_field = app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
        # The fixed parts of the pages' URLs ("/results/"): other requests skip the routing.
        self.prefixes = tuple(
            sorted(
                {
                    rule.rule.split("<", 1)[0]
                    for rule in app.url_map.iter_rules()
                    if rule.endpoint in ENDPOINTS
                }
            )
        )
        # the cachelib Redis client, once known to be shared (False: the cache is per process)
        self._backend: BaseCache | Literal[False] | None = None
        self._fixed: tuple | None = None

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") == "GET"
            and not environ.get("QUERY_STRING")
            and environ.get("PATH_INFO", "").startswith(self.prefixes)
        ):
            cookies = environ.get("HTTP_COOKIE")
            if not cookies or not any(name in cookies for name in self.cookie_names):
                started = (time.perf_counter(), time.thread_time())
                try:
                    answered = self.answer(environ, started)
                except Exception:  # noqa: BLE001 - Flask answers instead
                    log.warning("fast public page failed", exc_info=True)
                    answered = None
                if answered is not None:
                    headers, body = answered
                    start_response("200 OK", headers)
                    return [body]
        return self.wsgi_app(environ, start_response)

    def backend(self) -> BaseCache | None:
        """The shared cache's client, or None when the page cache is per process."""
        if self._backend is None:
            with self.app.app_context():
                if not public_cache.shared():
                    self._backend = False
                else:
                    self._backend = page_cache.get_cache().cache
        return self._backend or None

    def fixed(self) -> tuple:
        """What every answer shares, computed once from the app's own pieces: the security
        headers (:func:`contest.security_headers.apply` on an empty response), the session
        cookie's name and attributes and its signing serializer (Flask's session interface,
        as its ``save_session`` uses them), the CSRF token's serializer (Flask-WTF's)."""
        if self._fixed is None:
            app = self.app
            probe = security_headers.apply(app, app.response_class(b""))
            security = [
                (k, v) for k, v in probe.headers if k not in ("Content-Type", "Content-Length")
            ]
            interface = app.session_interface
            # Flask's own signed-cookie sessions (the app sets no other interface)
            assert isinstance(interface, SecureCookieSessionInterface)
            attributes = {
                "domain": interface.get_cookie_domain(app),
                "path": interface.get_cookie_path(app),
                "secure": interface.get_cookie_secure(app),
                "httponly": interface.get_cookie_httponly(app),
                "samesite": interface.get_cookie_samesite(app),
                "partitioned": interface.get_cookie_partitioned(app),
                "max_size": app.config["MAX_COOKIE_SIZE"],  # as Flask's response reads it
            }
            csrf_secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
            self._fixed = (
                security,
                interface.get_cookie_name(app),
                attributes,
                interface.get_signing_serializer(app),
                URLSafeTimedSerializer(csrf_secret, salt="wtf-csrf-token") if csrf_secret else None,
            )
        return self._fixed

    def answer(self, environ, started) -> tuple[list, bytes] | None:
        """``(headers, body)`` for ``environ`` when it is a page this process holds, else
        None."""
        app = self.app
        if app.config.get("TRUSTED_HOSTS") is not None or app.url_map.host_matching:
            return None  # Flask checks the host first: let it
        adapter = app.url_map.bind_to_environ(
            environ,
            server_name=app.config.get("SERVER_NAME"),
            subdomain=app.url_map.default_subdomain or None,
        )
        try:
            endpoint, _values = adapter.match(method="GET")
        except Exception:  # noqa: BLE001 - not found, a redirect, another method: Flask's
            return None
        kind = ENDPOINTS.get(endpoint)
        if kind is None:
            return None
        backend = self.backend()
        if backend is None:
            return None
        security, cookie_name, attributes, session_signer, csrf_signer = self.fixed()
        if session_signer is None or csrf_signer is None:
            return None  # no secret key: Flask says so
        path = app.request_class(environ).path
        key = public_cache.key_for(kind, (), self.locale, path)
        generation, page_id = backend.get_many(
            public_cache.GENERATION_KEY, key + public_cache.ID_SUFFIX
        )
        page = public_cache.local_page(page_id, int(generation or 0))
        if page is None:
            return None
        # Flask's path reads the (empty) session, hence "Vary: Cookie"; it writes one only
        # when the page has a CSRF token to give.
        tail = [("Vary", "Cookie")]
        if public_cache.MARKER_BYTES in page:
            # A new visitor's token, as flask_wtf.csrf.generate_csrf makes it: a random raw
            # token kept in the session, signed for the form.
            raw = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 - Flask-WTF's scheme
            page = page.replace(public_cache.MARKER_BYTES, csrf_signer.dumps(raw).encode())
            value = session_signer.dumps({self.csrf_field: raw})
            tail.append(("Set-Cookie", dump_cookie(cookie_name, value, **attributes)))
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(page))),
            *security,
            *tail,
        ]
        metrics.record(app, endpoint, "GET", 200, started)
        return headers, page


def install(app: Flask) -> None:
    """Put the fast path in front of ``app`` (inside a ``ProxyFix``, so it sees the request
    as the app does)."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    if isinstance(app.wsgi_app, ProxyFix):
        app.wsgi_app.app = FastPublicPages(app, app.wsgi_app.app)
    else:
        app.wsgi_app = FastPublicPages(app, app.wsgi_app)  # type: ignore[method-assign]
