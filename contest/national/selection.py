"""National selection: which entries the province sends to the national contest, and what
they obtained there (RULES §6). No HTTP here; functions flush, never commit,
and take the acting user as a parameter; on ``NationalError`` the caller rolls back.

**Proposal** (``proposal``): the default rule, applied to the winners of the CURRENT
publication (``publish.latest_publication``: the version in force): highest prize first
(``prize_position`` ascending), then score descending (no score last), then entry code;
the first ``edition.national_max`` of them. ``national_max`` None (not set): no proposal —
the page says so and links to the edition's prize settings where it is set. The proposal does
not "fill up": removing a proposed entry leaves its place empty until an organizer adds
another one (an automatic replacement would change the list behind the organizer's back).

**Selection** (``selection``): the proposal with the organizers' active overrides applied
(``NationalChoice``): an *include* adds any published winner (a winner of the current
publication; an include of an entry that is no longer a winner has no effect and is shown as
a warning), an *exclude* removes an entry from the list. Every item says why it is there:
proposed #k, or added by whom and why; removed entries are listed with who removed them and
why. The list may exceed ``national_max`` after additions (organizers may override the rule):
the selection then carries a warning. Items are in the proposal's order (prize, score,
code), which is also the numbering of the dossier's folders.

**Overrides**: ``include`` (an entry not in the list), ``exclude`` (an entry in the list),
``undo`` (withdraw an active override: back to the proposal); a reason is always required;
each is audited (``national.include`` / ``national.exclude`` / ``national.undo``). An entry
removed may be added again (by undoing the removal, or by a new include).

**National results** (``record_result``): only for an entry in the selection; one per entry,
correctable; audited with before → after (``national.result``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..audit.operations import record
from ..contests.models import Edition
from ..errors import UserError
from ..extensions import db
from ..publication import operations as publish
from ..publication.models import Publication, PublishedEntry
from ..timeutil import utcnow
from .models import NationalChoice, NationalResult

REASON_MAX = 2000
RESULT_MAX = 200
NOTE_MAX = 2000


class NationalError(UserError):
    """An override or a national result is refused; ``message`` says why (translated)."""


def order_key(entry: PublishedEntry) -> tuple:
    """The default rule's order: prize level (highest first), score (highest first; none
    last), entry code."""
    score = Decimal(entry.score) if entry.score is not None else None
    return (
        entry.prize_position,
        score is None,
        -(score or Decimal(0)),
        entry.entry_code,
    )


@dataclass
class Item:
    """One winner of the current publication, as the national list sees it."""

    entry: PublishedEntry
    #: 1-based place in the proposal, None when the rule does not propose it.
    proposed: int | None
    #: The entry's active override, if any.
    choice: NationalChoice | None
    result: NationalResult | None = None
    #: 1-based number in the list sent (selected items only).
    number: int | None = None

    @property
    def selected(self) -> bool:
        """In the list: proposed and not removed, or added."""
        if self.choice is not None:
            return self.choice.include
        return self.proposed is not None

    @property
    def added(self) -> bool:
        """In the list because an organizer added it."""
        return self.choice is not None and self.choice.include

    def why(self) -> str:
        """Why the entry is (or is not) in the list, in words."""
        choice = self.choice
        if choice is None:
            if self.proposed is not None:
                return _("Đề xuất theo quy tắc (thứ %(k)d)", k=self.proposed)
            return ""
        who = _who(choice)
        if choice.include:
            return _("%(who)s bổ sung: %(reason)s", who=who, reason=choice.reason)
        return _("%(who)s loại khỏi danh sách: %(reason)s", who=who, reason=choice.reason)


@dataclass
class Selection:
    """Everything the national page and the dossier need about one edition."""

    edition: Edition
    publication: Publication | None
    national_max: int | None
    #: In the list, numbered, in the proposal's order.
    items: list[Item] = field(default_factory=list)
    #: Winners removed by an active exclude.
    removed: list[Item] = field(default_factory=list)
    #: Other winners (neither selected nor removed): the candidates to add.
    others: list[Item] = field(default_factory=list)
    #: Active includes of entries that are no longer winners (they have no effect).
    stale_choices: list[NationalChoice] = field(default_factory=list)
    #: National results of entries no longer in the list.
    orphan_results: list[NationalResult] = field(default_factory=list)
    #: The entries at the cut (last proposed, first not proposed) share prize and score.
    tie_at_cut: tuple[str, str] | None = None

    @property
    def over_limit(self) -> bool:
        """The list is longer than ``national_max`` (allowed, with a warning)."""
        return self.national_max is not None and len(self.items) > self.national_max

    def item_for(self, entry_id: int) -> Item | None:
        """The item of ``entry_id`` (selected, removed or other), if it is a winner."""
        for item in (*self.items, *self.removed, *self.others):
            if item.entry.entry_id == entry_id:
                return item
        return None


def _who(choice: NationalChoice) -> str:
    user = choice.decided_by
    return user.display_name if user is not None else _("Ban Tổ chức")


# ---------------------------------------------------------------- reading


def winners(publication: Publication | None) -> list[PublishedEntry]:
    """The winners of ``publication`` in the default rule's order."""
    if publication is None:
        return []
    return sorted(publication.entries, key=order_key)


