"""The publication page's preview, cached: building it reads every row of the run
with its entry and authors, so the page reads it from :mod:`contest.page_cache` instead,
under a key made of everything the preview depends on — the run (id and time), the version
in force, the round's prize decisions (how many, the latest, the latest withdrawal) and the
edition's entries (how many, the latest change). One small aggregate statement makes the
key; any change to those gives a new key, so nothing is invalidated by hand and a stale
preview is never shown.

The cached value holds plain data only (no ORM object): the count, ``unchanged`` and the
differences with ``before``/``after`` as namespaces of the compared attributes.
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import func, select

from .. import page_cache
from ..contests.models import Edition
from ..entries.models import Entry
from ..extensions import db
from ..results.models import ResultsRun
from ..results.models_decisions import PrizeDecision
from . import operations as pub
from . import status as status_data
from .models import Publication

_KEPT = ("entry_code", "entry_id", "title", *pub.DIFF_ATTRIBUTES)


def preview_key(edition: Edition, run: ResultsRun, current: Publication | None) -> str:
    """The cache key of the preview of ``run`` against ``current`` (one statement)."""
    of_round = PrizeDecision.round_id == run.round_id
    of_edition = Entry.edition_id == edition.id
    version = db.session.execute(
        select(
            select(func.count(PrizeDecision.id)).where(of_round).scalar_subquery(),
            select(func.max(PrizeDecision.id)).where(of_round).scalar_subquery(),
            select(func.max(PrizeDecision.superseded_at)).where(of_round).scalar_subquery(),
            select(func.count(Entry.id)).where(of_edition).scalar_subquery(),
            select(func.max(Entry.updated_at)).where(of_edition).scalar_subquery(),
        )
    ).one()
    parts = [
        "preview",
        edition.id,
        run.id,
        run.created_at.isoformat() if run.created_at else "",
        current.id if current is not None else 0,
        *("" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v) for v in version),
    ]
    return ":".join(str(p) for p in parts)


def _plain(entry) -> SimpleNamespace | None:
    if entry is None:
        return None
    return SimpleNamespace(**{a: getattr(entry, a, None) for a in _KEPT})


def _freeze(preview: status_data.Preview) -> dict:
    return {
        "count": preview.count,
        "unchanged": preview.unchanged,
        "changes": [
            {
                "entry_code": d.entry_code,
                "title": d.title,
                "before": _plain(d.before),
                "after": _plain(d.after),
                "changes": tuple(d.changes),
            }
            for d in preview.changes
        ],
    }


def cached_preview(
    edition: Edition, run: ResultsRun, current: Publication | None
) -> status_data.Preview:
    """The preview (``status.preview``), from the cache when its key is there."""
    frozen = page_cache.cached(
        preview_key(edition, run, current),
        lambda: _freeze(status_data.preview(edition, run, current)),
    )
    return status_data.Preview(
        frozen["count"],
        [pub.Difference(**d) for d in frozen["changes"]],
        frozen["unchanged"],
    )
