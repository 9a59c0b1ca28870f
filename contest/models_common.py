"""Column types shared by the feature models."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, TypeDecorator

from .timeutil import as_utc


class UTCDateTime(TypeDecorator):
    """An aware datetime stored as UTC; SQLite's naive values come back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return as_utc(value)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else as_utc(value)
