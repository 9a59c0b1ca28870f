"""Gates between the stages of an edition: changes of its dates with consequences, and the
refusal of new entries once its results are published.

* **Closing submissions early**: a change of dates that ends the submission window now (the
  edition was open and no longer is) locks every draft and leaves the entries still
  submitted but not received out of judging unless they are received and accepted. It is saved
  only when confirmed; the confirmation states both counts.
* **Opening judging** (the window contains now after the change, not before) while entries
  are still only submitted or received (neither accepted nor rejected): saved only when
  confirmed; the confirmation states how many.
* **Results published** (phase published or archived): no import and no new entry; a
  correction is made on the existing entry, then a corrected version is published.

The entry counts come from the entries package, above this one: it registers its counter with
:func:`register_entry_counter` in ``create_app``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from ..errors import UserError
from . import timeline
from .validation import Problem, Severity

if TYPE_CHECKING:
    from .models import Edition
    from .spec import EditionSpec


@dataclass(frozen=True)
class EntryCounts:
    """An edition's entries by where they stand, as the gates need them."""

    drafts: int = 0
    submitted: int = 0  # submitted, not yet received
    received: int = 0  # received, neither accepted nor rejected

    @property
    def undecided(self) -> int:
        """Entries submitted or received, not yet accepted or rejected."""
        return self.submitted + self.received


_entry_counter: Callable[[object], EntryCounts] | None = None


def register_entry_counter(counter: Callable[[object], EntryCounts]) -> None:
    """Install the function that counts an edition's entries (called from ``create_app``)."""
    global _entry_counter
    _entry_counter = counter


def entry_counts(edition: Edition) -> EntryCounts:
    """The edition's entry counts (all zero when no counter is registered)."""
    return _entry_counter(edition) if _entry_counter is not None else EntryCounts()


def _with_dates(edition: Edition, dates: EditionSpec) -> SimpleNamespace:
    """``edition`` as the timeline sees it, with the dates of ``dates`` (a spec)."""
    return SimpleNamespace(
        opens_at=dates.opens_at,
        submission_deadline=dates.submission_deadline,
        judging_starts_at=dates.judging_starts_at,
        judging_ends_at=dates.judging_ends_at,
        published_at=edition.published_at,
        archived_at=edition.archived_at,
        extensions=edition.extensions,
    )


def date_change_gates(
    edition: Edition, new_dates: EditionSpec, now: datetime
) -> tuple[list[Problem], dict]:
    """The confirmations a change of ``edition``'s dates to those of ``new_dates`` needs at
    ``now`` (warnings stating their counts: closing submissions early, opening judging while
    entries are undecided) and the consequences the audit entry records. Entries are counted
    only when a gate applies."""
    before = timeline.phase(edition, now)
    after = timeline.phase(_with_dates(edition, new_dates), now)
    closes = before == timeline.Phase.OPEN and after != timeline.Phase.OPEN
    opens_judging = (
        before.order < timeline.Phase.JUDGING.order <= after.order
        and after.order < timeline.Phase.PUBLISHED.order
    )
    if not (closes or opens_judging):
        return [], {}
    counts = entry_counts(edition)
    problems, audit = [], {}
    if closes:
        audit["closed_early"] = {"drafts_locked": counts.drafts, "submitted": counts.submitted}
        problems.append(
            Problem(
                "submission_deadline",
                _(
                    "Đóng nhận hồ sơ ngay bây giờ: %(drafts)d hồ sơ nháp sẽ bị khoá (thí sinh "
                    "không nộp được nữa); %(submitted)d hồ sơ đã nộp nhưng chưa được tiếp "
                    "nhận (chỉ được chấm khi được tiếp nhận và đưa vào chấm).",
                    drafts=counts.drafts,
                    submitted=counts.submitted,
                ),
                Severity.WARNING,
            )
        )
    if opens_judging and counts.undecided:
        audit["judging_opened"] = {"undecided": counts.undecided}
        problems.append(
            Problem(
                "judging_starts_at",
                _(
                    "Mở việc chấm ngay bây giờ trong khi %(n)d hồ sơ mới nộp hoặc mới tiếp "
                    "nhận, chưa được đưa vào chấm hay loại: các hồ sơ này chưa được chấm.",
                    n=counts.undecided,
                ),
                Severity.WARNING,
            )
        )
    return problems, audit


class ResultsPublished(UserError):
    """No entry may be added: the results are published; ``message`` says how to correct."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Lần thi đã công bố kết quả: không nhập hay tạo thêm hồ sơ được nữa. Để đính "
                "chính, hãy sửa dữ liệu của hồ sơ đã có rồi công bố bản đính chính ở trang "
                "Công bố kết quả."
            )
        )


def results_published(edition: timeline.Dated, now: datetime) -> bool:
    """True once the edition's results are published (or it is archived)."""
    return timeline.phase(edition, now).order >= timeline.Phase.PUBLISHED.order
