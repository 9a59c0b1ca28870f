"""The periodic end of posting periods (beat schedule in :mod:`contest.celery_app`).

A version's state never depends on this task (``publish.state`` compares ``now`` with
``posting_ends_at``); the task records ``finalized_at`` so that the moment a result became
final is stored. Idempotent: a version is finalized once, so overlapping runs are harmless.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="publication.finalize", ignore_result=True)
def finalize_postings() -> int:
    """Finalize the versions whose posting period has ended; returns how many."""
    from ..jobs.operations import commit
    from .operations import finalize_due

    count = finalize_due()
    commit()
    return count
