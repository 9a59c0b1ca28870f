"""Importing paper score sheets: the FORMATS.md "Scores file", keyed by (entry, judge,
criterion).

Columns ``entry`` (entry code), ``judge`` (e-mail), ``criterion`` (criterion code), ``points``
(0 … the criterion's maximum in steps of 0.5, ``,`` or ``.`` as decimal mark), all required;
one row per criterion of one judge's sheet, and a sheet lists every active criterion of the
edition. Round: ``round_code``, or :func:`.panels.current_round` when not given.

All or nothing: every row is checked first; any problem (unknown entry code, entry not
accepted or not in the round, unknown judge e-mail — unless ``create_judges`` —, unknown or
retired criterion, points not a number, out of range or not a multiple of 0.5, a key listed
twice, a sheet missing criteria, a sheet the judge already submitted on the web with other
points) means nothing is written; each problem names its row (as Excel numbers it) and column.

Writing: every sheet of the file becomes a SUBMITTED sheet with ``source = import`` (a web
draft of the same judge is replaced by the paper sheet); with ``create_judges`` unknown e-mails
get a judge account without password (they may be invited later) and an existing account
without the judge role gets it; every judge of the file is put on the panel of the entry's
field and assigned the entry, so that panels and assignment counts stay true. Conflicts of
interest do not refuse a paper sheet: they are returned as warnings.

Idempotent: importing the same file again changes nothing; a changed value updates the score
(audited with the old and new points). Not bound to the judging window (paper sheets arrive
late), but refused once the results are published.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import select

from .. import planner
from ..accounts.models import Role, User
from ..accounts.operations import AccountError, ensure_user
from ..audit.operations import record
from ..contests import timeline
from ..contests.models import Edition, Round
from ..entries.access import ensure_organizer
from ..entries.import_rows import ImportFailed
from ..extensions import db
from ..tabular import RowProblem
from ..timeutil import utcnow
from .conflicts import ConflictIndex
from .errors import JudgingError
from .models import Assignment, Score, ScoreSheet, SheetSource, SheetStatus
from .panels import add_judges, ensure_panel, find_round
from .score_rows import REQUIRED, FileSheet, RowChecker, read_file


@dataclass
class ScoresImportResult:
    """Sheets created, updated and unchanged (as ``(entry code, judge e-mail)``), judge
    accounts created, and warnings (conflicts of interest)."""

    round_code: str = ""
    created: list[tuple[str, str]] = field(default_factory=list)
    updated: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    judges_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _existing_sheets(round_: Round, entry_ids) -> dict[tuple[int, int], ScoreSheet]:
    """The round's sheets of ``entry_ids`` by (entry id, judge id)."""
    rows = db.session.scalars(
        select(ScoreSheet).where(
            ScoreSheet.round_id == round_.id, ScoreSheet.entry_id.in_(entry_ids)
        )
    )
    return {(s.entry_id, s.judge_id): s for s in rows}


def import_scores(
    edition: Edition,
    stream: IO[bytes],
    filename: str,
    actor,
    *,
    round_code: str | None = None,
    create_judges: bool = False,
    now: datetime | None = None,
) -> ScoresImportResult:
    """Import a scores file into ``edition`` (module docstring): all or nothing — raises
    :class:`ImportFailed` listing every problem, having written nothing. ``actor`` is the
    organizer (None from the command line). Flushes, never commits."""
    now = now or utcnow()
    if actor is not None:
        ensure_organizer(actor)
    try:
        round_ = find_round(edition, round_code)
    except JudgingError as exc:
        raise ImportFailed([RowProblem(None, "", str(exc.message))]) from None
    if timeline.phase(edition, now).order >= timeline.Phase.PUBLISHED.order:
        raise ImportFailed(
            [RowProblem(None, "", _("Kết quả đã công bố: không nhập thêm phiếu chấm."))]
        )
    table = read_file(stream)
    problems = table.column_problems(REQUIRED, ())
    if problems:
        raise ImportFailed(problems)
    if not table.rows:
        raise ImportFailed([RowProblem(None, "", _("Tệp không có dòng dữ liệu nào."))])
    check = RowChecker(edition, round_, table, create_judges)
    for row in table.rows:
        check.check(row)
    existing = _existing_sheets(round_, {e for e, _m in check.sheets})
    check.check_sheets(existing)
    if check.problems:
        raise ImportFailed(check.problems)
    result = ScoresImportResult(round_code=round_.code)
    try:
        with db.session.begin_nested():
            _write(edition, round_, check, existing, actor, now, result)
    except AccountError as exc:
        raise ImportFailed([RowProblem(None, "", str(exc.message))]) from None
    # Planner statistics for what was just written (PostgreSQL only: :mod:`contest.planner`):
    # the compile that usually follows plans its aggregate over these tables.
    planner.analyze(ScoreSheet.__tablename__, Score.__tablename__, Assignment.__tablename__)
    record(
        actor,
        "judging.scores_import",
        "edition",
        edition.id,
        filename=filename,
        round=round_.code,
        created=len(result.created),
        updated=len(result.updated),
        unchanged=len(result.unchanged),
        judges_created=result.judges_created,
    )
    return result


