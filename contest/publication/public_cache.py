"""Rendered public pages, cached: the results page of a published version and an
edition's public page, for visitors who are not logged in (results day traffic).

A published version never changes, so its page is a function of the key: the version (id,
number, time of publication), the newest version of the edition (a correction adds one and
so changes every key of the edition: the next request renders the correction), the
version's state (posting period or final), the language and the path. The edition page's key
is the edition's ``version`` and ``updated_at``, its phase, and with a short lifetime
(:data:`EDITION_TIMEOUT`) for what its settings pages change without touching the edition
row. Logged-in visitors, URLs with a query string and pages with a flashed message are never
cached (they are rendered as before).

The only per-visitor text of an anonymous page is the CSRF token of the language switch: the
page is rendered with a marker in its place and each response gets the visitor's own token.

On a shared cache (Redis) each stored page has an id, kept next to it under its own key; a
process keeps the pages it has read (:data:`_LOCAL`, by id, bounded in bytes), so a hit reads
two small values — the generation and the id of the page Redis holds now — and copies no page
over the network. A local copy is used only while Redis holds that very page (same id) with
the current generation, so it is never staler than the shared one.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any, overload

from flask import has_app_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Session

from .. import page_cache
from ..timeutil import utcnow

log = logging.getLogger(__name__)

#: Stands for the CSRF token in a cached page (never a valid token, never user input).
MARKER = "__contest_csrf_token_9f2c7e__"
#: Lifetime of a cached edition page, seconds.
EDITION_TIMEOUT = 60


def cacheable() -> bool:
    """True when the current request may get (and fill) a cached page."""
    if request.method != "GET" or request.query_string:
        return False
    if "_flashes" in session:
        return False
    return not current_user.is_authenticated


def _stamp(value) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return "" if value is None else str(value)


def page_key(kind: str, *parts) -> str:
    """The cache key of a public page: ``kind``, ``parts``, the language and the path."""
    return key_for(kind, parts, str(get_locale()), request.path)


def key_for(kind: str, parts: tuple, locale: str, path: str) -> str:
    """:func:`page_key` from its pieces (also used outside a request, see
    :mod:`contest.publication.public_fast`)."""
    return ":".join(["public", kind, *(_stamp(p) for p in parts), locale, path])


# --- Which key: a generation (shared cache) or the database's version columns -----------------

#: The generation of everything the public pages show (Redis only): bumped after every commit
#: that changed an edition, its settings, areas, or a publication.
GENERATION_KEY = "public:generation"
WATCHED = ("contest.contests.", "contest.publication.", "contest.areas.")
#: In generation mode a page also expires after this many seconds (a change made outside the
#: application, such as a restored database, shows within this time).
SHARED_TIMEOUT = 600
_DIRTY = "contest.public_pages_changed"


def shared() -> bool:
    """True when the cache is shared by every process (Redis): generation mode."""
    return type(page_cache.get_cache().cache).__name__ == "RedisCache"


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, flush_context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if type(obj).__module__.startswith(WATCHED):
            session.info[_DIRTY] = True
            return


@event.listens_for(Session, "after_commit")
def _bump_generation(session: Session) -> None:
    if not session.info.pop(_DIRTY, False) or not has_app_context():
        return
    try:
        if shared():
            page_cache.get_cache().cache.inc(GENERATION_KEY)
    except Exception:  # noqa: BLE001 - pages then expire after SHARED_TIMEOUT at most
        log.warning("public page generation not bumped", exc_info=True)


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop(_DIRTY, None)


#: Suffix of the key holding the id of the page stored under a key.
ID_SUFFIX = ":id"
#: Pages this process has read from the shared cache: id → (stamp, until, UTF-8 bytes).
_LOCAL: OrderedDict[str, tuple[Any, datetime | None, bytes]] = OrderedDict()
_LOCAL_LOCK = threading.Lock()
#: At most this many bytes of pages are kept in a process.
LOCAL_BYTES = 16 * 1024 * 1024
_local_size = 0


def _remember(page_id: str, stamp: Any, until: datetime | None, html: str | bytes) -> bytes:
    """Keep a page read from (or written to) the shared cache; its bytes."""
    global _local_size
    data = html.encode() if isinstance(html, str) else html
    with _LOCAL_LOCK:
        old = _LOCAL.pop(page_id, None)
        if old is not None:
            _local_size -= len(old[2])
        _LOCAL[page_id] = (stamp, until, data)
        _local_size += len(data)
        while _local_size > LOCAL_BYTES and len(_LOCAL) > 1:
            _key, (_s, _u, dropped) = _LOCAL.popitem(last=False)
            _local_size -= len(dropped)
    return data


def local_page(page_id: Any, stamp: Any) -> bytes | None:
    """The local copy of page ``page_id`` when it carries ``stamp`` and has not expired."""
    if not isinstance(page_id, str):
        return None
    found = _LOCAL.get(page_id)
    if found is None or found[0] != stamp:
        return None
    until = found[1]
    if until is not None and utcnow() >= until:
        return None
    return found[2]


def forget_local() -> None:
    """Drop this process's copies (tests)."""
    global _local_size
    with _LOCAL_LOCK:
        _LOCAL.clear()
        _local_size = 0


