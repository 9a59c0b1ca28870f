"""Judging: the judge's own assignments, blind entries, files and score sheets, and the
organizers' progress per panel.

Every judge's route asks :mod:`contest.judging.judge_files` (and
:func:`contest.judging.sheets.ensure_may_judge`) exactly as the judging pages do: an entry
the judge is not assigned, or is conflicted with, does not exist (404); files go out under
their blind name, never while a document scan finding on them is open. A sheet is saved by
:func:`contest.judging.sheets.save_draft` with the version check of the page's autosave
(``If-Match`` with the sheet's ETag, or ``version`` in the body; neither → 428).
"""

from __future__ import annotations

from decimal import Decimal

from flask import g
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..contests import pages_support as support
from ..contests.models import Round
from ..extensions import db
from ..judging import sheets
from ..judging.blind import judge_view
from ..judging.errors import InvalidPoints, NotAssigned, SheetLocked, StaleSheet, WindowClosed
from ..judging.judge_files import (
    FileWithheld,
    JudgeCopyUnavailable,
    judge_attachment_or_404,
    judge_entry_or_404,
    judge_file,
    judged_rounds,
)
from ..judging.models import ScoreSheet
from ..judging.progress import progress_by_panel
from ..judging.views_judge import STATUS_NOT_STARTED, assigned_groups
from ..timeutil import utcnow
from . import schemas
from .core import bp, check_if_match, etag_of, json_answer, operation
from .problems import Problem


def points_text(value: Decimal | None) -> str:
    """Points as the API writes them: a dot, no trailing zeros (``7.5``, ``8``)."""
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@bp.get("/judge/assignments")
@operation(
    summary="Các hồ sơ được phân công chấm",
    tags=("judging",),
    roles=(Role.JUDGE,),
    response=schemas.AssignmentListSchema,
    errors=(403,),
)
def assignments():
    """The caller's accepted, non-conflicted assignments (blind: code, field, title)."""
    items = [
        {
            "entry_id": row.entry_id,
            "round_id": row.round_id,
            "edition": group.edition.slug,
            "round": group.round.code,
            "code": row.code,
            "field": row.field_name,
            "title": row.title,
            "status": row.status,
        }
        for group in assigned_groups(current_user)
        for row in group.rows
    ]
    return json_answer({"items": items})


def _blind_attachment(a) -> dict:
    return {
        "id": a.id,
        "kind": a.kind,
        "name": a.name,
        "content_type": a.content_type,
        "size_bytes": a.size_bytes,
        "withheld": a.withheld,
    }


@bp.get("/judge/entries/<int:entry_id>")
@operation(
    summary="Một hồ sơ được phân công (ẩn danh)",
    tags=("judging",),
    roles=(Role.JUDGE,),
    response=schemas.BlindEntrySchema,
    errors=(403, 404),
)
def judge_entry(entry_id: int):
    """An assigned entry as the judge sees it: no author, unit, area or mentor."""
    found = judge_entry_or_404(current_user, entry_id)
    view = judge_view(found)
    return json_answer(
        {
            "id": view.id,
            "code": view.code,
            "field": view.field_name,
            "title": view.title,
            "summary": view.summary,
            "attachments": [
                {**_blind_attachment(a), "entry_id": view.id} for a in view.attachments
            ],
            "rounds": [r.id for r in judged_rounds(current_user, found)],
        }
    )


@bp.get("/judge/attachments/<int:attachment_id>")
@operation(
    summary="Thông tin tệp của hồ sơ được phân công",
    tags=("judging",),
    roles=(Role.JUDGE,),
    response=schemas.AttachmentSchema,
    errors=(403, 404),
)
def judge_attachment(attachment_id: int):
    """An attachment of an assigned entry, under its blind name."""
    found = judge_attachment_or_404(current_user, attachment_id)
    view = judge_view(found.entry)
    blind = next((a for a in view.attachments if a.id == found.id), None)
    if blind is None:
        raise Problem(404)
    return json_answer({**_blind_attachment(blind), "entry_id": found.entry_id})


@bp.get("/judge/attachments/<int:attachment_id>/content")
@operation(
    summary="Tải tệp của hồ sơ được phân công",
    tags=("judging",),
    roles=(Role.JUDGE,),
    content="*/*",
    errors=(403, 404, 422, 423),
)
def judge_attachment_content(attachment_id: int):
    """The judge's copy of the file (metadata removed), under its blind name."""
    from ..entries.attachment_views import _send as send_stored

    found = judge_attachment_or_404(current_user, attachment_id)
    try:
        file = judge_file(found)
    except JudgeCopyUnavailable as exc:
        raise Problem(422, str(exc.message), code="copy-unavailable") from None
    except FileWithheld as exc:
        raise Problem(423, str(exc.message), code="file-withheld") from None
    return send_stored(file.storage_key, file.content_type, file.name, as_attachment=True)


