"""Entries and their attachments, as the pages show them to their owner, the coordinators of
their area and organizers (:mod:`contest.entries.access` decides, through
:func:`contest.entries.queries.entries_select` and the loaders). Judges see no entry here:
their blind view is under ``/judge`` (:mod:`.views_judging`).

* ``GET /entries`` — filters (edition, status, field, area, text), cursor pagination by id;
* ``GET /entries/<id>``;
* ``POST /editions/<slug>/entries/import`` — the FORMATS.md entries file (CSV or XLSX, the
  raw request body), all or nothing with the command line's row messages (organizers);
* ``GET /attachments/<id>`` and ``GET /attachments/<id>/content`` — metadata and download.
"""

from __future__ import annotations

import io

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..entries import access, attachments
from ..entries.attachment_views import _send as send_stored  # the one place for file headers
from ..entries.imports import ImportFailed, import_entries
from ..entries.models import Attachment, Entry
from ..entries.queries import EntryFilters, entries_select
from ..extensions import db
from . import schemas
from .core import bp, decode_cursor, encode_cursor, json_answer, operation
from .problems import Problem
from .views_editions import _moment, load_edition

IMPORT_MAX_BYTES = 20 * 1024 * 1024
SPREADSHEET_TYPES = {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    },
}


def entry_json(entry: Entry) -> dict:
    """An entry as its owner, coordinators and organizers see it."""
    return {
        "id": entry.id,
        "edition": entry.edition.slug,
        "code": entry.code,
        "title": entry.title,
        "status": entry.status,
        "field": entry.field.code,
        "board": entry.board.code if entry.board is not None else None,
        "area": entry.area.name if entry.area is not None else (entry.area_name or ""),
        "unit_name": entry.unit_name or "",
        "summary": entry.summary or "",
        "submitted_at": _moment(entry.submitted_at),
        "updated_at": _moment(entry.updated_at),
        "authors": [
            {
                "full_name": a.full_name,
                "date_of_birth": a.date_of_birth.isoformat() if a.date_of_birth else None,
                "gender": a.gender or "",
            }
            for a in entry.authors
        ],
        "attachments": [a.id for a in entry.attachments],
    }


@bp.get("/entries")
@operation(
    summary="Danh sách hồ sơ",
    tags=("entries",),
    query=schemas.EntryListQuery,
    response=schemas.EntryPageSchema,
    errors=(400, 404),
)
def entries():
    """The entries the caller may see (the pages' rule), by id; ``next_cursor`` continues
    the list (null on the last page)."""
    args = g.query
    filters = EntryFilters(q=args["q"], statuses=tuple(args.get("status") or ()))
    if "edition" in args:
        edition = load_edition(args["edition"])
        filters.edition_id = edition.id
        if "field" in args:
            field = edition.field_by_code(args["field"])
            if field is None:
                raise Problem(400, _("Không có lĩnh vực này trong lần thi."), code="unknown-field")
            filters.field_id = field.id
    elif "field" in args:
        raise Problem(400, _("Hãy chọn lần thi khi lọc theo lĩnh vực."), code="field-needs-edition")
    filters.area_id = args.get("area_id")
    after = decode_cursor(args.get("cursor"))
    limit = args["limit"]
    stmt = (
        entries_select(current_user, filters)
        .order_by(None)
        .order_by(Entry.id)
        .where(Entry.id > after)
        .limit(limit + 1)
    )
    found = list(db.session.scalars(stmt))
    more = len(found) > limit
    found = found[:limit]
    return json_answer(
        {
            "items": [entry_json(e) for e in found],
            "next_cursor": encode_cursor(found[-1].id) if more else None,
        }
    )


@bp.get("/entries/<int:entry_id>")
@operation(
    summary="Một hồ sơ",
    tags=("entries",),
    response=schemas.EntrySchema,
    errors=(404,),
)
def entry(entry_id: int):
    """One entry (404 when the caller may not see it: another area does not exist)."""
    return json_answer(entry_json(access.load_entry(entry_id, current_user)))


@bp.post("/editions/<slug>/entries/import")
@operation(
    summary="Nhập hồ sơ từ tệp (CSV/XLSX)",
    tags=("entries",),
    scope="write",
    roles=(Role.ORGANIZER,),
    query=schemas.ImportQuery,
    body=SPREADSHEET_TYPES,
    response=schemas.ImportResultSchema,
    errors=(403, 404, 413, 422),
)
def import_entries_file(slug: str):
    """The FORMATS.md entries file as the request body: all or nothing; every problem is
    listed with its row and column, as ``contest entries import`` prints them."""
    edition = load_edition(slug)
    if request.content_length is not None and request.content_length > IMPORT_MAX_BYTES:
        raise Problem(413)
    data = request.get_data(cache=False)
    if len(data) > IMPORT_MAX_BYTES:
        raise Problem(413)
    try:
        result = import_entries(edition, io.BytesIO(data), g.query["filename"], current_user)
    except access.NotAllowed as exc:
        raise Problem(403, str(exc.message)) from None
    except ImportFailed as exc:
        db.session.rollback()
        raise Problem(
            422,
            _("Không có gì được ghi."),
            code="import-failed",
            errors=[str(p) for p in exc.problems],
        ) from None
    db.session.commit()
    return json_answer(
        {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        conditional=False,
    )


def attachment_json(attachment: Attachment, name: str, withheld: bool = False) -> dict:
    """An attachment's metadata (``name``: what the caller downloads it as)."""
    return {
        "id": attachment.id,
        "entry_id": attachment.entry_id,
        "kind": attachment.kind,
        "name": name,
        "content_type": attachment.content_type,
        "size_bytes": attachment.size_bytes,
        "withheld": withheld,
    }


@bp.get("/attachments/<int:attachment_id>")
@operation(
    summary="Thông tin tệp đính kèm",
    tags=("attachments",),
    response=schemas.AttachmentSchema,
    errors=(404,),
)
def attachment(attachment_id: int):
    """An attachment of an entry the caller may see (owner, coordinators, organizers)."""
    found = attachments.load_attachment(attachment_id, current_user)
    return json_answer(attachment_json(found, attachments.download_name(found, current_user)))


@bp.get("/attachments/<int:attachment_id>/content")
@operation(
    summary="Tải tệp đính kèm",
    tags=("attachments",),
    content="*/*",
    errors=(404,),
)
def attachment_content(attachment_id: int):
    """The file, as a download (the pages' headers: ``nosniff``, sandboxing CSP)."""
    found = attachments.load_attachment(attachment_id, current_user)
    return send_stored(
        found.storage_key,
        found.content_type,
        attachments.download_name(found, current_user),
        as_attachment=True,
    )
