"""Importing entries that arrived on paper: the FORMATS.md "Entries file", keyed by ``code``.

Columns: ``code``, ``title``, ``field``, ``authors`` (required), ``board`` (required when the
edition has boards), ``area``, ``unit``, ``summary``, ``status`` (``accepted`` by default,
``rejected`` or ``withdrawn``). ``authors`` is ``Full name|YYYY-MM-DD|gender;…`` (gender ``M``,
``F`` or empty; ``DD/MM/YYYY`` and ``Nam``/``Nữ`` are accepted too); the first author is the
representative. The age band and the author count of the edition apply (the "applied since"
rule of technical editions does not: the file has no such column and paper entries were
checked by the district).

All or nothing: every row is checked first and any problem means nothing is written; each
problem names its row (as Excel numbers it) and column. Idempotent: a code already in the
edition updates that entry (only when something differs), so the same file twice creates no
duplicate. A column absent from the file leaves that data of an existing entry alone; an
empty cell clears it (an empty ``status`` means ``accepted``).

Area and unit names are matched to the area tree and the units (case, spacing and a leading
"Huyện", "Thành phố", "Xã", … do not matter); a name that matches nothing or several is kept
as text. Imported entries have ``source = import`` and no owner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import planner
from ..audit.operations import record
from ..contests.gates import ResultsPublished, results_published
from ..contests.models import Edition
from ..extensions import db
from ..tabular import RowProblem, TableError, read_table
from ..timeutil import utcnow
from . import access
from .import_rows import (  # noqa: F401 - part of this module's interface
    OPTIONAL,
    REQUIRED,
    ImportFailed,
    ParsedRow,
    parse_authors,
    validate,
)
from .models import Author, Entry, EntrySource, EntryStatus
from .operations import CONFLICT_KEYS

OLE2_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class ImportResult:
    """The codes created, updated and left unchanged by an import."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _same_authors(entry: Entry, authors: list[tuple[str, date | None, str]]) -> bool:
    return [(a.full_name, a.date_of_birth, a.gender) for a in entry.authors] == authors


def _write_authors(entry: Entry, authors: list[tuple[str, date | None, str]]) -> None:
    """Make the authors match the file; an author whose name is unchanged at the same
    position keeps the details typed on the web (phone, e-mail, …)."""
    current = {a.position: a for a in entry.authors}
    for position, (name, dob, gender) in enumerate(authors, start=1):
        author = current.pop(position, None)
        if author is None or author.full_name != name:
            if author is not None:
                entry.authors.remove(author)
                db.session.flush()
            author = Author(position=position, full_name=name)
            entry.authors.append(author)
        author.date_of_birth = dob
        author.gender = gender
        author.is_representative = position == 1
    for author in current.values():
        entry.authors.remove(author)


def _audit(value):
    return value.isoformat() if isinstance(value, date) else value


def _create(edition: Edition, item: ParsedRow, now: datetime) -> Entry:
    values = {"status": EntryStatus.ACCEPTED.value, **item.values}
    entry = Entry(
        edition_id=edition.id,
        owner_id=None,
        source=EntrySource.IMPORT.value,
        created_at=now,
        updated_at=now,
        **values,
    )
    db.session.add(entry)
    _write_authors(entry, item.authors)
    return entry


def _update(entry: Entry, item: ParsedRow, now: datetime) -> dict:
    changes = {
        key: [_audit(getattr(entry, key)), _audit(value)]
        for key, value in item.values.items()
        if key != "code" and getattr(entry, key) != value
    }
    if not _same_authors(entry, item.authors):
        changes["authors"] = [
            [a.full_name for a in entry.authors],
            [name for name, _dob, _g in item.authors],
        ]
        _write_authors(entry, item.authors)
    for key, value in item.values.items():
        if key != "code":
            setattr(entry, key, value)
    if changes:
        entry.updated_at = now
    return changes


