"""Entry codes: ``<PREFIX><YY>-<FIELD>-<NNN>``, e.g. ``STKT25-CNTT-007``.

* PREFIX: ``STKT`` for the Technical Innovation Contest, ``STTN`` for the Youth contest;
* YY: the last two digits of the year of the edition's submission deadline (Vietnam time);
* FIELD: the code of the entry's field at its first submission;
* NNN: a number per edition and field, from 001, zero-padded to 3 digits (more when > 999).

A code is assigned at the first submission and never changes: reclassification, a
withdrawal and a later resubmission keep it. Numbers come from :class:`EntryCodeCounter` with
an ``UPDATE … RETURNING`` that locks the counter row until the transaction ends, so two
concurrent submissions never get the same number (on SQLite the database write lock does the
same). A number whose code is already taken (an entry imported from paper with that code) is
skipped; the unique constraint on ``(edition_id, code)`` is the last guard.
"""

from __future__ import annotations

import re

from sqlalchemy import Insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..contests.models import Edition
from ..extensions import db
from ..timeutil import LOCAL_TZ
from .models import Entry, EntryCodeCounter

PREFIXES = {"technical": "STKT", "youth": "STTN"}
MAX_SKIPS = 10_000
CODE_RE = re.compile(r"^(?P<prefix>[A-Z]+\d{2})-(?P<field>.+)-(?P<number>\d{3,})$")


def code_prefix(edition: Edition) -> str:
    """``STKT25``: the contest's prefix and the deadline's two-digit year (local time)."""
    year = edition.submission_deadline.astimezone(LOCAL_TZ).year
    return f"{PREFIXES[edition.kind]}{year % 100:02d}"


def format_code(prefix: str, field_code: str, number: int) -> str:
    """``format_code("STKT25", "CNTT", 7)`` → ``STKT25-CNTT-007``."""
    return f"{prefix}-{field_code}-{number:03d}"


def _ensure_counter(edition_id: int, field_code: str) -> None:
    """Create the counter row if absent (a concurrent creator is not an error)."""
    dialect = db.session.get_bind().dialect.name
    table = EntryCodeCounter.__table__
    values = {"edition_id": edition_id, "field_code": field_code, "next_number": 1}
    stmt: Insert
    if dialect == "postgresql":
        stmt = pg_insert(table).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite_insert(table).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - the service runs on PostgreSQL or SQLite
        exists = db.session.get(EntryCodeCounter, (edition_id, field_code))
        if exists is not None:
            return
        stmt = table.insert().values(**values)
    db.session.execute(stmt)


def take_number(edition_id: int, field_code: str) -> int:
    """The next number of ``field_code`` in the edition; the counter row stays locked until
    the transaction ends."""
    _ensure_counter(edition_id, field_code)
    table = EntryCodeCounter.__table__
    taken = db.session.execute(
        update(table)
        .where(table.c.edition_id == edition_id, table.c.field_code == field_code)
        .values(next_number=table.c.next_number + 1)
        .returning(table.c.next_number)
    ).scalar_one()
    return taken - 1


def code_taken(edition_id: int, code: str) -> bool:
    """True when an entry of the edition already has ``code``."""
    stmt = select(Entry.id).where(Entry.edition_id == edition_id, Entry.code == code)
    return db.session.execute(stmt).first() is not None


def new_code(edition: Edition, field_code: str) -> str:
    """A fresh, unused code for an entry of ``field_code`` in ``edition``."""
    prefix = code_prefix(edition)
    for _attempt in range(MAX_SKIPS):
        code = format_code(prefix, field_code, take_number(edition.id, field_code))
        if not code_taken(edition.id, code):
            return code
    raise RuntimeError("no free entry code")  # pragma: no cover - 10,000 imported codes


def code_for(entry: Entry) -> str:
    """The entry's code, or a fresh one for its first submission (the caller writes it)."""
    return entry.code or new_code(entry.edition, entry.field.code)
