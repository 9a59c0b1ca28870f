"""Every score sheet of a round to XLSX: one row per sheet, one column per criterion,
Vietnamese headers. For organizers: judges are named, authors are not listed.

Set-based, so that a round of thousands of sheets exports in seconds: one statement whatever
the number of sheets — the sheets joined to
their entry, field and judge, with their points per criterion and total summed in SQL —
streamed into the XLSX (``tabular.write_xlsx``: openpyxl's write-only file, its rows written
as text). No ORM object per sheet or score, and every label (status, source) is translated
once, not once per row. Above :data:`JOB_THRESHOLD` sheets (config
``SHEETS_EXPORT_JOB_THRESHOLD``) the page runs the export as the ``judging.export_sheets`` job
(progress bar, stored file to download)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from typing import IO, Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from .. import display
from ..accounts.models import User
from ..contests.models import Edition, Round
from ..contests.models import EditionField as Field
from ..entries.models import Entry
from ..extensions import db
from ..jobs.models import Job
from ..jobs.operations import Progress, create_job, job_handler
from ..storage import get_storage
from ..tabular import write_xlsx
from ..timeutil import format_local
from .models import Score, ScoreSheet, SheetSource, SheetStatus

KIND = "judging.export_sheets"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Above this many sheets the export runs as a job (``SHEETS_EXPORT_JOB_THRESHOLD``).
JOB_THRESHOLD = 20000
PROGRESS_WRITES = 50


def export_filename(edition: Edition, round_: Round) -> str:
    """The download name of the export (ASCII: slug and round code)."""
    return f"phieu-cham-{edition.slug}-{round_.code}.xlsx"


def _source_labels() -> dict[str, str]:
    """How a sheet arrived, in words (translated once per export)."""
    return {
        SheetSource.WEB.value: _("Trực tuyến"),
        SheetSource.IMPORT.value: _("Nhập từ tệp"),
        SheetSource.PAPER.value: _("Phiếu giấy"),
    }


def header(edition: Edition) -> list[str]:
    """The header row: sheet columns, then one column per criterion (with its maximum)."""
    head = [
        _("Mã hồ sơ"),
        _("Lĩnh vực"),
        _("Giám khảo"),
        _("E-mail giám khảo"),
        _("Trạng thái"),
        _("Nguồn"),
    ]
    for criterion in edition.criteria:
        maximum = display.points(criterion.max_points)
        head.append(f"{criterion.name} ({criterion.code}, ≤ {maximum})")
    head += [_("Tổng điểm"), _("Nhận xét"), _("Nộp lúc")]
    return head


def sheet_count(round_: Round) -> int:
    """How many sheets the round's export has."""
    return (
        db.session.scalar(select(func.count(ScoreSheet.id)).where(ScoreSheet.round_id == round_.id))
        or 0
    )


def rows(
    edition: Edition, round_: Round, progress: Callable[[int], None] | None = None
) -> Iterator[list[Any]]:
    """The data rows, by entry code then sheet; points are numbers (empty: not scored).
    One statement: the sheets joined to their entry, field and judge, and to their scores
    summed per sheet in SQL — one column per criterion (``sum(CASE …)``: the sheet's points
    for it, NULL when not scored) and the sheet total — so no score row reaches Python."""
    criteria = [c.id for c in edition.criteria]
    per_criterion = [
        func.sum(case((Score.criterion_id == cid, Score.points))).label(f"c{i}")
        for i, cid in enumerate(criteria)
    ]
    scores = (
        select(Score.sheet_id, func.sum(Score.points).label("total"), *per_criterion)
        .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
        .where(ScoreSheet.round_id == round_.id)
        .group_by(Score.sheet_id)
        .subquery()
    )
    sheets = (
        db.session.connection()
        .execute(
            select(
                Entry.code,
                Field.code,
                User.full_name,
                User.email,
                ScoreSheet.status,
                ScoreSheet.source,
                ScoreSheet.comment,
                ScoreSheet.submitted_at,
                scores.c.total,
                *(scores.c[f"c{i}"] for i in range(len(criteria))),
            )
            .join(Entry, Entry.id == ScoreSheet.entry_id)
            .join(Field, Field.id == Entry.field_id)
            .join(User, User.id == ScoreSheet.judge_id)
            .outerjoin(scores, scores.c.sheet_id == ScoreSheet.id)
            .where(ScoreSheet.round_id == round_.id)
            .order_by(Entry.code, ScoreSheet.id)
        )
        .all()
    )
    statuses = {s.value: str(s.label) for s in SheetStatus}
    sources = _source_labels()
    for done, (code, field, name, email, status, source, comment, at, total, *points) in enumerate(
        sheets, start=1
    ):
        if progress is not None:
            progress(done)
        yield [
            code or "",
            field,
            name,
            email,
            statuses.get(status, status),
            sources.get(source, source),
            *(None if p is None else float(p) for p in points),
            round(float(total or 0), 2),
            comment,
            format_local(at) if at else "",
        ]


def export_round(
    edition: Edition,
    round_: Round,
    target: IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the round's sheets to ``target`` as XLSX (openpyxl write_only)."""
    title = _("Phiếu chấm · %(round)s", round=display.round_title(round_))[:31]  # sheet title max
    write_xlsx(target, header(edition), rows(edition, round_, progress), title=title)


def job_threshold() -> int:
    """Sheets above which the page exports through a job."""
    return int(current_app.config.get("SHEETS_EXPORT_JOB_THRESHOLD", JOB_THRESHOLD))


def create_export_job(edition: Edition, round_: Round, user, locale: str) -> Job:
    """Add the export job of the round (flushes; commit with ``jobs.operations.commit``)."""
    params = {
        "edition_id": edition.id,
        "round_id": round_.id,
        "slug": edition.slug,
        "round": round_.code,
        "locale": locale,
    }
    return create_job(KIND, params, user=user, total=max(1, sheet_count(round_)))


@job_handler(KIND, label=_l("Xuất phiếu chấm ra tệp Excel"))
def run_export(job: Job, progress: Progress) -> dict[str, Any]:
    """Write the XLSX into the storage; the result names the stored file."""
    params = job.params
    edition = db.session.get_one(Edition, params["edition_id"])
    round_ = db.session.get_one(Round, params["round_id"])
    total = max(1, sheet_count(round_))
    every = max(1, total // PROGRESS_WRITES)
    progress(0, total, str(_l("Đang ghi các phiếu chấm")))

    def tick(done: int) -> None:
        if done % every == 0 or done == total:
            progress(done)

    storage = get_storage()
    spool = storage.spool_dir()
    spool.mkdir(parents=True, exist_ok=True)
    partial = spool / f"{secrets.token_hex(16)}.part"
    locale = params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle, force_locale(locale):
            export_round(edition, round_, handle, tick)
        token = secrets.token_hex(16)
        key = f"exports/{token[:2]}/{token}.xlsx"
        storage.put(partial, key)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return {
        "key": key,
        "filename": export_filename(edition, round_),
        "sheets": total,
        "slug": edition.slug,
        "round": round_.code,
    }
