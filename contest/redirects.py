"""Where the service may send a user back to: same-site paths only.

Every ``next`` parameter and every referrer a view follows goes through :func:`safe_next`.
A target is kept only when it is a path of this site: it starts with exactly one ``/``,
holds no backslash, whitespace or control character (browsers drop tabs and line breaks
and read ``\\`` as ``/``, which turns ``/\\t/evil.example`` into ``//evil.example``), and
names no other host. An absolute URL of this very host (a referrer) is reduced to its path
and query. Anything else is refused (None), and the caller uses its own default.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from flask import request


def _suspicious(text: str) -> bool:
    return any(c == "\\" or c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text)


def safe_next(target: str | None) -> str | None:
    """``target`` as a same-site path (with its query), or None when it may lead elsewhere."""
    if not target or _suspicious(target) or target.startswith("//"):
        return None
    parts = urlsplit(target)
    foreign = parts.scheme not in ("http", "https") or parts.netloc != request.host
    if (parts.scheme or parts.netloc) and foreign:
        return None
    path = parts.path
    if not path.startswith("/") or path.startswith("//"):
        return None
    decoded = unquote(path)
    if decoded.startswith("//") or _suspicious(decoded):
        return None
    return urlunsplit(("", "", path, parts.query, ""))


def back_to(*targets: str | None, default: str) -> str:
    """The first safe target among ``targets`` (``next``, then the referrer…), else
    ``default``."""
    for target in targets:
        safe = safe_next(target)
        if safe:
            return safe
    return default
