"""Reclassifying or rejecting an entry once judging has started touches its judging: the
judges assigned to it and their score sheets (a rejected entry leaves judging; a
reclassified one changes panel). Such a change is made only when the organizer confirms it,
having been told the counts; the audit entry records them.

The counts come from the judging package, above this one: it registers its counter with
:func:`register_judging_counter` in ``create_app``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from flask_babel import gettext as _

from ..contests.timeline import judging_started
from .models import Entry
from .states import EntryError


@dataclass(frozen=True)
class JudgingLoad:
    """What an entry has in judging."""

    assignments: int = 0
    submitted_sheets: int = 0
    draft_sheets: int = 0

    def as_audit(self) -> dict:
        """The counts as the audit entry records them."""
        return asdict(self)


_counter: Callable[[Entry], JudgingLoad] | None = None


def register_judging_counter(counter: Callable[[Entry], JudgingLoad]) -> None:
    """Install the function that counts an entry's assignments and sheets (``create_app``)."""
    global _counter
    _counter = counter


def judging_load(entry: Entry) -> JudgingLoad:
    """The entry's assignments and sheets (zero when no counter is registered)."""
    return _counter(entry) if _counter is not None else JudgingLoad()


class ConfirmationNeeded(EntryError):
    """The change affects judging and was not confirmed; ``message`` states the counts."""


def consequence(entry: Entry, now: datetime) -> str | None:
    """What reclassifying or rejecting ``entry`` at ``now`` does to its judging, as a sentence
    with the counts; None before judging has started (nothing to confirm). Judging has
    started when the edition's judging window has, or when the entry already has score
    sheets (a season run from files may never set the window)."""
    load = judging_load(entry)
    if not judging_started(entry.edition, now) and not (load.submitted_sheets or load.draft_sheets):
        return None
    return _(
        "Việc chấm đã bắt đầu: hồ sơ %(code)s có %(assignments)d lượt phân công giám khảo, "
        "%(submitted)d phiếu chấm đã nộp và %(drafts)d phiếu chấm nháp. Chuyển lĩnh vực hoặc "
        "không đưa vào chấm sẽ ảnh hưởng đến các phiếu chấm và phân công này.",
        code=entry.code or "",
        assignments=load.assignments,
        submitted=load.submitted_sheets,
        drafts=load.draft_sheets,
    )


def check(entry: Entry, now: datetime, confirm: bool) -> dict:
    """Refuse (:class:`ConfirmationNeeded`) a change after judging started unless
    ``confirm``; returns what the audit entry records (empty before judging)."""
    message = consequence(entry, now)
    if message is None:
        return {}
    if not confirm:
        raise ConfirmationNeeded(
            _("%(what)s Hãy đánh dấu ô xác nhận rồi thực hiện lại.", what=message)
        )
    return {"confirmed_judging": judging_load(entry).as_audit()}