def proposal(edition: Edition) -> list[PublishedEntry]:
    """The default rule's proposal (module docstring): at most ``national_max`` winners of
    the current publication; none while ``national_max`` is not set."""
    if edition.national_max is None:
        return []
    return winners(publish.latest_publication(edition))[: edition.national_max]


def active_choices(edition: Edition) -> dict[int, NationalChoice]:
    """The active override per entry id of ``edition``."""
    rows = db.session.scalars(
        select(NationalChoice)
        .where(NationalChoice.edition_id == edition.id, NationalChoice.superseded_at.is_(None))
        .options(selectinload(NationalChoice.decided_by), selectinload(NationalChoice.entry))
    )
    return {c.entry_id: c for c in rows}


def choice_history(edition: Edition) -> list[NationalChoice]:
    """Every override of ``edition``, newest first."""
    return list(
        db.session.scalars(
            select(NationalChoice)
            .where(NationalChoice.edition_id == edition.id)
            .options(selectinload(NationalChoice.entry), selectinload(NationalChoice.decided_by))
            .order_by(NationalChoice.decided_at.desc(), NationalChoice.id.desc())
        )
    )


def results(edition: Edition) -> dict[int, NationalResult]:
    """The national result per entry id of ``edition``."""
    rows = db.session.scalars(
        select(NationalResult)
        .where(NationalResult.edition_id == edition.id)
        .options(selectinload(NationalResult.entry))
    )
    return {r.entry_id: r for r in rows}


def selection(edition: Edition) -> Selection:
    """The proposal with the active overrides applied (module docstring)."""
    publication = publish.latest_publication(edition)
    out = Selection(edition, publication, edition.national_max)
    ordered = winners(publication)
    cap = edition.national_max
    proposed = ordered[:cap] if cap is not None else []
    choices = active_choices(edition)
    recorded = results(edition)
    for k, entry in enumerate(ordered, start=1):
        item = Item(
            entry,
            k if k <= len(proposed) else None,
            choices.get(entry.entry_id),
            recorded.get(entry.entry_id),
        )
        if item.selected:
            out.items.append(item)
        elif item.choice is not None:
            out.removed.append(item)
        else:
            out.others.append(item)
    for number, item in enumerate(out.items, start=1):
        item.number = number
    winner_ids = {e.entry_id for e in ordered}
    out.stale_choices = [c for c in choices.values() if c.include and c.entry_id not in winner_ids]
    selected_ids = {i.entry.entry_id for i in out.items}
    out.orphan_results = [r for eid, r in recorded.items() if eid not in selected_ids]
    if cap and len(ordered) > cap:
        last, first_out = ordered[cap - 1], ordered[cap]
        if (last.prize_position, last.score) == (first_out.prize_position, first_out.score):
            out.tie_at_cut = (last.entry_code, first_out.entry_code)
    return out


# ---------------------------------------------------------------- overrides


