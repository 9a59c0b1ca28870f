"""Helpers of the organizer's judging page tests."""

from __future__ import annotations

from contest.judging.models import ScoreSheet
from tests import factories
from tests.judging.conftest import DURING


def submit_sheet(edition, round_, entry, judge, points, status="submitted") -> ScoreSheet:
    """Assign ``judge`` to ``entry`` and store a sheet with ``points`` (novelty,
    applicability, effect)."""
    return factories.make_score_sheet(
        entry, judge, round_, points, status=status, submitted_at=DURING, assign=True
    )
