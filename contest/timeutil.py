"""Time helpers: storage is UTC, people read Asia/Ho_Chi_Minh."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import overload
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime (naive values are taken as UTC, as SQLite
    hands them back)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@overload
def to_local(value: datetime) -> datetime: ...
@overload
def to_local(value: None) -> None: ...
@overload
def to_local(value: datetime | None) -> datetime | None: ...
def to_local(value: datetime | None) -> datetime | None:
    """Convert a stored (UTC) datetime to Vietnam local time."""
    if value is None:
        return None
    return as_utc(value).astimezone(LOCAL_TZ)


def format_local(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """Format a stored datetime in local time the Vietnamese way (day/month/year)."""
    local = to_local(value)
    return local.strftime(fmt) if local else ""


DATE_FORMAT = "%d/%m/%Y"
MOMENT_FORMAT = "%d/%m/%Y %H:%M"
#: What a person may type: ``dd/mm/yyyy`` (one-digit day and month allowed, ``-`` or ``.``
#: as separators too), or ISO ``yyyy-mm-dd`` kept for older forms and scripts.
DATE_PATTERN = r"\d{1,2}[\/.\-]\d{1,2}[\/.\-]\d{4}|\d{4}-\d{1,2}-\d{1,2}"
#: A date then a time ``hh:mm`` (a space or ``T`` between them).
MOMENT_PATTERN = (
    r"\s*(\d{1,2}[\/.\-]\d{1,2}[\/.\-]\d{4}|\d{4}-\d{1,2}-\d{1,2})"
    r"(\s+|\s*T\s*|\s*,\s*)\d{1,2}[:hH]\d{2}(:\d{2})?\s*"
)


def parse_date(text: str) -> date:
    """A calendar date typed as ``dd/mm/yyyy`` (``dd-mm-yyyy``, ``dd.mm.yyyy``) or ISO
    ``yyyy-mm-dd``; the day always comes before the month. Raises ValueError."""
    text = text.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        return date(year, month, day)
    local = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    if not local:
        raise ValueError(text)
    day, month, year = (int(g) for g in local.groups())
    return date(year, month, day)


def parse_moment(text: str) -> datetime:
    """A Vietnam-time moment typed as ``dd/mm/yyyy hh:mm`` (or ISO ``yyyy-mm-ddThh:mm``),
    returned timezone-aware. Raises ValueError."""
    match = re.fullmatch(
        r"\s*(\S+?)(?:\s+|\s*T\s*|\s*,\s*)(\d{1,2})[:hH](\d{2})(?::(\d{2}))?\s*", text
    )
    if not match:
        raise ValueError(text)
    day = parse_date(match.group(1))
    hour, minute, second = int(match.group(2)), int(match.group(3)), int(match.group(4) or 0)
    return datetime.combine(day, time(hour, minute, second), tzinfo=LOCAL_TZ)
