"""Manual prize decisions of the organizers, kept apart from the computed proposal.

What organizers may decide (RULES §5.6), on the latest run of the LAST round (a preliminary
round carries no prizes), for a ranked entry (not INCOMPLETE), always with a reason:

* award a level that is never automatic (Giải Đặc biệt, giải phong trào) to any ranked entry;
* resolve a TIE_AT_QUOTA: award an automatic level to an entry whose tied block straddled that
  level's quota (the run's explanation says so); an automatic level cannot otherwise be
  given by hand — the cascade decides it;
* remove a prize ("no prize");
* withdraw a decision: the entry goes back to the proposal.

Every level's quota stays an upper limit: a decision that would give a level more entries in
its scope unit (the ranking group for scope ``field``, the edition for ``edition``) than its
quota is refused. Each change is audited (``results.decide`` / ``results.withdraw``). The
functions flush, never commit, and take the acting user as a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.operations import record
from ..contests.models import Edition, PrizeLevel, PrizeScope, Round
from ..errors import UserError
from ..extensions import db
from ..timeutil import utcnow
from .config_from_edition import is_last_round
from .models import ResultRow, ResultsRun
from .models_decisions import PrizeDecision

if TYPE_CHECKING:
    from ..accounts.models import User


class DecisionError(UserError):
    """A decision is refused; ``message`` says why (translated)."""


@dataclass(frozen=True)
class Effective:
    """An entry's effective prize: the decision's when there is one, else the proposal's."""

    prize: str | None
    proposed: str | None
    decision: PrizeDecision | None

    @property
    def decided(self) -> bool:
        """True when the organizers' decision (not the proposal) gives the prize."""
        return self.decision is not None


def active_decisions(round_: Round) -> dict[int, PrizeDecision]:
    """The active decision per entry id of ``round_``."""
    rows = db.session.scalars(
        select(PrizeDecision).where(
            PrizeDecision.round_id == round_.id, PrizeDecision.superseded_at.is_(None)
        )
    )
    return {d.entry_id: d for d in rows}


def decision_history(round_: Round) -> list[PrizeDecision]:
    """Every decision of ``round_``, newest first (for the page's history block)."""
    return list(
        db.session.scalars(
            select(PrizeDecision)
            .where(PrizeDecision.round_id == round_.id)
            .order_by(PrizeDecision.decided_at.desc(), PrizeDecision.id.desc())
        )
    )


class _Proposed(Protocol):
    """A result row, or anything carrying its proposed prize."""

    @property
    def prize_code(self) -> str | None: ...


def effective(row: _Proposed, decision: PrizeDecision | None) -> Effective:
    """The effective prize of ``row`` given the entry's active ``decision``."""
    if decision is None:
        return Effective(row.prize_code, row.prize_code, None)
    return Effective(decision.prize_code, row.prize_code, decision)


def effective_prizes(rows: list[ResultRow], decisions: dict[int, PrizeDecision]) -> dict[int, str]:
    """Entry id → effective prize code, for the entries that have one."""
    out = {}
    for row in rows:
        prize = effective(row, decisions.get(row.entry_id)).prize
        if prize:
            out[row.entry_id] = prize
    return out


def _tie_levels(row: ResultRow) -> set[str]:
    """The levels whose quota this entry's tied block straddled (from the explanation)."""
    levels = (row.explanation or {}).get("levels", [])
    return {lv["level"] for lv in levels if lv.get("outcome") == "tie_at_quota"}


def _check_quota(level: PrizeLevel, row: ResultRow, rows: list[ResultRow], given: dict) -> None:
    """Refuse when one more ``level`` would exceed its quota in ``row``'s scope unit."""
    if level.quota is None:
        return
    same_unit = level.scope == PrizeScope.EDITION.value
    holders = [
        r
        for r in rows
        if r.entry_id != row.entry_id
        and given.get(r.entry_id) == level.code
        and (same_unit or r.group_key == row.group_key)
    ]
    if len(holders) + 1 > level.quota:
        raise DecisionError(
            _(
                "%(prize)s đã đủ %(quota)d suất trong phạm vi này.",
                prize=level.name,
                quota=level.quota,
            )
        )


def decide(
    edition: Edition,
    round_: Round,
    run: ResultsRun,
    entry_id: int,
    prize_code: str | None,
    reason: str,
    actor: User | None,
) -> PrizeDecision:
    """Record the organizers' decision ``prize_code`` (None: no prize) for one entry of
    ``run``; supersedes the entry's active decision. Raises ``DecisionError`` (module docstring)."""
    reason = (reason or "").strip()
    if not reason:
        raise DecisionError(_("Hãy ghi lý do của quyết định."))
    if run.round_id != round_.id or round_.edition_id != edition.id:
        raise DecisionError(_("Lần tổng hợp không thuộc vòng thi này."))
    if not is_last_round(edition, round_):
        raise DecisionError(_("Vòng sơ khảo không xét giải."))
    rows = list(db.session.scalars(select(ResultRow).where(ResultRow.run_id == run.id)))
    row = next((r for r in rows if r.entry_id == entry_id), None)
    if row is None:
        raise DecisionError(_("Hồ sơ không có trong lần tổng hợp này."))
    if row.rank is None:
        raise DecisionError(_("Hồ sơ chưa đủ phiếu chấm nên chưa được xếp hạng."))
    decisions = active_decisions(round_)
    previous = decisions.get(entry_id)
    current = effective(row, previous).prize
    prize_code = prize_code or None
    if prize_code == current:
        raise DecisionError(_("Quyết định này không thay đổi giải của hồ sơ."))
    if prize_code is not None:
        level = next((p for p in edition.prizes if p.code == prize_code), None)
        if level is None:
            raise DecisionError(_("Không có giải “%(code)s”.", code=prize_code))
        if level.automatic and prize_code not in _tie_levels(row):
            raise DecisionError(
                _(
                    "%(prize)s được xét tự động; chỉ quyết định bằng tay khi hồ sơ đồng hạng "
                    "ở giới hạn suất của giải này.",
                    prize=level.name,
                )
            )
        _check_quota(level, row, rows, effective_prizes(rows, decisions))
    now = utcnow()
    if previous is not None:
        previous.superseded_at = now
        previous.superseded_by_id = getattr(actor, "id", None)
    decision = PrizeDecision(
        edition_id=edition.id,
        round_id=round_.id,
        run_id=run.id,
        entry_id=entry_id,
        prize_code=prize_code,
        proposed_code=row.prize_code,
        reason=reason,
        decided_by_id=getattr(actor, "id", None),
        decided_at=now,
    )
    db.session.add(decision)
    db.session.flush()
    record(
        actor,
        "results.decide",
        "entry",
        entry_id,
        edition=edition.slug,
        round=round_.code,
        run=run.number,
        entry=row.entry_code,
        proposed=row.prize_code,
        before=current,
        prize=prize_code,
        reason=reason,
        decision=decision.id,
    )
    return decision


def withdraw(edition: Edition, decision: PrizeDecision, reason: str, actor: User | None) -> None:
    """Withdraw an active decision (the entry goes back to the proposal), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DecisionError(_("Hãy ghi lý do hủy quyết định."))
    if decision.edition_id != edition.id or not decision.active:
        raise DecisionError(_("Quyết định này không còn hiệu lực."))
    decision.superseded_at = utcnow()
    decision.superseded_by_id = getattr(actor, "id", None)
    decision.withdraw_reason = reason
    db.session.flush()
    record(
        actor,
        "results.withdraw",
        "entry",
        decision.entry_id,
        edition=edition.slug,
        decision=decision.id,
        prize=decision.prize_code,
        reason=reason,
    )
