"""Writing a stored results run as a file (FORMATS.md "Results file"), CSV or XLSX.

* ``standard`` layout — the FORMATS results file: the columns and cell texts come from the
  engine's ``results_header`` / ``results_rows`` (ONE definition of the columns), fed with the
  run's stored rows in their stored order (the engine's order). CSV: UTF-8 without BOM, comma,
  ``\\n`` line ends, minimal quoting. XLSX: one sheet, every cell the same text as in the CSV
  (a score stays ``80.50``, exactly 2 decimals).
* ``official`` layout (XLSX or CSV) — the list organizers send to the People's Committee:
  STT, Mã, Tên giải pháp, Tác giả, Đơn vị, Lĩnh vực, Điểm, Giải; only the entries holding a
  prize, by prize level (highest first), then in results order; Điểm is the score text, Giải
  the prize level's name.

Every text passes through ``tabular.cell_text`` (no spreadsheet formula injection).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..contests.models import Edition
from ..entries.models import Entry
from ..extensions import db
from ..tabular import cell_text, write_xlsx
from .models import ResultRow, ResultsRun
from .ranking_export import format_score, results_header, results_rows

LAYOUTS = ("standard", "official")


class StoredResult(NamedTuple):
    """A stored row in the shape ``results_rows`` reads (an ``EntryResult`` without its
    explanation)."""

    entry: str
    field: str
    board: str | None
    rank: int | None
    score: Any
    prize: str | None
    flags: tuple[str, ...]


def stored_results(run: ResultsRun) -> Iterator[StoredResult]:
    """The run's rows in their stored order, streamed."""
    stmt = (
        select(
            ResultRow.entry_code,
            ResultRow.field_code,
            ResultRow.board_code,
            ResultRow.rank,
            ResultRow.score,
            ResultRow.prize_code,
            ResultRow.flags,
        )
        .where(ResultRow.run_id == run.id)
        .order_by(ResultRow.position)
    )
    for code, field, board, rank, score, prize, flags in db.session.execute(
        stmt, execution_options={"yield_per": 5000}
    ):
        yield StoredResult(
            code, field, board, rank, score, prize, tuple(flags.split(";")) if flags else ()
        )


def standard_table(run: ResultsRun) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The FORMATS results file of ``run``: header and rows of texts."""
    columns = SimpleNamespace(has_boards=run.has_boards)  # all results_header reads
    return results_header(columns), results_rows(columns, stored_results(run))


def official_table(run: ResultsRun, edition: Edition) -> tuple[tuple[str, ...], list[list]]:
    """The People's Committee list of ``run``: prize winners by level (module docstring)."""
    header = (
        _("STT"),
        _("Mã"),
        _("Tên giải pháp"),
        _("Tác giả"),
        _("Đơn vị"),
        _("Lĩnh vực"),
        _("Điểm"),
        _("Giải"),
    )
    levels = sorted(edition.prizes, key=lambda p: (p.position, p.id))
    level_at: dict[str | None, int] = {p.code: i for i, p in enumerate(levels)}
    names: dict[str | None, str] = {p.code: p.name for p in levels}
    fields = {f.code: f.name for f in edition.fields}
    found = db.session.execute(
        select(ResultRow, Entry)
        .join(Entry, Entry.id == ResultRow.entry_id)
        .where(ResultRow.run_id == run.id, ResultRow.prize_code.is_not(None))
        .options(selectinload(Entry.authors), selectinload(Entry.unit))
        .order_by(ResultRow.position)
    ).all()
    rows = sorted(
        found, key=lambda pair: (level_at.get(pair[0].prize_code, len(levels)), pair[0].position)
    )
    out = []
    for number, (row, entry) in enumerate(rows, start=1):
        out.append(
            [
                number,
                row.entry_code,
                entry.title,
                "; ".join(a.full_name for a in entry.authors),
                entry.unit_label,
                fields.get(row.field_code, row.field_code),
                format_score(row.score),
                names.get(row.prize_code, row.prize_code),
            ]
        )
    return header, out


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """UTF-8 (no BOM), comma, ``\\n`` line ends; texts escaped with ``cell_text``."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([cell_text(h) for h in header])
        for row in rows:
            writer.writerow([cell_text(v) for v in row])


def export_run(path: str | Path, run: ResultsRun, layout: str = "standard") -> int:
    """Write ``run`` to ``path`` (``.xlsx`` → XLSX, anything else → CSV); returns the number
    of data rows written. ``layout`` is ``standard`` or ``official`` (module docstring)."""
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    if layout == "official":
        header, rows = official_table(run, run.edition)
    else:
        header, rows = standard_table(run)
    if str(path).lower().endswith(".xlsx"):
        write_xlsx(path, header, rows, title=run.round.code)
    else:
        write_csv(path, header, rows)
    return len(rows)
