"""What every factory shares: a counter for unique values, the commit rule and the default
dates (a technical edition whose submissions close at 17:00 on 31 July 2026, Vietnam time)."""

from __future__ import annotations

import itertools
from datetime import datetime

from contest.extensions import db
from contest.timeutil import LOCAL_TZ

_counter = itertools.count(1)


def seq() -> int:
    """A number never handed out before in this test process (unique e-mails, codes …)."""
    return next(_counter)


def local(*args) -> datetime:
    """An aware Vietnam-time datetime."""
    return datetime(*args, tzinfo=LOCAL_TZ)


#: The default submission deadline of a new edition.
DEADLINE = local(2026, 7, 31, 17, 0)


def done(commit: bool) -> None:
    """End a factory: commit (the default, like the tests' own builders) or only flush, so
    that ids are known and the caller commits."""
    if commit:
        db.session.commit()
    else:
        db.session.flush()


def save(obj, commit: bool = True):
    """Add ``obj`` to the session, then :func:`done`; return it."""
    db.session.add(obj)
    done(commit)
    return obj


def apply(obj, attrs: dict) -> None:
    """Set keyword overrides on a row; an attribute the model does not have is an error (a
    misspelt override must not pass silently)."""
    for key, value in attrs.items():
        if not hasattr(type(obj), key):
            raise TypeError(f"{type(obj).__name__} has no attribute {key!r}")
        setattr(obj, key, value)
