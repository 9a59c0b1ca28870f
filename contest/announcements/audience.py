"""Who an announcement reaches: the recipients of one audience of an edition, filtered by area
(the area and every area under it) and by field. Reads only.

* ``drafts`` — the owners of the edition's draft entries;
* ``submitted`` — the owners of its submitted or received entries;
* ``accepted_authors`` — for each accepted entry, its authors' addresses; an entry none of
  whose authors has a usable address reaches its owner instead;
* ``coordinators`` — the coordinators responsible for a matching entry (withdrawn ones
  aside): bound to the entry's area or to an area above it;
* ``all_coordinators`` — every coordinator bound to the filter's area, an area under it or
  above it (no filter: every coordinator); the field filter does not apply;
* ``judges`` — the judges sitting on the edition's panels (of the field, if filtered); the
  area filter does not apply.

Accounts must be active. Each address appears once (compared case-insensitively); missing
and malformed addresses are skipped and counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Role, User, UserRole
from ..areas.tree import ancestor_ids, descendant_ids
from ..entries.models import Entry, EntryStatus
from ..errors import UserError
from ..extensions import db
from ..judging.models import Panel, PanelMember
from .models import Audience


class AudienceError(UserError):
    """A filter that does not apply to the audience; ``problems`` are (input, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(m for _k, m in problems))


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    user_id: int | None = None


@dataclass
class Selection:
    """The recipients (sorted by address) and what was skipped."""

    recipients: list[Recipient] = field(default_factory=list)
    missing_address: int = 0
    invalid_address: int = 0

    @property
    def count(self) -> int:
        return len(self.recipients)


def normalized(raw: str | None) -> str | None:
    """The address to write to, or None when blank or malformed."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def check_filters(audience: Audience, area, field_) -> None:
    """Refuse a filter the audience has no use for (Vietnamese messages)."""
    problems = []
    if audience == Audience.JUDGES and area is not None:
        problems.append(("area", _("Giám khảo không gắn với địa bàn: hãy bỏ chọn địa bàn.")))
    if audience == Audience.ALL_COORDINATORS and field_ is not None:
        problems.append(
            ("field", _("Cán bộ đầu mối không gắn với lĩnh vực: hãy bỏ chọn lĩnh vực."))
        )
    if problems:
        raise AudienceError(problems)


def select_recipients(edition, audience: Audience | str, area=None, field_=None) -> Selection:
    """The recipients of ``audience`` in ``edition`` (module docstring)."""
    audience = Audience(audience)
    check_filters(audience, area, field_)
    builder = _Builder()
    if audience in (Audience.DRAFTS, Audience.SUBMITTED):
        statuses = (
            [EntryStatus.DRAFT.value]
            if audience == Audience.DRAFTS
            else [EntryStatus.SUBMITTED.value, EntryStatus.RECEIVED.value]
        )
        owners = select(Entry.owner_id).where(*_entry_filters(edition, area, field_, statuses))
        for user in _users(User.id.in_(owners)):
            builder.add(user.email, user.display_name, user.id)
    elif audience == Audience.ACCEPTED_AUTHORS:
        _accepted_authors(builder, edition, area, field_)
    elif audience == Audience.COORDINATORS:
        _coordinators_of_entries(builder, edition, area, field_)
    elif audience == Audience.ALL_COORDINATORS:
        areas = None
        if area is not None:
            areas = {area.id, *descendant_ids(area.id), *ancestor_ids(area.id)}
        _coordinators(builder, areas)
    else:
        seated = select(PanelMember.judge_id).join(Panel, Panel.id == PanelMember.panel_id)
        seated = seated.where(Panel.edition_id == edition.id)
        if field_ is not None:
            seated = seated.where(Panel.field_id == field_.id)
        for user in _users(User.id.in_(seated)):
            builder.add(user.email, user.display_name, user.id)
    return builder.selection()


def _entry_filters(edition, area, field_, statuses=None) -> list:
    """WHERE clauses: the edition's entries in ``area``'s subtree, of ``field_``."""
    clauses = [Entry.edition_id == edition.id]
    if statuses is not None:
        clauses.append(Entry.status.in_(statuses))
    if area is not None:
        clauses.append(Entry.area_id.in_({area.id, *descendant_ids(area.id)}))
    if field_ is not None:
        clauses.append(Entry.field_id == field_.id)
    return clauses


def _users(condition) -> list[User]:
    """Active accounts matching ``condition``, by id."""
    query = select(User).where(condition, User.is_active_account.is_(True)).order_by(User.id)
    return list(db.session.scalars(query))


def _accepted_authors(builder: _Builder, edition, area, field_) -> None:
    entries = db.session.scalars(
        select(Entry)
        .where(*_entry_filters(edition, area, field_, [EntryStatus.ACCEPTED.value]))
        .options(selectinload(Entry.authors), selectinload(Entry.owner))
        .order_by(Entry.id)
    )
    for entry in entries:
        for author in entry.authors:  # those without a usable address are counted
            builder.add(author.email, author.full_name)
        if any(normalized(a.email) for a in entry.authors):
            continue
        owner = entry.owner
        if owner is not None and owner.is_active_account:
            builder.add(owner.email, owner.display_name, owner.id)


def _coordinators_of_entries(builder: _Builder, edition, area, field_) -> None:
    """Coordinators bound to the area of a matching entry or to an area above it."""
    statuses = [s.value for s in EntryStatus if s != EntryStatus.WITHDRAWN]
    entry_areas = db.session.scalars(
        select(Entry.area_id)
        .where(*_entry_filters(edition, area, field_, statuses), Entry.area_id.is_not(None))
        .distinct()
    ).all()
    responsible: set[int] = set()
    for area_id in entry_areas:
        assert area_id is not None  # the query leaves out entries without an area
        responsible.add(area_id)
        responsible.update(ancestor_ids(area_id))
    if responsible:
        _coordinators(builder, responsible)


def _coordinators(builder: _Builder, area_ids: set[int] | None) -> None:
    """Active coordinators bound to one of ``area_ids`` (None: any area)."""
    bound = select(UserRole.user_id).where(UserRole.role == Role.COORDINATOR.value)
    if area_ids is not None:
        bound = bound.where(UserRole.area_id.in_(area_ids))
    for user in _users(User.id.in_(bound)):
        builder.add(user.email, user.display_name, user.id)


class _Builder:
    """Collects addresses once each (case-insensitively), counting the unusable ones."""

    def __init__(self):
        self.by_address: dict[str, Recipient] = {}
        self.missing = self.invalid = 0

    def add(self, raw: str | None, name: str, user_id: int | None = None) -> None:
        if not (raw or "").strip():
            self.missing += 1
            return
        address = normalized(raw)
        if address is None:
            self.invalid += 1
            return
        self.by_address.setdefault(address.casefold(), Recipient(address, name or "", user_id))

    def selection(self) -> Selection:
        ordered = [self.by_address[k] for k in sorted(self.by_address)]
        return Selection(ordered, self.missing, self.invalid)
