"""The editions taking entries now, for the public pages' entry points: the nearest deadline
first, each with the whole days left ("còn N ngày")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..areas.models import Area, AreaLevel
from ..extensions import db
from . import pages_support, timeline
from .models import Edition
from .timeline import Phase


@dataclass(frozen=True)
class OpenCall:
    """An edition open for entries; ``days_left``: whole days before its deadline (0: less
    than a day)."""

    edition: Edition
    deadline: datetime
    days_left: int


def open_calls(now: datetime) -> list[OpenCall]:
    """The public editions open for entries at ``now``, the nearest deadline first."""
    current, _past = pages_support.public_editions(now, "", 1, 1)
    calls = []
    for edition in current:
        if timeline.phase(edition, now) != Phase.OPEN:
            continue
        deadline = timeline.effective_deadline(edition)
        remaining = pages_support.time_remaining(deadline, now)
        if remaining is not None:
            calls.append(OpenCall(edition, deadline, remaining.days))
    return sorted(calls, key=lambda c: (c.deadline, c.edition.id))


def open_first(editions: list[Edition], now: datetime) -> list[Edition]:
    """``editions`` with those open for entries first (the order is kept otherwise)."""
    return sorted(editions, key=lambda e: timeline.phase(e, now) != Phase.OPEN)


def days_left(edition: Edition, now: datetime) -> int | None:
    """Whole days before ``edition``'s deadline while it is open for entries, else None."""
    if timeline.phase(edition, now) != Phase.OPEN:
        return None
    remaining = pages_support.time_remaining(timeline.effective_deadline(edition), now)
    return remaining.days if remaining else None


@dataclass(frozen=True)
class ProvinceCalls:
    """A province on the instance, with its editions open for entries now and how many of
    its editions the public can see."""

    province: Area
    calls: list[OpenCall]
    public_count: int


def provinces_with_calls(calls: list[OpenCall], now: datetime) -> list[ProvinceCalls]:
    """Every province that has a public edition, by name, each with its open calls (the
    public home lists them when the instance serves several provinces)."""
    counts = dict(
        db.session.execute(
            select(Edition.province_id, func.count(Edition.id))
            .where(
                Edition.province_id.is_not(None),
                Edition.opens_at.is_not(None),
                Edition.opens_at <= now,
            )
            .group_by(Edition.province_id)
        ).all()
    )
    if not counts:
        return []
    provinces = db.session.scalars(
        select(Area).where(Area.id.in_(counts)).order_by(Area.name)
    ).all()
    return [
        ProvinceCalls(p, [c for c in calls if c.edition.province_id == p.id], counts[p.id])
        for p in provinces
    ]


def province_by_code(code: str) -> Area | None:
    """The province with official ``code`` (``?province=08`` on the public list), if any."""
    code = (code or "").strip()
    if not code or len(code) > 40:
        return None
    return db.session.scalar(
        select(Area).where(
            Area.code == code, Area.level == AreaLevel.PROVINCE.value, Area.parent_id.is_(None)
        )
    )