def _write(edition, round_, check: RowChecker, existing, actor, now, result) -> None:
    """Write the validated sheets (module docstring)."""
    judges = _judges(check, actor, result, edition.province)
    by_panel: dict[int, set[int]] = defaultdict(set)
    for sheet in check.sheets.values():
        by_panel[sheet.entry.field_id].add(judges[sheet.email].id)
    fields = {f.id: f for f in edition.fields}
    for field_id, judge_ids in sorted(by_panel.items()):
        panel = ensure_panel(edition, fields[field_id], round_, actor)
        add_judges(panel, [u for u in judges.values() if u.id in judge_ids], actor)
    rows = db.session.execute(
        select(Assignment.entry_id, Assignment.judge_id).where(Assignment.round_id == round_.id)
    )
    assigned = {(entry_id, judge_id) for entry_id, judge_id in rows}
    for sheet in check.sheets.values():
        judge = judges[sheet.email]
        key = (sheet.entry.id, judge.id)
        if key not in assigned:
            db.session.add(
                Assignment(
                    edition_id=edition.id,
                    round_id=round_.id,
                    entry_id=sheet.entry.id,
                    judge_id=judge.id,
                    created_by_id=getattr(actor, "id", None),
                )
            )
        _write_sheet(edition, round_, sheet, judge, existing.get(key), actor, now, result)
    db.session.flush()
    index = ConflictIndex(
        edition.id, [u.id for u in judges.values()], {e for e, _m in check.sheets}
    )
    for sheet in check.sheets.values():
        reasons = index.of(judges[sheet.email].id, sheet.entry.id)
        if reasons:
            result.warnings.append(
                _(
                    "dòng %(row)d: %(judge)s có xung đột lợi ích với hồ sơ %(entry)s (%(why)s); "
                    "phiếu giấy vẫn được nhập",
                    row=sheet.row,
                    judge=sheet.email,
                    entry=sheet.entry.code,
                    why="; ".join(str(r) for r in reasons),
                )
            )


def _judges(check: RowChecker, actor, result, province=None) -> dict[str, User]:
    """The judges of the file by e-mail, creating accounts when allowed (bound to the
    edition's province, if it has one)."""
    out = {}
    for email in sorted({s.email for s in check.sheets.values()}):
        user = check.users.get(email)
        if user is None or not user.has_role(Role.JUDGE):
            ensured = ensure_user(email, Role.JUDGE.value, actor=actor, province=province)
            user = ensured.user
            if ensured.created:
                result.judges_created.append(email)
        out[email] = user
    return out


def _write_sheet(edition, round_, item: FileSheet, judge, sheet, actor, now, result) -> None:
    """Create or update one imported sheet."""
    label = (item.entry.code, item.email)
    if sheet is None:
        sheet = ScoreSheet(
            edition_id=edition.id,
            round_id=round_.id,
            entry_id=item.entry.id,
            judge_id=judge.id,
            status=SheetStatus.SUBMITTED.value,
            source=SheetSource.IMPORT.value,
            created_at=now,
            updated_at=now,
            submitted_at=now,
            scores=[Score(criterion_id=c, points=p) for c, p in sorted(item.points.items())],
        )
        db.session.add(sheet)
        db.session.flush()
        record(
            actor,
            "judging.sheet_import",
            "sheet",
            sheet.id,
            entry=item.entry.code,
            judge=item.email,
        )
        result.created.append(label)
        return
    current = {s.criterion_id: s for s in sheet.scores}
    changes = {}
    for criterion_id, points in sorted(item.points.items()):
        score = current.get(criterion_id)
        if score is None:
            sheet.scores.append(Score(criterion_id=criterion_id, points=points))
            changes[criterion_id] = [None, str(points)]
        elif score.points != points:
            changes[criterion_id] = [str(score.points), str(points)]
            score.points = points
    if not changes and sheet.status == SheetStatus.SUBMITTED.value:
        result.unchanged.append(label)
        return
    was = sheet.status
    sheet.status = SheetStatus.SUBMITTED.value
    sheet.source = SheetSource.IMPORT.value
    sheet.updated_at = now
    if was != SheetStatus.SUBMITTED.value:
        sheet.submitted_at = now
    db.session.flush()
    codes = {c.id: c.code for c in edition.criteria}
    record(
        actor,
        "judging.sheet_import_update",
        "sheet",
        sheet.id,
        entry=item.entry.code,
        judge=item.email,
        status=[was, sheet.status],
        points={codes[c]: v for c, v in changes.items()},
    )
    result.updated.append(label)