def _entry_and_round(entry_id: int, round_id: int):
    """The entry and round of a sheet the caller may use (the judging pages' rule); 404."""
    found = judge_entry_or_404(current_user, entry_id)
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.edition_id != found.edition_id:
        raise Problem(404)
    try:
        sheets.ensure_may_judge(current_user, found, round_)
    except NotAssigned:
        raise Problem(404) from None
    return found, round_


def sheet_json(entry_id: int, round_id: int, sheet: ScoreSheet | None) -> dict:
    """A sheet as the API shows it (points by criterion code)."""
    if sheet is None:
        return {
            "entry_id": entry_id,
            "round_id": round_id,
            "status": STATUS_NOT_STARTED,
            "version": 1,
            "points": {},
            "comment": "",
            "total": "0",
        }
    codes = {c.id: c.code for c in sheet.edition.criteria}
    return {
        "entry_id": entry_id,
        "round_id": round_id,
        "status": sheet.status,
        "version": sheet.version,
        "points": {codes[s.criterion_id]: points_text(s.points) for s in sheet.scores},
        "comment": sheet.comment or "",
        "total": points_text(sheet.total),
    }


@bp.get("/judge/entries/<int:entry_id>/sheets/<int:round_id>")
@operation(
    summary="Phiếu chấm của tôi",
    tags=("judging",),
    roles=(Role.JUDGE,),
    response=schemas.SheetSchema,
    errors=(403, 404),
)
def sheet(entry_id: int, round_id: int):
    """The caller's own sheet for the entry in the round (its ETag is the If-Match of a
    save)."""
    found, round_ = _entry_and_round(entry_id, round_id)
    existing = sheets.find_sheet(current_user, found, round_)
    return json_answer(sheet_json(entry_id, round_id, existing))


@bp.put("/judge/entries/<int:entry_id>/sheets/<int:round_id>")
@operation(
    summary="Lưu (và nộp) phiếu chấm của tôi",
    tags=("judging",),
    scope="write",
    roles=(Role.JUDGE,),
    body=schemas.SheetSaveSchema,
    response=schemas.SheetSchema,
    errors=(403, 404, 409, 412, 415, 422, 428),
)
def save_sheet(entry_id: int, round_id: int):
    """Save the draft (points by criterion code; an empty value clears one), then submit
    it when ``submit`` is true. Stale saves are refused (409 with nothing written), as on
    the page; outside the judging window or once submitted: 403."""
    found, round_ = _entry_and_round(entry_id, round_id)
    existing = sheets.find_sheet(current_user, found, round_)
    current = sheet_json(entry_id, round_id, existing)
    data = g.body
    if check_if_match(current):
        expected = current["version"]
    elif "version" in data:
        expected = data["version"]
    else:
        raise Problem(428, code="precondition-required")
    now = utcnow()
    points = {code: (value or "") for code, value in data["points"].items()}
    try:
        target = sheets.open_sheet(current_user, found, round_, now)
        sheets.save_draft(target, current_user, points, data["comment"], expected, now)
        if data["submit"]:
            missing = sheets.missing_criteria(target)
            if missing:
                raise InvalidPoints(
                    _(
                        "Chưa chấm các tiêu chí: %(names)s.",
                        names=", ".join(c.name for c in missing),
                    )
                )
            sheets.submit(target, current_user, target.version, now)
        db.session.commit()
    except StaleSheet as exc:
        raise Problem(409, str(exc.message), code="stale-sheet") from None
    except InvalidPoints as exc:
        raise Problem(422, code="invalid-points", errors=str(exc.message).split("\n")) from None
    except (WindowClosed, SheetLocked) as exc:
        raise Problem(403, str(exc.message), code="sheet-refused") from None
    except NotAssigned:
        raise Problem(404) from None
    fresh = sheet_json(entry_id, round_id, sheets.find_sheet(current_user, found, round_))
    response = json_answer(fresh, conditional=False)
    response.set_etag(etag_of(fresh))
    return response


@bp.get("/editions/<slug>/judging/progress")
@operation(
    summary="Tiến độ chấm theo hội đồng",
    tags=("judging",),
    roles=(Role.ORGANIZER,),
    response=schemas.ProgressSchema,
    errors=(403, 404),
)
def progress(slug: str):
    """Sheets due, drafted and submitted per round, panel (field) and judge (organizers)."""
    edition = support.edition_or_404(slug)
    rounds = []
    for round_ in edition.rounds:
        panels = [
            {
                "field": panel.field.code,
                "due": panel.due,
                "submitted": panel.submitted,
                "judges": [
                    {
                        "judge_id": j.judge_id,
                        "name": j.name,
                        "due": j.due,
                        "drafted": j.drafted,
                        "submitted": j.submitted,
                    }
                    for j in panel.judges
                ],
            }
            for panel in progress_by_panel(edition, round_)
        ]
        rounds.append({"round": round_.code, "panels": panels})
    return json_answer({"edition": edition.slug, "rounds": rounds})
