"""Paginated lists whose page number is always a real page.

Every list page goes through ``db.paginate``. The page number comes from the URL, so anything
may arrive: ``0``, ``-3`` or ``99999999999999999999`` (whose offset no database can hold). The
page is clamped to ``[1, last page]`` (an empty list has one, empty, page): a number past the
end shows the last page, never an error.
"""

from __future__ import annotations

from math import ceil
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.pagination import Pagination, SelectPagination


def clamp_page(page: int | None, total: int, per_page: int) -> int:
    """``page`` within ``[1, last page]`` for ``total`` items, ``per_page`` a page."""
    last = max(1, ceil(total / per_page)) if per_page > 0 else 1
    return min(max(page or 1, 1), last)


class ClampedPagination(SelectPagination):
    """A :class:`SelectPagination` that counts first, then reads the clamped page."""

    def __init__(
        self,
        page: int | None = None,
        per_page: int | None = None,
        max_per_page: int | None = 100,
        error_out: bool = True,
        count: bool = True,
        **kwargs: Any,
    ) -> None:
        self._query_args = kwargs
        page, per_page = self._prepare_page_args(
            page=page, per_page=per_page, max_per_page=max_per_page, error_out=False
        )
        total = self._query_count()
        super().__init__(
            page=clamp_page(page, total, per_page),
            per_page=per_page,
            max_per_page=max_per_page,
            error_out=False,
            count=False,
            **kwargs,
        )
        self.total = total


class ContestSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy whose ``paginate`` clamps the page number (see the module)."""

    def paginate(self, select, *, page=None, per_page=None, max_per_page=None, **_ignored):
        """One page of ``select``, the page clamped to the existing pages."""
        return ClampedPagination(
            select=select,
            session=self.session(),
            page=page,
            per_page=per_page,
            max_per_page=max_per_page,
        )


class ListPagination(Pagination):
    """One page of a list already in memory (a page built from a domain function's result),
    with the same interface as a database page; the page is clamped as above."""

    def __init__(self, items: list, page: int | None, per_page: int) -> None:
        self._all = list(items)
        super().__init__(
            page=clamp_page(page, len(self._all), per_page),
            per_page=per_page,
            max_per_page=None,
            error_out=False,
            count=True,
        )

    def _query_items(self) -> list:
        start = (self.page - 1) * self.per_page
        return self._all[start : start + self.per_page]

    def _query_count(self) -> int:
        return len(self._all)


def page_number(value) -> int:
    """A page number from the URL (anything else: 1; clamped later)."""
    try:
        return max(1, min(int(str(value).strip()), 10**9))
    except (TypeError, ValueError):
        return 1
