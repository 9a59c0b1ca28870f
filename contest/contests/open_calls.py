"""The editions taking entries now, for the public pages' entry points: the nearest deadline
first, each with the whole days left ("còn N ngày")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
