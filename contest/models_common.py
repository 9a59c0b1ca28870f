"""Column types and statement helpers shared by the feature models."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, DateTime, Dialect, Executable, TypeDecorator

from .extensions import db
from .timeutil import as_utc


def execute_dml(statement: Executable) -> CursorResult[Any]:
    """Run an INSERT, UPDATE or DELETE in the session; its result tells ``rowcount``.

    (``Session.execute`` is typed as returning the plain ``Result``, which has no row count;
    a data-changing statement without RETURNING gets a ``CursorResult``.)"""
    return cast("CursorResult[Any]", db.session.execute(statement))


class UTCDateTime(TypeDecorator):
    """An aware datetime stored as UTC; SQLite's naive values come back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)
