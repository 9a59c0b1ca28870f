"""The entrant's writes: create and update a draft, set the authors, submit, withdraw, delete
a draft. Each takes the acting user and ``now`` (tests freeze it), checks at the write that
the actor may change the entry and that submissions are open for the entry's area
(:mod:`.access`), checks the page's ``expected_version`` (stale pages are refused), audits,
flushes and never commits. Organizer actions are in :mod:`.intake`.

A submitted entry may still be edited until the deadline and stays submitted; such an edit
must keep it complete and eligible. A withdrawn entry may be edited and submitted again; it
keeps its code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..areas.models import Area
from ..audit.operations import record
from ..contests.deadlines import SubmissionsClosed, ensure_submissions_open
from ..contests.gates import ResultsPublished, results_published
from ..contests.models import Edition
from ..extensions import db
from ..timeutil import LOCAL_TZ, utcnow
from . import access, codes, completeness, eligibility
from .emails import send_receipt
from .entry_data import (  # noqa: F401 - part of this module's interface
    ENTRY_KEYS,
    RELATIONS,
    AuthorData,
    author_data,
    clean_author,
    clean_values,
)
from .models import Author, Entry, EntrySource, EntryStatus
from .states import (  # noqa: F401 - part of this module's interface
    ENTRANT_WITHDRAWABLE,
    ORGANIZER_WITHDRAWABLE,
    SUBMITTABLE,
    EntryError,
    InvalidEntry,
    NotAllowed,
    NotSubmittable,
    StaleEntry,
    check_version,
    status_label,
    transition,
)

if TYPE_CHECKING:
    from ..accounts.models import User


def _local_today(now: datetime) -> date:
    return now.astimezone(LOCAL_TZ).date()


def flush_entry() -> None:
    """Flush; a concurrent change (version) becomes :class:`StaleEntry`, a constraint
    violation an :class:`EntryError`."""
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleEntry()
    except IntegrityError as exc:
        raise EntryError(_("Dữ liệu không hợp lệ: %(e)s", e=str(exc.orig)))


def _audit_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def create_draft(
    edition: Edition, actor: User | None, values: Mapping[str, Any], *, now: datetime | None = None
) -> Entry:
    """A new draft of ``actor`` in ``edition`` (title and field required). Organizers may
    create one outside the submission window, but not once the results are published."""
    now = now or utcnow()
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAllowed()
    clean = clean_values(edition, values)
    missing = [
        (key, message)
        for key, message in (
            ("title", _("Vui lòng nhập tên sản phẩm, giải pháp.")),
            ("field_id", _("Vui lòng chọn lĩnh vực của lần thi.")),
        )
        if not clean.get(key)
    ]
    if missing:
        raise InvalidEntry(missing)
    area = db.session.get(Area, clean["area_id"]) if clean.get("area_id") else None
    if not access.is_organizer(actor):
        ensure_submissions_open(edition, area, now)
    elif results_published(edition, now):
        raise EntryError(ResultsPublished().message)
    entry = Entry(
        edition_id=edition.id,
        owner_id=actor.id,
        status=EntryStatus.DRAFT.value,
        source=EntrySource.WEB.value,
        created_at=now,
        updated_at=now,
        **clean,
    )
    db.session.add(entry)
    flush_entry()
    record(
        actor, "entry.create", "entry", entry.id, **{k: _audit_value(v) for k, v in clean.items()}
    )
    return entry


def update_entry(
    entry: Entry,
    actor: User | None,
    values: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> dict[str, list]:
    """Change the keys of ``values``; return the audited ``{key: [before, after]}``."""
    now = now or utcnow()
    access.ensure_can_edit(actor, entry, now)
    check_version(entry, expected_version)
    clean = clean_values(entry.edition, values)
    changes = {
        key: [_audit_value(getattr(entry, key)), _audit_value(value)]
        for key, value in clean.items()
        if getattr(entry, key) != value
    }
    if not changes:
        return {}
    if "area_id" in changes and not access.is_organizer(actor):
        ensure_submissions_open(entry.edition, db.session.get(Area, clean["area_id"] or 0), now)
    for key, value in clean.items():
        setattr(entry, key, value)
    for key, relation, model in RELATIONS:
        if key in changes:
            value = getattr(entry, key)
            setattr(entry, relation, db.session.get(model, value) if value else None)
    _keep_submitted_valid(entry, actor, now)
    entry.updated_at = now
    flush_entry()
    record(actor, "entry.update", "entry", entry.id, **changes)
    if CONFLICT_KEYS & changes.keys():
        _drop_conflicted(entry, actor)
    return changes


# What judges' conflicts of interest are inferred from (besides the authors).
CONFLICT_KEYS = frozenset({"unit_id", "unit_name", "area_id", "mentor_name", "mentor_email"})


def _drop_conflicted(entry: Entry, actor: User | None) -> None:
    """The entry's authors, unit, area or mentor changed: a judge now in conflict with it
    loses the assignment at once (:mod:`contest.judging.recusal`)."""
    from ..judging.recusal import after_entries_changed

    after_entries_changed([entry], actor)


def _keep_submitted_valid(entry: Entry, actor: User | None, now: datetime) -> None:
    """An entrant's edit of a submitted entry must leave its data complete and eligible
    (attachments are checked by the attachment operations)."""
    if entry.status == EntryStatus.DRAFT or access.is_organizer(actor):
        return
    if entry.status not in (EntryStatus.SUBMITTED, EntryStatus.RECEIVED):
        return
    report = completeness.Completeness(
        missing_data=completeness.missing_data(entry),
        ineligible=completeness.eligibility_problems(entry, _local_today(now)),
    )
    if not report.complete:
        raise NotSubmittable(report)


def set_authors(
    entry: Entry,
    actor: User | None,
    authors: Sequence[AuthorData],
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> list[Author]:
    """Replace the authors of ``entry`` by ``authors`` (in order, 1 … max authors; exactly
    one representative — the first when none is marked). A birth date outside the age band
    is refused at once; a missing one only at submission."""
    now = now or utcnow()
    access.ensure_can_edit(actor, entry, now)
    check_version(entry, expected_version)
    rules = eligibility.Rules.from_edition(entry.edition)
    cleaned, problems = [], []
    for index, data in enumerate(authors):
        values, author_problems = clean_author(index, data, rules, _local_today(now))
        cleaned.append(values)
        problems += author_problems
    count_problem = eligibility.check_author_count(rules, len(cleaned))
    if count_problem and (cleaned or entry.status != EntryStatus.DRAFT):
        problems.append(("authors", count_problem.message))
    representatives = [v for v in cleaned if v["is_representative"]]
    if len(representatives) > 1:
        problems.append(("authors", _("Chỉ chọn một người đại diện cho nhóm tác giả.")))
    if problems:
        raise InvalidEntry(problems)
    if cleaned and not representatives:
        cleaned[0]["is_representative"] = True
    before = [a.full_name for a in entry.authors]
    current = {a.position: a for a in entry.authors}
    changed = len(current) != len(cleaned)
    for position, values in enumerate(cleaned, start=1):
        author = current.pop(position, None)
        if author is None:
            author = Author(position=position)
            entry.authors.append(author)
        for key, value in values.items():
            if getattr(author, key) != value:
                setattr(author, key, value)
                changed = True
    for author in current.values():
        entry.authors.remove(author)
    if not changed:  # the same authors saved again: no new version, no audit entry
        return list(entry.authors)
    _keep_submitted_valid(entry, actor, now)
    entry.updated_at = now
    flush_entry()
    record(
        actor,
        "entry.authors",
        "entry",
        entry.id,
        before=before,
        after=[v["full_name"] for v in cleaned],
    )
    _drop_conflicted(entry, actor)
    return list(entry.authors)


def delete_draft(
    entry: Entry,
    actor: User | None,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Delete a draft that was never submitted (no code)."""
    now = now or utcnow()
    access.ensure_can_edit(actor, entry, now)
    check_version(entry, expected_version)
    if entry.status != EntryStatus.DRAFT or entry.code:
        raise EntryError(_("Chỉ xoá được hồ sơ nháp chưa từng nộp."))
    entry_id, title = entry.id, entry.title
    db.session.delete(entry)
    flush_entry()
    record(actor, "entry.delete_draft", "entry", entry_id, title=title)


