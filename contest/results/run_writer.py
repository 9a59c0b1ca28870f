"""Writing a run's rows (``compile.compile_round``, step 5), inside the caller's transaction.

``RowWriter(run, config, entry_ids, report, total)`` takes the engine's results part by part
(``ranking.ranking_parts``: one ranking group at a time, in results-file order) and inserts
them with positions 0, 1, … in that order, each explanation in its compact form
(``run_text``). On PostgreSQL the calling thread formats ``CHUNK`` rows at a time as ``COPY``
text and hands them to a writer thread, which sends each chunk with its own ``COPY … FROM
STDIN`` on the session's connection — the same transaction, so the run stays all or nothing.
The server stores (and checks the foreign key of) chunk k on one core while Python ranks and
formats what follows on the other (psycopg releases the GIL while it waits); one statement
per chunk keeps what is left for the server after the last row small. The calling thread does
not touch the session's connection until ``close()`` has joined the thread (the job's
progress reports use their own connection). An error of the thread is raised in the caller
(``write``/``close``); after an error of the caller (``abort``) the thread stops after the
chunk in hand and the caller rolls back. Elsewhere (SQLite) the rows are inserted ``CHUNK``
at a time through the ORM, synchronously.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy import insert

from ..extensions import db
from .models import ResultRow, ResultsRun
from .ranking import EntryResult, RankingConfig
from .run_text import ExplanationTexts, copy_text

#: Rows per formatted chunk (PostgreSQL) and per INSERT (SQLite).
CHUNK = 5000
#: Formatted chunks the calling thread may be ahead of the writer thread.
AHEAD = 8

ProgressFn = Callable[..., None]

ROW_COLUMNS = (
    "run_id",
    "entry_id",
    "position",
    "entry_code",
    "field_code",
    "board_code",
    "group_key",
    "rank",
    "score",
    "prize_code",
    "flags",
    "explanation",
)
COPY_SQL = f"COPY {ResultRow.__tablename__} ({', '.join(ROW_COLUMNS)}) FROM STDIN"  # noqa: S608

_STOP = object()  # queue marker: no more chunks


class _Escaped(dict):
    """A value → its COPY text, made once: the few distinct field, board and prize codes."""

    def __missing__(self, key: str | None) -> str:
        """Escape ``key``."""
        value = self[key] = copy_text(key)
        return value


class _Joined(dict):
    """A tuple → its COPY text joined with ``sep`` (groups with ``/``, flags with ``;``)."""

    def __init__(self, sep: str) -> None:
        """Start empty."""
        super().__init__()
        self.sep = sep

    def __missing__(self, key: tuple[str, ...]) -> str:
        """Join and escape ``key``."""
        value = self[key] = copy_text(self.sep.join(key))
        return value


class RowWriter:
    """Inserts a run's rows part by part (module docstring); use as a context manager."""

    def __init__(
        self,
        run: ResultsRun,
        config: RankingConfig,
        entry_ids: dict[str, int],
        report: ProgressFn,
        total: int,
    ) -> None:
        """Prepare to write ``total`` rows of ``run`` (a flushed ``ResultsRun``)."""
        self.run_id = run.id
        self.entry_ids = entry_ids
        self.report = report
        self.total = total or 1
        self.position = 0
        self.texts = ExplanationTexts(config)
        self.escaped = _Escaped()
        self.groups = _Joined("/")
        self.flags = _Joined(";")
        connection = db.session.connection()
        self.copying = connection.dialect.name == "postgresql"
        self.error: BaseException | None = None
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=AHEAD)
        self.thread: threading.Thread | None = None
        if self.copying:
            driver = connection.connection.driver_connection
            assert driver is not None  # the session's connection is open
            self.driver = driver
            self.thread = threading.Thread(
                target=self._copy_chunks, name="results-copy", daemon=True
            )
            self.thread.start()

    def __enter__(self) -> RowWriter:
        """The writer."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """``close()`` after success, ``abort()`` after an error."""
        if exc_type is None:
            self.close()
        else:
            self.abort()

    # ---------------------------------------------------------------- calling thread

    def write(self, results: tuple[EntryResult, ...]) -> None:
        """Insert one part's results (the next positions)."""
        if not self.copying:
            self._insert(results)
            return
        for start in range(0, len(results), CHUNK):
            chunk = results[start : start + CHUNK]
            lines = [self.line(self.position + i, r) for i, r in enumerate(chunk)]
            self._put("\n".join(lines) + "\n")
            self.position += len(chunk)
            self.report(60 + 38 * self.position // self.total, 100)

    def close(self) -> None:
        """Wait until every row is stored; raise the writer thread's error, if any."""
        if self.thread is not None:
            self.queue.put(_STOP)
            self.thread.join()
            self.thread = None
        if self.error is not None:
            raise self.error
        self.report(99, 100)

    def abort(self) -> None:
        """Stop the writer thread after the chunk in hand (the caller rolls back)."""
        if self.thread is not None:
            self.queue.put(_STOP)
            self.thread.join()
            self.thread = None

    def _put(self, item: Any) -> None:
        """Hand ``item`` to the writer thread; raise its error if it failed."""
        if self.error is not None:
            raise self.error
        self.queue.put(item)

    def line(self, position: int, r: EntryResult) -> str:
        """A run row as one COPY text line (``ROW_COLUMNS`` order, no newline)."""
        esc = self.escaped
        rank = "\\N" if r.rank is None else r.rank
        score = "\\N" if r.score is None else r.score
        code, text = r.entry, self.texts.text(r)
        both = code + text  # one scan for what COPY must escape, usually nothing
        if "\\" in both or "\t" in both or "\n" in both or "\r" in both:
            code, text = copy_text(code), copy_text(text)
        return (
            f"{self.run_id}\t{self.entry_ids[r.entry]}\t{position}\t{code}\t"
            f"{esc[r.field]}\t{esc[r.board]}\t{self.groups[r.group]}\t{rank}\t{score}\t"
            f"{esc[r.prize]}\t{self.flags[r.flags]}\t{text}"
        )

    def values(self, position: int, r: EntryResult) -> dict[str, Any]:
        """A run row's values by ``ResultRow`` attribute (the same as ``line``)."""
        return {
            "run_id": self.run_id,
            "entry_id": self.entry_ids[r.entry],
            "position": position,
            "entry_code": r.entry,
            "field_code": r.field,
            "board_code": r.board,
            "group_key": "/".join(r.group),
            "rank": r.rank,
            "score": r.score,
            "prize_code": r.prize,
            "flags": ";".join(r.flags),
            "explanation_text": self.texts.text(r),
        }

    def _insert(self, results: tuple[EntryResult, ...]) -> None:
        """Elsewhere than PostgreSQL: ORM bulk INSERTs, ``CHUNK`` rows at a time."""
        for start in range(0, len(results), CHUNK):
            chunk = results[start : start + CHUNK]
            rows = [self.values(self.position + i, r) for i, r in enumerate(chunk)]
            db.session.execute(insert(ResultRow), rows)
            self.position += len(chunk)
            self.report(60 + 38 * self.position // self.total, 100)

    # ---------------------------------------------------------------- writer thread

    def _copy_chunks(self) -> None:
        """One COPY statement per chunk, until ``_STOP``; keeps draining after an error."""
        try:
            with self.driver.cursor() as cursor:
                while (item := self.queue.get()) is not _STOP:
                    with cursor.copy(COPY_SQL) as copy:
                        copy.write(item)
        except BaseException as exc:  # noqa: BLE001 - raised again in the calling thread
            self.error = exc
            while self.queue.get() is not _STOP:
                pass


def write_rows(
    run: ResultsRun,
    config: RankingConfig,
    results: tuple[EntryResult, ...],
    entry_ids: dict[str, int],
    report: ProgressFn,
) -> None:
    """Insert all ``results`` of ``run`` as one part (``RowWriter``)."""
    with RowWriter(run, config, entry_ids, report, len(results)) as writer:
        writer.write(results)