def _reason(reason: str | None, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise NationalError(message)
    if len(reason) > REASON_MAX:
        raise NationalError(_("Lý do tối đa %(max)d ký tự.", max=REASON_MAX))
    return reason


def _supersede(choice: NationalChoice | None, actor, now) -> None:
    if choice is not None:
        choice.superseded_at = now
        choice.superseded_by_id = getattr(actor, "id", None)


def _add_choice(edition: Edition, item: Item, include: bool, reason: str, actor) -> NationalChoice:
    """Supersede the entry's active override and add the new one; audited."""
    now = utcnow()
    before = item.selected
    _supersede(item.choice, actor, now)
    choice = NationalChoice(
        edition_id=edition.id,
        entry_id=item.entry.entry_id,
        include=include,
        reason=reason,
        decided_by_id=getattr(actor, "id", None),
        decided_at=now,
    )
    db.session.add(choice)
    _flush()
    record(
        actor,
        "national.include" if include else "national.exclude",
        "entry",
        item.entry.entry_id,
        edition=edition.slug,
        entry=item.entry.entry_code,
        proposed=item.proposed,
        before="selected" if before else "not selected",
        after="selected" if include else "not selected",
        reason=reason,
        choice=choice.id,
        superseded=item.choice.id if item.choice is not None else None,
    )
    return choice


def _flush() -> None:
    """Flush; a concurrent override of the same entry (unique active choice) is refused
    (the caller rolls back on ``NationalError``, as on any refusal)."""
    try:
        db.session.flush()
    except IntegrityError:
        raise NationalError(
            _("Danh sách vừa được người khác thay đổi. Hãy tải lại trang và thử lại.")
        ) from None


def include(edition: Edition, entry_id: int, reason: str, actor) -> NationalChoice:
    """Add a published winner that is not in the list; a reason is required."""
    reason = _reason(reason, _("Hãy ghi lý do bổ sung sản phẩm vào danh sách."))
    item = selection(edition).item_for(entry_id)
    if item is None:
        raise NationalError(_("Chỉ chọn được sản phẩm đạt giải trong kết quả đã công bố."))
    if item.selected:
        raise NationalError(
            _("Sản phẩm %(code)s đã có trong danh sách.", code=item.entry.entry_code)
        )
    return _add_choice(edition, item, True, reason, actor)


def exclude(edition: Edition, entry_id: int, reason: str, actor) -> NationalChoice:
    """Remove an entry from the list; a reason is required."""
    reason = _reason(reason, _("Hãy ghi lý do loại sản phẩm khỏi danh sách."))
    item = selection(edition).item_for(entry_id)
    if item is None or not item.selected:
        raise NationalError(_("Sản phẩm này không có trong danh sách gửi dự thi toàn quốc."))
    return _add_choice(edition, item, False, reason, actor)


def undo(edition: Edition, choice_id: int, reason: str, actor) -> NationalChoice:
    """Withdraw an active override (the entry goes back to the proposal); reason required."""
    reason = _reason(reason, _("Hãy ghi lý do hủy thay đổi."))
    choice = db.session.get(NationalChoice, choice_id)
    if choice is None or choice.edition_id != edition.id or not choice.active:
        raise NationalError(_("Thay đổi này không còn hiệu lực."))
    choice.superseded_at = utcnow()
    choice.superseded_by_id = getattr(actor, "id", None)
    choice.undo_reason = reason
    db.session.flush()
    record(
        actor,
        "national.undo",
        "entry",
        choice.entry_id,
        edition=edition.slug,
        choice=choice.id,
        include=choice.include,
        reason=reason,
    )
    return choice


# ---------------------------------------------------------------- national results


def record_result(edition: Edition, entry, result: str, note: str, actor) -> NationalResult:
    """Record (or correct) the national result of ``entry`` (an Entry or its id), which must
    be in the selection; audited with before → after."""
    entry_id = getattr(entry, "id", entry)
    result = " ".join((result or "").split())
    note = (note or "").strip()
    if not result:
        raise NationalError(_("Hãy ghi kết quả tại cuộc thi toàn quốc."))
    if len(result) > RESULT_MAX:
        raise NationalError(_("Kết quả tối đa %(max)d ký tự.", max=RESULT_MAX))
    if len(note) > NOTE_MAX:
        raise NationalError(_("Ghi chú tối đa %(max)d ký tự.", max=NOTE_MAX))
    item = selection(edition).item_for(entry_id)
    if item is None or not item.selected:
        raise NationalError(
            _("Chỉ ghi kết quả cho sản phẩm có trong danh sách gửi dự thi toàn quốc.")
        )
    row = db.session.scalar(
        select(NationalResult).where(
            NationalResult.edition_id == edition.id, NationalResult.entry_id == entry_id
        )
    )
    before = {"result": row.result, "note": row.note} if row is not None else None
    after = {"result": result, "note": note}
    if before == after:
        raise NationalError(_("Kết quả không thay đổi."))
    now = utcnow()
    if row is None:
        row = NationalResult(edition_id=edition.id, entry_id=entry_id)
        db.session.add(row)
    row.result, row.note = result, note
    row.recorded_by_id = getattr(actor, "id", None)
    row.recorded_at = now
    try:
        db.session.flush()
    except IntegrityError:
        raise NationalError(
            _("Kết quả vừa được người khác ghi. Hãy tải lại trang và thử lại.")
        ) from None
    record(
        actor,
        "national.result",
        "entry",
        entry_id,
        edition=edition.slug,
        entry=item.entry.entry_code,
        before=before,
        after=after,
    )
    return row