def submit(
    entry: Entry,
    actor: User | None,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Entry:
    """Submit ``entry``: only while submissions are open for its area, complete and
    eligible; the first submission assigns the code. Queues the receipt e-mail."""
    now = now or utcnow()
    access.ensure_can_edit(actor, entry, now)
    ensure_submissions_open(entry.edition, entry.area, now)
    check_version(entry, expected_version)
    if entry.status not in SUBMITTABLE:
        raise EntryError(
            _(
                "Hồ sơ đã được nộp (mã %(code)s, trạng thái “%(status)s”); không cần nộp lại.",
                code=entry.code or "",
                status=status_label(entry.status),
            )
        )
    report = completeness.check(entry, _local_today(now))
    if not report.complete:
        raise NotSubmittable(report)
    previous = transition(
        entry,
        EntryStatus.SUBMITTED,
        SUBMITTABLE,
        now=now,
        then=lambda: {"code": codes.code_for(entry)},
        submitted_at=now,
    )
    code = entry.code
    record(
        actor,
        "entry.submit",
        "entry",
        entry.id,
        code=code,
        before=previous,
        after=EntryStatus.SUBMITTED.value,
    )
    send_receipt(entry)
    return entry


def withdraw(
    entry: Entry,
    actor: User | None,
    *,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Entry:
    """Withdraw ``entry``: the owner (or a coordinator) while submissions are open; an
    organizer at any time (on the entrant's request). The code is kept."""
    now = now or utcnow()
    access.ensure_can_edit(actor, entry, now)
    organizer = access.is_organizer(actor)
    allowed = ORGANIZER_WITHDRAWABLE if organizer else ENTRANT_WITHDRAWABLE
    check_version(entry, expected_version)
    if entry.status == EntryStatus.WITHDRAWN:
        raise EntryError(_("Hồ sơ đã được rút."))
    if entry.status not in allowed:
        raise EntryError(
            _(
                "Không thể rút hồ sơ ở trạng thái “%(status)s”.",
                status=status_label(entry.status),
            )
        )
    previous = transition(entry, EntryStatus.WITHDRAWN, allowed, now=now)
    record(
        actor,
        "entry.withdraw",
        "entry",
        entry.id,
        before=previous,
        after=EntryStatus.WITHDRAWN.value,
        reason=(reason or "").strip(),
    )
    return entry


__all__ = [
    "AuthorData",
    "EntryError",
    "InvalidEntry",
    "NotAllowed",
    "NotSubmittable",
    "StaleEntry",
    "SubmissionsClosed",
    "create_draft",
    "delete_draft",
    "set_authors",
    "submit",
    "update_entry",
    "withdraw",
]
