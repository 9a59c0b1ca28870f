"""An edition (and one of its rounds) as the ranking engine's ``RankingConfig``.

* Criteria: those that count in sheet totals (judging's ``totals.counted_criteria``: not
  retired), in criteria order; a retired criterion's old points are not counted anywhere.
* Tie-break: ``Edition.tiebreak_order()`` (tie-break positions first, then criteria order).
* Fields and boards in edition order; prize levels highest first (``position`` order).
* Round: the last round of the edition (highest position) gives prizes; an earlier round is
  preliminary and passes entries scoring ≥ its cutoff; without one, RULES' default 60
  (``Round.pass_mark``). The next round's members are the entries this run flags ADVANCED
  (judging's ``totals.round_member_ids`` reads them from the run).
"""

from __future__ import annotations

from ..contests.models import Edition, Round
from ..judging import totals
from .ranking import Criterion, PrizeLevel, RankingConfig, RoundSpec, Scope

ordered_rounds = totals.ordered_rounds
previous_round = totals.round_before


def is_last_round(edition: Edition, round_: Round) -> bool:
    """True when ``round_`` is the edition's last round (the one that gives prizes)."""
    return ordered_rounds(edition)[-1].id == round_.id


def round_spec(edition: Edition, round_: Round) -> RoundSpec:
    """The engine's round: last (prizes) or preliminary (its pass mark: cutoff or 60)."""
    if is_last_round(edition, round_):
        return RoundSpec(last=True, cutoff=round_.cutoff)
    return RoundSpec(last=False, cutoff=round_.pass_mark)


def config_from_edition(edition: Edition, round_: Round) -> RankingConfig:
    """The ``RankingConfig`` of ``edition`` for ranking ``round_`` (module docstring)."""
    criteria = totals.counted_criteria(edition)
    return RankingConfig(
        criteria=tuple(Criterion(code=c.code, max_points=c.max_points) for c in criteria),
        fields=tuple(f.code for f in sorted(edition.fields, key=lambda f: (f.position, f.id))),
        boards=tuple(b.code for b in sorted(edition.boards, key=lambda b: (b.position, b.id))),
        prizes=tuple(
            PrizeLevel(
                code=p.code,
                min_score=p.min_score,
                quota=p.quota,
                scope=Scope(p.scope),
                automatic=bool(p.automatic),
            )
            for p in sorted(edition.prizes, key=lambda p: (p.position, p.id))
        ),
        judges_per_entry=edition.judges_per_entry,
        discrepancy_threshold=edition.discrepancy_threshold,
        tiebreak=tuple(c.code for c in edition.tiebreak_order()),
        round=round_spec(edition, round_),
    )
