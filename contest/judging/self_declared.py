"""Conflicts a judge declares on an assigned entry (RULES.md §4: a judge never scores an entry
where they declared a conflict — same unit, relative, mentor).

The judge picks a reason from :data:`JUDGE_REASONS` and may add text; each reason maps onto a
:class:`.models.ConflictKind` and always names the entry it was declared on:

* ``relative`` (a relative of an author or the mentor) and ``other`` → ``entry``: this entry;
* ``same_unit`` → ``unit``: the entry's unit (so every entry of that unit), or ``entry`` when
  the entry names no unit;
* ``mentored`` → ``mentor``: the judge mentored this entry.

The text is required for ``other``. :func:`.conflicts.declare_conflict` records it with the
origin "declared" and removes the judge's assignments that now conflict (drafts deleted,
submitted sheets kept). Organizers then see each self-declared conflict with the entries
short of judges and a proposed replacement (:func:`.assigning.propose_replacement`).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts.models import User
from ..contests.models import Edition, Round
from ..entries.models import Entry
from ..extensions import db
from .assigning import propose_replacement
from .conflicts import ConflictRefused, declare_conflict
from .models import Assignment, Conflict, ConflictKind, ConflictOrigin

NOTE_MAX = 1000

#: Reason code → (label, conflict kind), in the order the judge sees them.
JUDGE_REASONS = {
    "relative": (_l("Người thân của tác giả hoặc người hướng dẫn"), ConflictKind.ENTRY),
    "same_unit": (_l("Cùng đơn vị (trường, cơ quan) với tác giả"), ConflictKind.UNIT),
    "mentored": (_l("Đã hướng dẫn hoặc góp ý cho hồ sơ này"), ConflictKind.MENTOR),
    "other": (_l("Lý do khác (ghi rõ)"), ConflictKind.ENTRY),
}


def reason_label(code: str) -> str:
    """The reason as people read it ("" for a conflict an organizer recorded)."""
    found = JUDGE_REASONS.get(code)
    return str(found[0]) if found else ""


def declare_on_entry(judge: User, entry: Entry, reason: str, text: str = "") -> Conflict:
    """``judge`` declares a conflict with ``entry`` for ``reason`` (module docstring); their
    conflicting assignments go. The caller checked that the judge may judge the entry.
    Raises :class:`.conflicts.ConflictRefused` with a message for the judge. Flushes."""
    text = " ".join((text or "").split())
    if reason not in JUDGE_REASONS:
        raise ConflictRefused(_l("Hãy chọn lý do xung đột."))
    if reason == "other" and not text:
        raise ConflictRefused(_l("Hãy ghi rõ lý do xung đột."))
    if len(text) > NOTE_MAX:
        raise ConflictRefused(_l("Phần ghi thêm dài quá %(n)d ký tự.", n=NOTE_MAX))
    kind = JUDGE_REASONS[reason][1]
    target: dict = {"entry": entry}
    if kind == ConflictKind.UNIT:
        if entry.unit_id is not None:
            target["unit"] = entry.unit
        elif (entry.unit_name or "").strip():
            target["name"] = entry.unit_name
        else:
            kind = ConflictKind.ENTRY  # no unit named: the entry itself
    conflict = declare_conflict(entry.edition, judge, kind.value, judge, note=text, **target)
    conflict.judge_reason = reason
    db.session.flush()
    return conflict


@dataclass
class SelfDeclaredRow:
    """A conflict a judge declared, for organizers: the entry, how many judges it has left in
    the round, and the judge proposed to replace (None: no panel judge is free of conflict)."""

    conflict: Conflict
    reason: str
    entry: Entry
    judges_now: int
    missing: int
    proposal: User | None


def self_declared_rows(edition: Edition, round_: Round) -> list[SelfDeclaredRow]:
    """The edition's self-declared conflicts (newest first), each with its entry's judges in
    ``round_`` and a replacement proposal while the entry is short of judges."""
    conflicts = db.session.scalars(
        select(Conflict)
        .where(
            Conflict.edition_id == edition.id,
            Conflict.origin == ConflictOrigin.DECLARED.value,
            Conflict.entry_id.is_not(None),
        )
        .order_by(Conflict.id.desc())
    ).all()
    entry_ids = {c.entry_id for c in conflicts}
    counts = dict(
        db.session.execute(
            select(Assignment.entry_id, func.count(Assignment.id))
            .where(Assignment.round_id == round_.id, Assignment.entry_id.in_(entry_ids))
            .group_by(Assignment.entry_id)
        ).all()
    )
    proposals: dict[int, User | None] = {}
    rows = []
    for conflict in conflicts:
        entry = conflict.entry
        now = counts.get(entry.id, 0)
        missing = max(edition.judges_per_entry - now, 0)
        if missing and entry.id not in proposals:
            proposals[entry.id] = propose_replacement(edition, round_, entry)
        rows.append(
            SelfDeclaredRow(
                conflict,
                reason_label(conflict.judge_reason),
                entry,
                now,
                missing,
                proposals.get(entry.id) if missing else None,
            )
        )
    return rows
