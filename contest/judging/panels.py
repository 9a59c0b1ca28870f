"""Panels (tiểu ban) and rounds as judging sees them.

* :func:`current_round` — the round a command works on when none is named: the **last round
  (in edition order) that already has a panel, an assignment or a score sheet, else the first
  round**. Judging starts with the first round; once an organizer names a later round (e.g.
  ``contest panel add … --round final``) that round becomes the current one. With a single
  round it is always that round.
* :func:`round_entry_ids` — the entries of a round (``totals.round_member_ids``, RULES.md
  §5.7–5.8): in the first round every accepted entry; in a later round the accepted entries
  the latest results run of the round before flagged ADVANCED (no run yet: none). The rule
  itself (complete sheets, score ≥ cutoff) is the ranking engine's, applied once by the
  compile.
* Panel membership: judges must hold the judge role; a chair must sit on the panel.
* :func:`set_panel_score` — the organizer's panel score of an entry, with a reason (audited).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select

from ..accounts.models import Role, User
from ..areas.provinces import judge_of_province
from ..audit.operations import record
from ..contests.models import Edition, EditionField, Round
from ..entries.models import Entry
from ..extensions import db
from . import totals
from .errors import JudgingError
from .models import Assignment, Panel, PanelMember, PanelScore, ScoreSheet


def find_round(edition: Edition, code: str | None) -> Round:
    """The round ``code`` of ``edition``, or :func:`current_round` when ``code`` is empty."""
    if not code:
        return current_round(edition)
    found = next((r for r in edition.rounds if r.code.casefold() == code.casefold()), None)
    if found is None:
        codes = ", ".join(r.code for r in edition.rounds)
        raise JudgingError(
            _("Không có vòng “%(code)s” (các vòng: %(codes)s).", code=code, codes=codes)
        )
    return found


def current_round(edition: Edition) -> Round:
    """The last round with judging activity, else the first round (module docstring)."""
    if not edition.rounds:
        raise JudgingError(_("Lần thi chưa có vòng chấm nào."))
    for round_ in reversed(edition.rounds):
        active = select(
            or_(
                exists().where(Panel.round_id == round_.id),
                exists().where(Assignment.round_id == round_.id),
                exists().where(ScoreSheet.round_id == round_.id),
            )
        )
        if db.session.scalar(active):
            return round_
    return edition.rounds[0]


def find_field(edition: Edition, code: str) -> EditionField:
    """The field ``code`` (any case) of ``edition``."""
    found = next((f for f in edition.fields if f.code.casefold() == (code or "").casefold()), None)
    if found is None:
        codes = ", ".join(f.code for f in edition.fields)
        raise JudgingError(
            _("Không có lĩnh vực “%(code)s” (có: %(codes)s).", code=code, codes=codes)
        )
    return found


# --- Round membership -------------------------------------------------------------------------


def round_entry_ids(edition: Edition, round_: Round) -> set[int]:
    """Ids of the accepted entries of ``round_`` (``totals.round_member_ids``: in a later
    round those the latest run of the round before flagged ADVANCED)."""
    return totals.round_member_ids(edition, round_)


# --- Panels ----------------------------------------------------------------------------------


def get_panel(edition: Edition, field: EditionField, round_: Round) -> Panel | None:
    """The panel of ``field`` in ``round_``, if any."""
    return db.session.scalars(
        select(Panel).where(
            Panel.edition_id == edition.id, Panel.field_id == field.id, Panel.round_id == round_.id
        )
    ).first()


def ensure_panel(edition: Edition, field: EditionField, round_: Round, actor: User | None) -> Panel:
    """The panel of ``field`` in ``round_``, created (audited) when absent. Flushes."""
    panel = get_panel(edition, field, round_)
    if panel is None:
        panel = Panel(edition_id=edition.id, field_id=field.id, round_id=round_.id)
        db.session.add(panel)
        db.session.flush()
        record(
            actor, "judging.panel_create", "panel", panel.id, field=field.code, round=round_.code
        )
    return panel


def ensure_judge(user: User) -> None:
    """Raise :class:`JudgingError` unless ``user`` holds the judge role."""
    if not user.has_role(Role.JUDGE):
        raise JudgingError(_("%(email)s không phải tài khoản giám khảo.", email=user.email))


def add_judges(panel: Panel, judges: list[User], actor: User | None) -> list[User]:
    """Put ``judges`` on ``panel`` (those already on it are left alone); return the ones
    added. Every judge must hold the judge role, for the edition's province or for none.
    Audited; flushes."""
    province_id = panel.edition.province_id
    for judge in judges:
        ensure_judge(judge)
        if not judge_of_province(judge, province_id):
            raise JudgingError(
                _("%(email)s là giám khảo của tỉnh, thành phố khác.", email=judge.email)
            )
    present = set(panel.judge_ids)
    added = []
    for judge in judges:
        if judge.id in present:
            continue
        panel.members.append(PanelMember(judge_id=judge.id, added_by_id=getattr(actor, "id", None)))
        present.add(judge.id)
        added.append(judge)
    if added:
        db.session.flush()
        record(actor, "judging.panel_add", "panel", panel.id, judges=[j.email for j in added])
    return added


def set_chair(panel: Panel, judge: User | None, actor: User | None) -> None:
    """Name ``judge`` (a member of the panel) chair of ``panel``; None: no chair. Audited."""
    if judge is not None and judge.id not in panel.judge_ids:
        raise JudgingError(_("Chủ tịch tiểu ban phải là thành viên của tiểu ban."))
    panel.chair_id = judge.id if judge is not None else None
    db.session.flush()
    record(actor, "judging.panel_chair", "panel", panel.id, chair=judge.email if judge else None)


def panels_of_round(edition: Edition, round_: Round) -> dict[int, list[int]]:
    """``{field id: [judge id, …]}`` for the panels of ``round_`` (one query)."""
    rows = db.session.execute(
        select(Panel.field_id, PanelMember.judge_id)
        .join(PanelMember, PanelMember.panel_id == Panel.id)
        .where(Panel.edition_id == edition.id, Panel.round_id == round_.id)
    )
    out: dict[int, list[int]] = defaultdict(list)
    for field_id, judge_id in rows:
        out[field_id].append(judge_id)
    return dict(out)


# --- Panel score (RULES.md §5.2) ----------------------------------------------------------------


def set_panel_score(
    edition: Edition,
    round_: Round,
    entry: Entry,
    score: Decimal | str | None,
    reason: str,
    actor: User,
    now: datetime | None = None,
) -> PanelScore | None:
    """Record (or replace) the organizer's panel score of ``entry`` in ``round_``, with a
    reason; ``score`` None removes it. 0 … 100, at most 2 decimals. Audited; flushes."""
    from ..entries.access import ensure_organizer
    from ..timeutil import utcnow

    ensure_organizer(actor)
    existing = db.session.scalars(
        select(PanelScore).where(PanelScore.round_id == round_.id, PanelScore.entry_id == entry.id)
    ).first()
    old = str(existing.score) if existing is not None else None
    reason = (reason or "").strip()
    if not reason:
        raise JudgingError(_("Hãy ghi lý do của điểm hội đồng."))
    if score is None:
        if existing is not None:
            db.session.delete(existing)
    else:
        try:
            points = Decimal(str(score).strip().replace(",", "."))
            valid = points.is_finite() and 0 <= points <= 100
            valid = valid and points == points.quantize(Decimal("0.01"))
        except InvalidOperation:
            valid = False
        if not valid:
            raise JudgingError(_("Điểm hội đồng phải từ 0 đến 100, tối đa 2 chữ số thập phân."))
        score = points
        if existing is None:
            existing = PanelScore(edition_id=edition.id, round_id=round_.id, entry_id=entry.id)
            db.session.add(existing)
        existing.score, existing.reason = score, reason
        existing.by_id, existing.at = actor.id, now or utcnow()
    db.session.flush()
    record(
        actor,
        "judging.panel_score",
        "entry",
        entry.id,
        round=round_.code,
        old=old,
        new=None if score is None else str(score),
        reason=reason,
    )
    return existing if score is not None else None
