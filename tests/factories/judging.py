"""Judging: panels and their judges, conflicts of interest, assignments, score sheets and
scores, panel scores, the panel's discussion and the document scan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from contest.accounts.models import Role, User
from contest.contests.models import Edition, Round
from contest.entries.models import Attachment, Entry
from contest.judging.models import (
    Assignment,
    Conflict,
    ConflictKind,
    Panel,
    PanelMember,
    PanelScore,
    Score,
    ScoreSheet,
    SheetStatus,
)
from contest.judging.models_discussion import Comment, DigestMark
from contest.judging.models_scan import DocumentFinding, ScannedFile
from contest.timeutil import utcnow

from .accounts import make_user
from .base import apply, done, save, seq
from .contests import make_edition
from .entries import AUTHOR, make_attachment, make_entry


def make_judge(*, commit: bool = True, **options) -> User:
    """A user holding the judge role (no password unless given)."""
    options.setdefault("password", None)
    options.setdefault("full_name", f"Giám khảo {seq()}")
    return make_user(roles=(Role.JUDGE,), commit=commit, **options)


def _round(edition: Edition, round_: Round | None) -> Round:
    return round_ if round_ is not None else edition.rounds[-1]


def make_panel(
    edition: Edition | None = None,
    field: str | None = None,
    round_: Round | None = None,
    judges: Sequence[User] = (),
    *,
    chair: User | None = None,
    actor: User | None = None,
    commit: bool = True,
) -> Panel:
    """The panel of ``field`` (code; the first field when absent) in ``round_`` (the last
    round when absent) of ``edition``, through :mod:`contest.judging.panels` (audited):
    ``judges`` put on it, ``chair`` (one of them) named."""
    from contest.judging import panels

    edition = edition or make_edition(commit=commit)
    field_row = edition.field_by_code(field) if field else edition.fields[0]
    panel = panels.ensure_panel(edition, field_row, _round(edition, round_), actor)
    if judges:
        panels.add_judges(panel, list(judges), actor)
    if chair is not None:
        panels.set_chair(panel, chair, actor)
    done(commit)
    return panel


def make_panel_member(
    panel: Panel | None = None,
    judge: User | None = None,
    *,
    added_by: User | None = None,
    commit: bool = True,
) -> PanelMember:
    """``judge`` (a new judge when absent) on ``panel`` (a new panel when absent), written
    directly."""
    panel = panel or make_panel(commit=commit)
    judge = judge or make_judge(commit=commit)
    row = PanelMember(judge_id=judge.id, added_by_id=getattr(added_by, "id", None))
    panel.members.append(row)
    done(commit)
    return row


def make_conflict(
    judge: User | None = None,
    edition: Edition | None = None,
    kind: str = ConflictKind.PERSON,
    *,
    name: str | None = None,
    entry: Entry | None = None,
    unit=None,
    area=None,
    commit: bool = True,
    **attrs,
) -> Conflict:
    """A declared conflict of interest of ``judge`` in ``edition`` (the entry's when an
    ``entry`` is given), written directly. Its target follows ``kind``: a person's ``name``
    (an author's by default), an ``entry`` (made when absent), a ``unit``, an ``area``.
    ``attrs``: ``origin``, ``note``, ``judge_reason``, ``created_by_id``."""
    kind = str(kind)
    if entry is None and kind in (ConflictKind.ENTRY, ConflictKind.MENTOR):
        entry = make_entry(edition, commit=commit)
    if edition is None:
        edition = entry.edition if entry is not None else make_edition(commit=commit)
    judge = judge or make_judge(commit=commit)
    if name is None:
        name = AUTHOR if kind == ConflictKind.PERSON else ""
    row = Conflict(
        edition_id=edition.id,
        judge_id=judge.id,
        kind=kind,
        name=name,
        entry_id=getattr(entry, "id", None),
        unit_id=getattr(unit, "id", None),
        area_id=getattr(area, "id", None),
    )
    apply(row, attrs)
    return save(row, commit)


def _entry_judge_round(entry, judge, round_, commit):
    entry = entry or make_entry(commit=commit)
    judge = judge or make_judge(commit=commit)
    return entry, judge, _round(entry.edition, round_)


def make_assignment(
    entry: Entry | None = None,
    judge: User | None = None,
    round_: Round | None = None,
    *,
    created_by: User | None = None,
    commit: bool = True,
) -> Assignment:
    """``judge`` (a new judge when absent) is to score ``entry`` (a new accepted entry when
    absent) in ``round_`` (the edition's last round when absent); written directly, as
    the assigning operations write it."""
    entry, judge, round_ = _entry_judge_round(entry, judge, round_, commit)
    row = Assignment(
        edition_id=entry.edition_id,
        round_id=round_.id,
        entry_id=entry.id,
        judge_id=judge.id,
        created_by_id=getattr(created_by, "id", None),
    )
    return save(row, commit)


def _scores(edition: Edition, points) -> list[Score]:
    """Scores from ``points``: a mapping {criterion code: points} (any criterion, retired
    too), or a sequence matched with the active criteria in order (the shorter one wins)."""
    if points is None:
        points = [c.max_points / 2 for c in edition.active_criteria]
    if isinstance(points, Mapping):
        by_code = {c.code: c for c in edition.criteria}
        pairs = [(by_code[code], value) for code, value in points.items()]
    else:
        pairs = list(zip(edition.active_criteria, points, strict=False))
    return [Score(criterion_id=c.id, points=Decimal(str(p))) for c, p in pairs]


def make_score_sheet(
    entry: Entry | None = None,
    judge: User | None = None,
    round_: Round | None = None,
    points: Mapping[str, object] | Sequence[object] | None = None,
    *,
    status: str = SheetStatus.SUBMITTED,
    submitted_at: datetime | None = None,
    assign: bool = False,
    commit: bool = True,
    **attrs,
) -> ScoreSheet:
    """``judge``'s sheet for ``entry`` in ``round_`` (made as in :func:`make_assignment`),
    written directly: ``points`` by criterion code or in the order of the active criteria
    (None: half of every active criterion's maximum; empty: no score), submitted at
    ``submitted_at`` (now when absent) unless ``status`` is ``draft``. ``assign``: the
    assignment too. ``attrs``: ``source``, ``comment`` …"""
    entry, judge, round_ = _entry_judge_round(entry, judge, round_, commit)
    if assign:
        make_assignment(entry, judge, round_, commit=False)
    status = str(status)
    if status == SheetStatus.SUBMITTED and submitted_at is None:
        submitted_at = utcnow()
    sheet = ScoreSheet(
        edition_id=entry.edition_id,
        round_id=round_.id,
        entry_id=entry.id,
        judge_id=judge.id,
        status=status,
        submitted_at=submitted_at if status == SheetStatus.SUBMITTED else None,
        scores=_scores(entry.edition, points),
    )
    apply(sheet, attrs)
    return save(sheet, commit)


def make_score(
    sheet: ScoreSheet | None = None,
    criterion=None,
    points: Decimal | int | str = 10,
    *,
    commit: bool = True,
) -> Score:
    """Points for ``criterion`` (the edition's first criterion when absent) on ``sheet``
    (a new draft sheet without scores when absent)."""
    sheet = sheet or make_score_sheet(points=(), status=SheetStatus.DRAFT, commit=commit)
    criterion = criterion or sheet.edition.criteria[0]
    row = Score(criterion_id=criterion.id, points=Decimal(str(points)))
    sheet.scores.append(row)
    done(commit)
    return row


def make_panel_score(
    entry: Entry | None = None,
    round_: Round | None = None,
    score: Decimal | int | str = "80",
    reason: str = "Hội đồng thống nhất",
    *,
    by: User | None = None,
    commit: bool = True,
) -> PanelScore:
    """The organizer's panel score of ``entry`` in ``round_``, written directly."""
    entry = entry or make_entry(commit=commit)
    round_ = _round(entry.edition, round_)
    row = PanelScore(
        edition_id=entry.edition_id,
        round_id=round_.id,
        entry_id=entry.id,
        score=Decimal(str(score)),
        reason=reason,
        by_id=getattr(by, "id", None),
    )
    return save(row, commit)


def make_comment(
    entry: Entry | None = None,
    author: User | None = None,
    body: str = "Đề nghị xem lại tính mới của giải pháp.",
    *,
    round_: Round | None = None,
    by_organizer: bool = False,
    commit: bool = True,
    **attrs,
) -> Comment:
    """A comment of ``author`` (a new judge when absent) in the panel's thread about
    ``entry`` in ``round_``, written directly."""
    entry, author, round_ = _entry_judge_round(entry, author, round_, commit)
    row = Comment(
        edition_id=entry.edition_id,
        round_id=round_.id,
        entry_id=entry.id,
        author_id=author.id,
        by_organizer=by_organizer,
        body=body,
    )
    apply(row, attrs)
    return save(row, commit)


def make_digest_mark(
    judge: User | None = None, last_comment_id: int = 0, *, commit: bool = True
) -> DigestMark:
    """The newest comment ``judge``'s daily digest covered."""
    judge = judge or make_judge(commit=commit)
    return save(DigestMark(judge_id=judge.id, last_comment_id=last_comment_id), commit)


def _attachment(attachment: Attachment | None, commit: bool) -> Attachment:
    return attachment or make_attachment(commit=commit)


def make_scanned_file(
    attachment: Attachment | None = None,
    outcome: str = "read",
    *,
    pages: int | None = 1,
    commit: bool = True,
    **attrs,
) -> ScannedFile:
    """What the document scan read of ``attachment`` (a new description when absent)."""
    attachment = _attachment(attachment, commit)
    row = ScannedFile(
        edition_id=attachment.entry.edition_id,
        entry_id=attachment.entry_id,
        attachment_id=attachment.id,
        sha256=attachment.sha256,
        names_digest="0" * 64,
        outcome=outcome,
        pages=pages,
    )
    apply(row, attrs)
    return save(row, commit)


def make_document_finding(
    attachment: Attachment | None = None,
    kind: str = "author",
    name: str = AUTHOR,
    *,
    start: int | None = None,
    page: int | None = 1,
    commit: bool = True,
    **attrs,
) -> DocumentFinding:
    """A known ``name`` found in ``attachment``'s text (open, not decided); ``attrs``:
    ``status``, ``decided_at``, ``before``, ``after`` …"""
    attachment = _attachment(attachment, commit)
    row = DocumentFinding(
        edition_id=attachment.entry.edition_id,
        entry_id=attachment.entry_id,
        attachment_id=attachment.id,
        sha256=attachment.sha256,
        page=page,
        start=seq() if start is None else start,
        kind=kind,
        name=name,
        found=name,
        before="Tác giả: ",
    )
    apply(row, attrs)
    return save(row, commit)
