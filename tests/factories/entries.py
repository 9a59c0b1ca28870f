"""Entries, their authors and attachments, and the per-field code counters.

:func:`make_entry` writes an entry directly, at any status, as an import would leave it
(``source`` ``import``); :func:`make_draft` goes through the entrant's operations
(:func:`contest.entries.operations.create_draft`, ``set_authors``, ``submit``)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from contest.accounts.models import Role
from contest.contests.models import ContestKind, Edition
from contest.entries.models import Attachment, Author, Entry, EntryCodeCounter, EntryStatus
from contest.timeutil import LOCAL_TZ, utcnow

from .accounts import make_user
from .base import apply, done, save, seq
from .contests import make_edition

#: Born inside the youth band (6–19) for any deadline from 2019 to 2031.
CHILD = date(2012, 5, 4)
AUTHOR = "Nguyễn Văn Tác Giả"


def _field(edition: Edition, code: str | None):
    if code is None:
        return edition.fields[0]
    field = edition.field_by_code(code)
    if field is None:
        raise ValueError(f"{edition.slug} has no field {code!r}")
    return field


def _author(position: int, item, organisation: str) -> Author:
    """An author from a full name or a dict of columns (first author: representative)."""
    values = {"full_name": item, "organisation": organisation} if isinstance(item, str) else item
    return Author(**{"position": position, "is_representative": position == 1, **values})


def make_entry(
    edition: Edition | None = None,
    code: str | None = None,
    field: str | None = None,
    *,
    status: str = EntryStatus.ACCEPTED,
    source: str = "import",
    title: str | None = None,
    summary: str = "Tóm tắt giải pháp.",
    authors: Sequence[str | Mapping] = (AUTHOR,),
    organisation: str = "",
    area=None,
    unit=None,
    owner=None,
    board=None,
    commit: bool = True,
    **attrs,
) -> Entry:
    """An entry of ``edition`` (a new technical edition when absent) in ``field`` (code; the
    edition's first field when absent), written directly. Past the draft stage it gets
    ``code`` (``<field>-<n>`` when absent); a draft keeps ``code`` None unless given.
    ``authors``: full names (with ``organisation``) or dicts of author columns, the first
    one representative unless a dict says otherwise. ``attrs``: other columns
    (``unit_name``, ``mentor_name``, ``submitted_at`` …)."""
    edition = edition or make_edition(commit=commit)
    field_row = _field(edition, field)
    status = str(status)
    if code is None and status != EntryStatus.DRAFT:
        code = f"{field_row.code}-{seq():03d}"
    entry = Entry(
        edition_id=edition.id,
        code=code,
        title=title or f"Giải pháp {code or seq()}",
        field_id=field_row.id,
        summary=summary,
        area_id=area.id if area is not None else None,
        unit_id=unit.id if unit is not None else None,
        owner_id=owner.id if owner is not None else None,
        board_id=board.id if board is not None else None,
        status=status,
        source=source,
    )
    apply(entry, attrs)
    for position, item in enumerate(authors, start=1):
        entry.authors.append(_author(position, item, organisation))
    return save(entry, commit)


def make_author(
    entry: Entry | None = None,
    full_name: str = "Trần Thị Đồng Tác Giả",
    *,
    position: int | None = None,
    commit: bool = True,
    **attrs,
) -> Author:
    """One more author of ``entry`` (last; never the representative unless ``attrs`` say
    so); ``attrs``: ``date_of_birth``, ``gender``, ``email`` …"""
    entry = entry or make_entry(commit=commit)
    if position is None:
        position = max((a.position for a in entry.authors), default=0) + 1
    author = Author(position=position, full_name=full_name)
    apply(author, attrs)
    entry.authors.append(author)
    done(commit)
    return author


def make_attachment(
    entry: Entry | None = None,
    kind: str = "description",
    *,
    content: bytes | None = None,
    content_type: str = "application/pdf",
    original_name: str | None = None,
    category: str = "attachments",
    commit: bool = True,
    **attrs,
) -> Attachment:
    """An attachment of ``entry`` of ``kind``. Without ``content`` only its row exists (a
    fake key, 1234 bytes, digest of zeros: what list pages need); with ``content`` the bytes
    are stored (:mod:`contest.storage`, under ``category``) and the row describes them."""
    entry = entry or make_entry(commit=commit)
    if content is None:
        token = secrets.token_hex(16)
        key, size, digest = f"entries/{token[:2]}/{token}.pdf", 1234, "0" * 64
    else:
        from contest.storage import get_storage

        stored = get_storage().save_bytes(content, category, content_type)
        key, size, digest = stored.key, stored.size, stored.sha256
        content_type = stored.content_type
    attachment = Attachment(
        kind=kind,
        original_name=original_name or f"{kind}.pdf",
        storage_key=key,
        content_type=content_type,
        size_bytes=size,
        sha256=digest,
    )
    apply(attachment, attrs)
    entry.attachments.append(attachment)
    done(commit)
    return attachment


def attach_required(entry: Entry) -> None:
    """Give ``entry`` one (metadata only) attachment of every kind its checklist requires;
    flushes."""
    for kind in entry.field.required_attachments:
        make_attachment(entry, kind, commit=False)


def make_entry_code_counter(
    edition: Edition | None = None,
    field_code: str | None = None,
    next_number: int = 1,
    *,
    commit: bool = True,
) -> EntryCodeCounter:
    """The code counter of one field of ``edition`` (its first field when absent)."""
    edition = edition or make_edition(commit=commit)
    field_code = field_code or edition.fields[0].code
    row = EntryCodeCounter(edition_id=edition.id, field_code=field_code, next_number=next_number)
    return save(row, commit)


def default_author():
    """The one author a complete draft gets: a girl of the youth band, representative."""
    from contest.entries.operations import AuthorData

    return AuthorData("Nguyễn Minh Anh", CHILD, "F", phone="0912345678", is_representative=True)


def open_now_edition(kind: str = ContestKind.YOUTH, *, commit: bool = True, **options) -> Edition:
    """An edition opened 10 days ago whose deadline is 17:00 (Vietnam time) in 20 days."""
    day = (utcnow().astimezone(LOCAL_TZ) + timedelta(days=20)).date()
    deadline = datetime.combine(day, datetime.min.time().replace(hour=17), tzinfo=LOCAL_TZ)
    return make_edition(
        kind, deadline=deadline, opens_at=utcnow() - timedelta(days=10), commit=commit, **options
    )


def make_draft(
    edition: Edition | None = None,
    owner=None,
    *,
    title: str = "Thước đo đa năng",
    field: str | None = None,
    area=None,
    complete: bool = True,
    authors=None,
    submit: bool = False,
    now: datetime | None = None,
    commit: bool = True,
    **values,
) -> Entry:
    """A draft of ``owner`` (a new entrant when absent) in ``edition`` (a youth edition open
    now when absent) made through :func:`contest.entries.operations.create_draft` at ``now``.
    ``values``: more registration data (``unit_name``, ``area_name``, ``mentor_name`` …).
    ``complete``: a unit name, an area (typed, when ``area`` is absent), the application data
    of a technical edition, ``authors`` (``AuthorData``; one representative child by default)
    and the required attachments (metadata only), ready to submit; ``submit``: submitted too
    (it gets its code)."""
    from contest.entries import operations

    edition = edition or open_now_edition(commit=commit)
    owner = owner or make_user(roles=(Role.ENTRANT,), full_name="Lê Thị Dự Thi", commit=commit)
    data = {"title": title, "field_id": _field(edition, field).id}
    if area is not None:
        data["area_id"] = area.id
    if complete:
        data["unit_name"] = "Trường THCS Yên Sơn"
        if area is None:
            data["area_name"] = "Địa bàn ngoài danh sách"
        if edition.kind == ContestKind.TECHNICAL:
            data["applied_at"] = date(2024, 3, 1)
            data["applied_where"] = "Nhà máy xi măng"
    data.update(values)
    entry = operations.create_draft(edition, owner, data, now=now)
    if complete:
        operations.set_authors(entry, owner, authors or [default_author()], now=now)
        attach_required(entry)
    if submit:
        operations.submit(entry, owner, now=now)
    done(commit)
    return entry
