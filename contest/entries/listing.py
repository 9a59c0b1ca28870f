"""What the entry pages share: the filtered list (organizers and coordinators), the XLSX
export of that list, an entry's history from the audit log, and the editions an entrant may
enter now. Reading only; who sees what is decided by :mod:`.access` (through
:mod:`.queries`), never here."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import display
from ..areas.tree import area_choices, descendant_ids
from ..audit.models import AuditEntry
from ..contests.deadlines import deadline_for, edition_phase
from ..contests.models import Edition
from ..contests.timeline import Phase
from ..extensions import db
from . import access, completeness, exports
from .forms import FilterForm, options
from .models import Entry, EntryStatus
from .queries import SORTS, EntryFilters, entry_page
from .states import status_label

STATUS_COLOURS = {
    "draft": "secondary",
    "submitted": "primary",
    "received": "info",
    "accepted": "success",
    "rejected": "danger",
    "withdrawn": "dark",
}
NOT_DRAFT = tuple(s.value for s in EntryStatus if s != EntryStatus.DRAFT)
ALL = "all"
PER_PAGE = 25

# What each action on an entry did: contest.display.AUDIT_PHRASES (one place for audit words).


def status_colour(status: str) -> str:
    """The Bootstrap colour of a status badge."""
    return STATUS_COLOURS.get(status, "secondary")


# --- Editions --------------------------------------------------------------------------------


def all_editions() -> list[Edition]:
    """Every edition, the latest deadline first."""
    stmt = select(Edition).order_by(Edition.submission_deadline.desc(), Edition.id.desc())
    return list(db.session.execute(stmt.options(selectinload(Edition.extensions))).scalars())


def default_edition(editions: list[Edition]) -> Edition | None:
    """The edition a list shows first: the latest one not archived."""
    return next((e for e in editions if e.archived_at is None), editions[0] if editions else None)


@dataclass
class OpenEdition:
    """An edition that takes entries from an area now, and until when."""

    edition: Edition
    deadline: datetime


def open_editions(area, now: datetime) -> list[OpenEdition]:
    """The editions taking entries from ``area`` (None: the whole edition's deadline) now,
    the nearest deadline first."""
    found = [
        OpenEdition(e, deadline_for(e, area))
        for e in all_editions()
        if edition_phase(e, now, area) == Phase.OPEN
    ]
    return sorted(found, key=lambda o: o.deadline)


# --- Lists -----------------------------------------------------------------------------------


def status_choices() -> list[tuple[str, str]]:
    """The status filter: everything but drafts (default), everything, or one status."""
    return [("", _("Đã nộp (trừ bản nháp)")), (ALL, _("Tất cả, kể cả bản nháp"))] + [
        (s.value, status_label(s.value)) for s in EntryStatus
    ]


def area_filter_choices(root_area_id: int | None) -> list[tuple[str, str]]:
    """The area filter's choices: the whole tree, or the subtree of ``root_area_id``."""
    choices = area_choices()
    if root_area_id is not None:
        allowed = descendant_ids(root_area_id)
        choices = [(i, label) for i, label in choices if i in allowed]
    return [("", _("Tất cả địa bàn"))] + [(str(i), label) for i, label in choices]


@dataclass
class ListPage:
    """One page of a filtered entry list and what its template needs."""

    form: FilterForm
    filters: EntryFilters
    edition: Edition | None
    pagination: Any
    missing: dict[int, list[str]]
    args: dict[str, str]

    def url(self, endpoint: str, **changes) -> str:
        """``endpoint`` with the current filters, changed by ``changes`` (None drops one)."""
        args = {**self.args, **changes}
        return url_for(endpoint, **{k: v for k, v in args.items() if v not in (None, "")})

    def sort_url(self, endpoint: str, key: str) -> str:
        """The list sorted by ``key``; the current sort key flips its direction."""
        current = self.filters.sort or "code"
        target = f"-{key}" if current == key else key
        return self.url(endpoint, sort=target, page=None)

    def sort_mark(self, key: str) -> str:
        """An arrow after the current sort column's header."""
        current = self.filters.sort or "code"
        if current.lstrip("-") != key:
            return ""
        return "↓" if current.startswith("-") else "↑"


def _clean_sort(value: str | None) -> str:
    """A known sort key (``-`` in front for descending), else ``code``."""
    value = (value or "").strip()
    return value if value.lstrip("-") in SORTS else "code"


def build_list(user, args, *, root_area_id: int | None = None) -> ListPage:
    """The list page for ``user`` from the query ``args``; ``root_area_id`` limits the area
    filter's choices (a coordinator's area). Visibility is the domain's (``user``)."""
    editions = all_editions()
    form = FilterForm(formdata=args)
    form.edition.choices = options(
        [("", _("Tất cả các lần thi"))] + [(e.id, e.title) for e in editions]
    )
    form.status.choices = options(status_choices())
    form.area.choices = options(area_filter_choices(root_area_id))
    by_id: dict[int | None, Edition] = {e.id: e for e in editions}
    edition = by_id.get(_int(args.get("edition")))
    if "edition" not in args:
        edition = default_edition(editions)
        form.edition.data = edition.id if edition else None
    fields = edition.fields if edition else []
    boards = edition.boards if edition else []
    form.field.choices = options([("", _("Tất cả lĩnh vực"))] + [(f.id, f.name) for f in fields])
    form.board.choices = options([("", _("Tất cả các bảng"))] + [(b.id, b.name) for b in boards])
    form.validate()
    field_id = _valid(form.field) if edition else None
    board_id = _valid(form.board) if edition else None
    status = args.get("status", "")
    statuses: tuple[str, ...] = NOT_DRAFT
    if status == ALL:
        statuses = ()
    elif status in EntryStatus._value2member_map_:
        statuses = (status,)
    filters = EntryFilters(
        edition_id=edition.id if edition else None,
        field_id=field_id,
        board_id=board_id,
        area_id=_valid(form.area),
        statuses=statuses,
        q=(form.q.data or "")[:200],
        sort=_clean_sort(args.get("sort")),
    )
    page = max(1, _int(args.get("page")) or 1)
    pagination = entry_page(user, filters, page, PER_PAGE)
    missing = completeness.missing_kinds_by_entry(pagination.items)
    kept = {
        "edition": str(edition.id) if edition else "",
        "field": str(field_id or ""),
        "board": str(board_id or ""),
        "area": str(filters.area_id or ""),
        "status": status if status == ALL or status in EntryStatus._value2member_map_ else "",
        "q": filters.q,
        "sort": filters.sort if filters.sort != "code" else "",
        "page": str(pagination.page) if pagination.page > 1 else "",
    }
    return ListPage(form, filters, edition, pagination, missing, kept)


def _int(value) -> int | None:
    """``value`` as an int, or None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _valid(field) -> int | None:
    """A select's id, unless it was refused."""
    return None if field.errors else field.data


def export_response(user, page: ListPage):
    """The filtered list (every page) as an XLSX download."""
    buffer = io.BytesIO()
    filters = page.filters
    exports.export_for_user(buffer, user, filters)
    buffer.seek(0)
    stem = page.edition.slug if page.edition else "tat-ca"
    return send_file(
        buffer,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"ho-so-{stem}.xlsx",
        max_age=0,
    )


def entries_by_ids(user, ids) -> list[Entry]:
    """The entries among ``ids`` that ``user`` may see, in the order given."""
    wanted = [i for i in (_int(v) for v in ids) if i is not None]
    if not wanted:
        return []
    found = {
        e.id: e
        for e in db.session.execute(
            access.visible_entries(user).where(Entry.id.in_(wanted))
        ).scalars()
    }
    return [found[i] for i in dict.fromkeys(wanted) if i in found]


# --- History ---------------------------------------------------------------------------------


@dataclass
class HistoryItem:
    """One audited change of an entry, as the detail page shows it."""

    at: datetime
    actor: str
    label: str
    before: str | None
    after: str | None
    reason: str


def history(entry: Entry) -> list[HistoryItem]:
    """The entry's audit log, oldest first; status changes carry both statuses."""
    rows = db.session.execute(
        select(AuditEntry)
        .where(AuditEntry.object_type == "entry", AuditEntry.object_id == str(entry.id))
        .order_by(AuditEntry.at, AuditEntry.id)
        .options(selectinload(AuditEntry.actor))
    ).scalars()
    items = []
    for row in rows:
        details = row.details or {}
        before, after = details.get("before"), details.get("after")
        # A status change names two statuses (never empty texts).
        new_status = (
            after if isinstance(after, str) and after in EntryStatus._value2member_map_ else None
        )
        items.append(
            HistoryItem(
                at=row.at,
                actor=row.actor_label,
                label=display.capitalized(display.audit_phrase(row.action, details)),
                before=status_label(before) if new_status and before else None,
                after=status_label(new_status) if new_status else None,
                reason=str(details.get("reason") or ""),
            )
        )
    return items
