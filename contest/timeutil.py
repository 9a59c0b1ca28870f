"""Time helpers: storage is UTC, people read Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import UTC, datetime
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


def to_local(value: datetime | None) -> datetime | None:
    """Convert a stored (UTC) datetime to Vietnam local time."""
    if value is None:
        return None
    return as_utc(value).astimezone(LOCAL_TZ)


def format_local(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """Format a stored datetime in local time the Vietnamese way (day/month/year)."""
    local = to_local(value)
    return local.strftime(fmt) if local else ""
