"""Demo national selection for ``contest demo``: the past youth edition published by
:mod:`contest.publication.demo` gets its national selection — the default proposal, one entry
swapped by the organizers — and the national results. Flushes, the caller commits."""

from __future__ import annotations

from ..accounts.operations import find_user
from ..contests.models import Edition
from ..entries.models import Entry
from ..extensions import db
from ..publication.demo import DEMO_ORGANIZER
from . import selection as national


def seed_national(editions: list[Edition]) -> None:
    """The national selection and results of the youth editions among ``editions``."""
    organizer = find_user(DEMO_ORGANIZER)
    if organizer is None:
        return
    for edition in editions:
        if edition.kind == "youth":
            _national(edition, organizer)


def _national(edition: Edition, organizer) -> None:
    """The default proposal, one entry swapped by the organizers, national results recorded."""
    chosen = national.selection(edition)
    others = chosen.others
    if chosen.items and others:
        last = chosen.items[-1].entry
        national.exclude(edition, last.entry_id, "Sản phẩm trùng ý tưởng năm trước", organizer)
        national.include(
            edition, others[0].entry.entry_id, "Phù hợp chủ đề cuộc thi toàn quốc", organizer
        )
    results = ("Giải Ba", "Giải Khuyến khích", "Không đạt giải")
    for item, result in zip(national.selection(edition).items, results, strict=False):
        entry = db.session.get(Entry, item.entry.entry_id)
        national.record_result(edition, entry, result, "Cuộc thi toàn quốc lần thứ 19", organizer)
