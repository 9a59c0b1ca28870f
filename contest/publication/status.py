"""What the organizers' publication pages show: an edition's publication status, the preview
of what ``publish`` would publish now, a version grouped by field and prize, and the
complaints of an edition. Reading only (no writes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..contests.models import Edition
from ..extensions import db
from ..results.models import ResultsRun
from ..timeutil import utcnow
from . import operations as pub
from .models import Complaint, ComplaintStatus, Publication, PublishedEntry

NOT_COMPILED, READY, BLOCKED = "not_compiled", "ready", "blocked"
#: How many blockers the pages name; the others are counted ("và N vấn đề khác").
BLOCKERS_SHOWN = 50
POSTING, FINAL = "posting", "final"


@dataclass
class EditionStatus:
    """Where an edition's publication stands.

    ``kind``: ``not_compiled`` (no run of the last round), ``ready`` / ``blocked`` (never
    published; blocked while flags remain), ``posting`` / ``final`` (the current version's
    state). ``newer_run``: the latest run is not the one the current version was made from.
    ``blockers``: the first :data:`BLOCKERS_SHOWN` blockers, ``blocker_count`` all of them."""

    edition: Edition
    kind: str
    run: ResultsRun | None
    blockers: list[pub.Blocker] = field(default_factory=list)
    blocker_count: int = 0
    current: Publication | None = None
    newer_run: bool = False
    open_complaints: int = 0


def edition_status(
    edition: Edition, now: datetime | None = None, *, brief: bool = False
) -> EditionStatus:
    """The status of ``edition`` at ``now``. ``brief`` (the list of editions): the blockers
    are read only for an edition never published. The blockers are counted in SQL and only
    the first :data:`BLOCKERS_SHOWN` are built (``publish.find_blockers``)."""
    now = now or utcnow()
    run = pub.last_round_run(edition)
    current = pub.latest_publication(edition)
    found = (
        pub.find_blockers(edition, run, now, limit=BLOCKERS_SHOWN)
        if run is not None and not (brief and current is not None)
        else pub.Blockers(0, [])
    )
    if current is not None:
        kind = POSTING if pub.state(current, now) == pub.State.POSTING else FINAL
    elif run is None:
        kind = NOT_COMPILED
    else:
        kind = BLOCKED if found.count else READY
    return EditionStatus(
        edition=edition,
        kind=kind,
        run=run,
        blockers=found.shown,
        blocker_count=found.count,
        current=current,
        newer_run=bool(current and run and current.run_id != run.id),
        open_complaints=open_complaints(edition) if current else 0,
    )


def open_complaints(edition: Edition) -> int:
    """How many complaints about ``edition`` are unanswered."""
    return db.session.scalars(
        select(func.count(Complaint.id))
        .join(Publication, Publication.id == Complaint.publication_id)
        .where(
            Publication.edition_id == edition.id,
            Complaint.status == ComplaintStatus.OPEN.value,
        )
    ).one()


@dataclass(frozen=True)
class Preview:
    """What publishing now would give: ``count`` winners, and against the current version
    the ``changes`` (``publish.Difference``); ``unchanged`` when a correction would be
    refused because nothing changed."""

    count: int
    changes: list[pub.Difference]
    unchanged: bool


def preview(edition: Edition, run: ResultsRun, current: Publication | None) -> Preview:
    """The snapshot ``publish`` would take now, compared with ``current``."""
    values = pub.snapshot(edition, run)
    if current is None:
        return Preview(len(values), [], False)
    draft = SimpleNamespace(entries=[SimpleNamespace(**v) for v in values])
    changes = pub.differences(current, draft)  # type: ignore[arg-type]
    return Preview(len(values), changes, pub.unchanged(current, values))


def versions(edition: Edition) -> list[Publication]:
    """Every version of ``edition``, newest first, with who published it."""
    return list(
        db.session.scalars(
            select(Publication)
            .where(Publication.edition_id == edition.id)
            .options(selectinload(Publication.published_by))
            .order_by(Publication.version.desc())
        )
    )


def version(edition: Edition, number: int) -> Publication | None:
    """Version ``number`` of ``edition``."""
    return db.session.scalar(
        select(Publication).where(
            Publication.edition_id == edition.id, Publication.version == number
        )
    )


@dataclass(frozen=True)
class Group:
    """The winners of one field (and board), by prize level."""

    field_name: str
    board_name: str
    prizes: list[tuple[str, list[PublishedEntry]]]


def grouped(publication: Publication) -> list[Group]:
    """The version's entries by field (and board), then prize level, in the list's order."""
    out = []
    entries = list(publication.entries)
    for (field_name, board_name), items in groupby(
        entries, key=lambda e: (e.field_name, e.board_name)
    ):
        prizes = [(name, list(rows)) for name, rows in groupby(items, key=lambda e: e.prize_name)]
        out.append(Group(field_name, board_name, prizes))
    return out


def complaints_page(edition: Edition, which: str, page: int, per_page: int):
    """The complaints of ``edition`` (``which``: ``open``, ``answered`` or all), open first,
    newest first; a Flask-SQLAlchemy pagination."""
    stmt = (
        select(Complaint)
        .join(Publication, Publication.id == Complaint.publication_id)
        .where(Publication.edition_id == edition.id)
        .options(
            selectinload(Complaint.entry),
            selectinload(Complaint.user),
            selectinload(Complaint.publication),
            selectinload(Complaint.answered_by),
        )
    )
    if which == "open":
        stmt = stmt.where(Complaint.status == ComplaintStatus.OPEN.value)
    elif which == "answered":
        stmt = stmt.where(Complaint.status != ComplaintStatus.OPEN.value)
    is_open = Complaint.status == ComplaintStatus.OPEN.value
    stmt = stmt.order_by(is_open.desc(), Complaint.created_at.desc(), Complaint.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
