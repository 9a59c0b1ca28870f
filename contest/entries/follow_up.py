"""What a coordinator follows up in their area, per edition still taking or checking entries:
the counts by stage with the area's deadline, the drafts not yet submitted with their owners'
contacts, and the entries missing required files. Reads through the coordinator's own
visibility (:mod:`.access`), so nothing of another area shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..contests.deadlines import deadline_for
from ..contests.models import Edition
from ..contests.timeline import Phase, phase
from ..extensions import db
from . import completeness
from .dashboard import status_rows
from .models import Entry, EntryStatus
from .queries import EntryFilters, entries_select

LISTED = 50  # rows shown per list (the total is given)


@dataclass
class Row:
    """One entry to follow up: its owner's contacts and the required files it lacks."""

    entry: Entry
    owner_name: str
    email: str
    phone: str
    missing: list[str]


@dataclass
class EditionFollowUp:
    """One edition, as the coordinator's area sees it."""

    edition: Edition
    phase: Phase
    deadline: datetime
    counts: list[tuple[str, str, int]]
    drafts: list[Row] = field(default_factory=list)
    drafts_total: int = 0
    missing_files: list[Row] = field(default_factory=list)
    missing_total: int = 0


def follow_up(user, area, now: datetime) -> list[EditionFollowUp]:
    """The editions not yet judged (draft excluded), as ``user`` (a coordinator of ``area``)
    sees them, newest deadline first."""
    editions = db.session.scalars(
        select(Edition)
        .where(Edition.archived_at.is_(None), Edition.published_at.is_(None))
        .order_by(Edition.submission_deadline.desc())
    ).all()
    out = []
    for edition in editions:
        current = phase(edition, now, area.id if area else None)
        if current in (Phase.DRAFT, Phase.REVIEW, Phase.PUBLISHED, Phase.ARCHIVED):
            continue
        item = EditionFollowUp(
            edition, current, deadline_for(edition, area), status_rows(user, edition)
        )
        drafts = _entries(user, edition, (EntryStatus.DRAFT.value,))
        item.drafts_total = len(drafts)
        item.drafts = _rows(drafts[:LISTED])
        pending = _entries(user, edition, (EntryStatus.SUBMITTED.value, EntryStatus.RECEIVED.value))
        lacking = [r for r in _rows(pending) if r.missing]
        item.missing_total = len(lacking)
        item.missing_files = lacking[:LISTED]
        out.append(item)
    return out


def _entries(user, edition: Edition, statuses: tuple[str, ...]) -> list[Entry]:
    stmt = entries_select(
        user, EntryFilters(edition_id=edition.id, statuses=statuses, sort="updated")
    ).options(selectinload(Entry.owner), selectinload(Entry.field))
    return list(db.session.scalars(stmt))


def _rows(entries: list[Entry]) -> list[Row]:
    missing = completeness.missing_kinds_by_entry(entries)
    return [
        Row(
            entry=e,
            owner_name=e.owner.display_name if e.owner else "",
            email=e.owner.email if e.owner else "",
            phone=(e.owner.phone if e.owner else "") or "",
            missing=[completeness.attachment_label(k) for k in missing.get(e.id, [])],
        )
        for e in entries
    ]
