"""The result flags (RULES.md §5.3–5.8, FORMATS.md results file): one enum, used by the ranking
engine, the stored runs, the review page, publication and the display layer.

A run row stores its flags as their values sorted and joined with ``;`` (``encode``;
``ResultRow.flags``). Queries read that column as a set — :func:`has_flag` splits it into an
array (PostgreSQL ``string_to_array``, SQLite ``json_each``) and tests membership — never with
a text pattern.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class Flag(StrEnum):
    """A result flag; lists of flags are sorted by value (alphabetically)."""

    ADVANCED = "ADVANCED"  # §5.8: reaches the cutoff of a preliminary round
    DISCREPANCY = "DISCREPANCY"  # §5.4: max − min of the sheet totals > the threshold
    INCOMPLETE = "INCOMPLETE"  # §5.3: fewer submitted sheets than judges_per_entry
    PANEL_SCORE = "PANEL_SCORE"  # §5.2: a panel score replaces the mean
    TIE_AT_QUOTA = "TIE_AT_QUOTA"  # §5.6: a tied block straddles a prize quota

    @classmethod
    def blocking(cls) -> tuple[Flag, ...]:
        """Flags the organizers must resolve before publishing (RULES §6)."""
        return (cls.DISCREPANCY, cls.TIE_AT_QUOTA)


#: The order the review page shows (and filters on) the flags.
REVIEW_ORDER = (
    Flag.DISCREPANCY,
    Flag.TIE_AT_QUOTA,
    Flag.INCOMPLETE,
    Flag.PANEL_SCORE,
    Flag.ADVANCED,
)

SEPARATOR = ";"


def encode(flags: Iterable[str]) -> str:
    """The stored form of a set of flags: values sorted, joined with ``;`` (empty: "")."""
    return SEPARATOR.join(sorted(flags))


def decode(stored: str) -> list[Flag]:
    """The flags of a stored value (``encode``), sorted."""
    return [Flag(value) for value in stored.split(SEPARATOR)] if stored else []


class has_flag(FunctionElement):  # noqa: N801 - used like a SQL function
    """``has_flag(column, flag)``: SQL truth of "the stored flags in ``column`` include
    ``flag``", the column read as a set (module docstring)."""

    type = Boolean()
    inherit_cache = True
    name = "has_flag"


@compiles(has_flag, "postgresql")
def _has_flag_postgresql(element: has_flag, compiler: SQLCompiler, **kw: Any) -> str:
    """``flag = ANY(string_to_array(column, ';'))``."""
    column, flag = (compiler.process(c, **kw) for c in element.clauses)
    return f"({flag} = ANY(string_to_array({column}, '{SEPARATOR}')))"


@compiles(has_flag)
def _has_flag_json(element: has_flag, compiler: SQLCompiler, **kw: Any) -> str:
    """SQLite (and the default): the stored list as a JSON array, searched with ``json_each``
    (flag values are upper-case words: nothing to escape)."""
    column, flag = (compiler.process(c, **kw) for c in element.clauses)
    array = f"""('["' || replace({column}, '{SEPARATOR}', '","') || '"]')"""
    return f"EXISTS (SELECT 1 FROM json_each({array}) WHERE value = {flag})"  # noqa: S608
