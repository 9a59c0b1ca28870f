"""Shared set-up for the publication tests: the review tests' small technical edition,
compiled, with its flags resolved by decisions and its missing sheet scored, ready to
publish."""

from __future__ import annotations

import io

from sqlalchemy import select

from contest.entries.models import Entry
from contest.extensions import db
from contest.judging.imports import import_scores
from contest.judging.panels import set_panel_score
from contest.results import decisions
from contest.results.compile import latest_run
from tests.results_review.helpers import SLUG, build, compile_now

__all__ = ["SLUG", "compiled_edition", "entry_id", "resolve_flags", "score_a6_late"]


def entry_id(code: str) -> int:
    return db.session.scalar(select(Entry.id).where(Entry.code == code))


def compiled_edition(runner, tmp_path):
    """The edition (7 entries: A1 first, A2 second, A3/A4 tied at second's quota → third,
    A5 DISCREPANCY, A6 INCOMPLETE, B1 first in CK), compiled once; returns the edition."""
    edition = build(runner, tmp_path)
    compile_now(edition)
    return edition


def score_a6_late(edition) -> None:
    """A6's second judge hands in the missing paper sheet (20 + 30, as the first): A6 is
    then complete at 50.00, ranked last in its field, without a prize; commits."""
    rows = (
        "entry,judge,criterion,points\nA6,gk2@example.vn,novelty,20\nA6,gk2@example.vn,effect,30\n"
    )
    import_scores(edition, io.BytesIO(rows.encode()), "a6.csv", None)
    db.session.commit()


def resolve_flags(edition, organizer, *, complete: bool = True) -> None:
    """Resolve A5's DISCREPANCY with a panel score of 56.00 (→ Khuyến khích after a new
    compile) and A3/A4's TIE_AT_QUOTA by a decision (A3 gets second); with ``complete``, A6's
    missing sheet is scored first (:func:`score_a6_late`), so nothing blocks publishing;
    commits."""
    if complete:
        score_a6_late(edition)
    round_ = edition.rounds[-1]
    a5 = db.session.get(Entry, entry_id("A5"))
    set_panel_score(edition, round_, a5, "56", "Hội đồng chấm lại", organizer)
    db.session.commit()
    compile_now(edition)
    run = latest_run(round_)
    decisions.decide(edition, round_, run, entry_id("A3"), "second", "Bốc thăm", organizer)
    db.session.commit()