def lookup(
    kind: str, db_parts: Callable[[], tuple | None]
) -> tuple[str | None, Any, str | bytes | None]:
    """``(key, stamp, page)`` for the current request: the cache key of its page, what the
    stored page must carry to be current, and the page when the cache has it (else None).

    On a shared cache (Redis) the key is the page's kind, language and path, and the stamp is
    the current generation: one round trip reads both with the id of the stored page, no
    database statement; the page itself comes from this process's copy of that id, else from
    Redis (a second round trip). Otherwise ``db_parts()`` (one plain statement: the version
    columns of what the page shows) goes into the key. ``(None, None, None)`` when the request
    is not cacheable or ``db_parts`` finds nothing."""
    if not cacheable():
        return None, None, None
    try:
        if shared():
            key = page_key(kind)
            cache = page_cache.get_cache()
            generation, page_id = cache.get_many(GENERATION_KEY, key + ID_SUFFIX)
            generation = int(generation or 0)
            page: str | bytes | None = local_page(page_id, generation)
            if page is None:  # (a page stored without an id, by an older release: rebuilt)
                entry = cache.get(key)
                page = _current(entry, generation)
                if page is not None and isinstance(entry.get("id"), str):
                    page = _remember(entry["id"], generation, entry.get("until"), page)
                else:
                    page = None
            return key, generation, page
    except Exception:  # noqa: BLE001 - the database's version columns then
        log.warning("page cache unreachable (lookup)", exc_info=True)
    parts = db_parts()
    if parts is None:
        return None, None, None
    key = page_key(kind, *parts)
    return key, None, _current(page_cache.get(key), None)


def _current(entry: Any, stamp: Any) -> str | None:
    if not isinstance(entry, dict) or entry.get("stamp") != stamp:
        return None
    until = entry.get("until")
    if until is not None and utcnow() >= until:
        return None
    return entry.get("html")


def render(
    key: str | None,
    stamp: Any,
    build: Callable[[dict], str],
    timeout: int | None = None,
    valid_until: Callable[[], datetime | None] | None = None,
) -> str:
    """The page: ``build(extra_context)`` renders it, stored under ``key`` (None: not
    cacheable) with ``stamp``; the visitor's CSRF token put in on the way out.
    ``valid_until()`` (called after ``build``) is the next moment the page changes by itself
    (a posting period that ends, a deadline): the stored page is not served from then on."""
    if key is None or not cacheable():
        return build({})
    html = build({"csrf_token": lambda: MARKER})
    until = valid_until() if valid_until is not None else None
    entry = {"html": html, "until": until, "stamp": stamp}
    if stamp is not None:  # shared: the page and its id (written after it)
        timeout = min(timeout or SHARED_TIMEOUT, SHARED_TIMEOUT)
        entry["id"] = uuid.uuid4().hex
        page_cache.put_many({key: entry, key + ID_SUFFIX: entry["id"]}, timeout)
        _remember(entry["id"], stamp, until, html)
    else:
        page_cache.put(key, entry, timeout)
    return with_token(html)


MARKER_BYTES = MARKER.encode()


@overload
def with_token(html: str) -> str: ...
@overload
def with_token(html: bytes) -> bytes: ...
def with_token(html: str | bytes) -> str | bytes:
    """``html`` with the visitor's own CSRF token in place of the marker."""
    if isinstance(html, bytes):
        if MARKER_BYTES not in html:
            return html
        return html.replace(MARKER_BYTES, generate_csrf().encode())
    return html.replace(MARKER, generate_csrf()) if MARKER in html else html


def next_moment(*moments: datetime | None) -> datetime | None:
    """The earliest of ``moments`` still to come (None when none is)."""
    now = utcnow()
    future = [m for m in moments if m is not None and m > now]
    return min(future) if future else None