def write_rows(
    edition: Edition, parsed: list[ParsedRow], actor, now: datetime, tick=None
) -> ImportResult:
    """Create or update one entry per row (the rows were validated); audited. ``tick()``,
    when given, is called after each row (progress)."""
    existing = {
        e.code.casefold(): e
        for e in db.session.execute(
            select(Entry).where(Entry.edition_id == edition.id, Entry.code.is_not(None))
        ).scalars()
        if e.code is not None  # always: the query asks for coded entries
    }
    result = ImportResult()
    touched = []  # updated entries whose authors, unit, area or mentor changed
    for item in parsed:
        if tick is not None:
            tick()
        code = item.values["code"]
        entry = existing.get(code.casefold())
        if entry is None:
            entry = _create(edition, item, now)
            db.session.flush()
            record(actor, "entry.import_create", "entry", entry.id, code=code, status=entry.status)
            result.created.append(code)
            continue
        assert entry.code is not None  # it was found by its code
        changes = _update(entry, item, now)
        if changes:
            db.session.flush()
            record(actor, "entry.import_update", "entry", entry.id, code=entry.code, **changes)
            result.updated.append(entry.code)
            if changes.keys() & {"authors", *CONFLICT_KEYS}:
                touched.append(entry)
        else:
            result.unchanged.append(entry.code)
    if touched:  # a judge now in conflict with an entry loses the assignment at once
        from ..judging.recusal import after_entries_changed

        after_entries_changed(touched, actor)
    return result


def import_entries(
    edition: Edition,
    stream: IO[bytes],
    filename: str,
    actor,
    *,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import an entries file (CSV or XLSX) into ``edition``: all or nothing (raises
    :class:`ImportFailed` listing every problem, having written nothing); refused once the
    edition's results are published (:mod:`contest.contests.gates`). ``actor`` is the
    organizer (None from the command line). ``progress(done, total)``, when given, follows
    the rows (each is checked, then written). Flushes, never commits."""
    now = now or utcnow()
    if actor is not None:
        access.ensure_organizer(actor)
    if results_published(edition, now):
        raise ImportFailed([RowProblem(None, "", ResultsPublished().message)])
    head = stream.read(4)
    if head == OLE2_MAGIC:
        raise ImportFailed(
            [
                RowProblem(
                    None,
                    "",
                    _(
                        "Tệp Excel 97–2003 (.xls) không được hỗ trợ: hãy lưu lại dạng .xlsx "
                        "hoặc CSV UTF-8."
                    ),
                )
            ]
        )
    try:
        table = read_table(_Prefixed(head, stream))
    except TableError as exc:
        raise ImportFailed(exc.problems) from None
    tick = _counter(progress, 2 * len(table.rows))
    parsed = validate(edition, table, tick)
    try:
        with db.session.begin_nested():
            result = write_rows(edition, parsed, actor, now, tick)
    except IntegrityError as exc:
        raise ImportFailed(
            [RowProblem(None, "", _("Không ghi được dữ liệu: %(e)s", e=str(exc.orig)))]
        ) from None
    # Planner statistics for what was just written (PostgreSQL only: :mod:`contest.planner`).
    planner.analyze(Entry.__tablename__, Author.__tablename__)
    record(
        actor,
        "entry.import",
        "edition",
        edition.id,
        filename=filename,
        created=len(result.created),
        updated=len(result.updated),
        unchanged=len(result.unchanged),
    )
    return result


def _counter(progress: Callable[[int, int], None] | None, total: int):
    """A no-argument callable counting steps towards ``total`` for ``progress``, or None."""
    if progress is None:
        return None
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        progress(done, total)

    return tick


class _Prefixed:
    """A stream whose first bytes were already read."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self.head, self.stream = head, stream

    def read(self, size: int = -1) -> bytes:
        """Read the remembered bytes, then the stream."""
        head, self.head = self.head, b""
        if size is None or size < 0:
            return head + self.stream.read()
        return head + self.stream.read(max(0, size - len(head)))
