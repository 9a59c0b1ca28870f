"""Editions and their publications.

* ``GET /editions`` — organizers see every edition, everyone else the public ones
  (:func:`contest.contests.pages_support.public_editions`: not drafts);
* ``GET /editions/<slug>`` — one edition, through the same loaders as the pages;
* ``GET /editions/<slug>/definition`` — the FORMATS.md definition (organizers);
* ``POST /editions`` — create an edition from a definition, all or nothing, every problem
  listed with its key path (organizers, write scope; ``?confirm=true`` accepts warnings);
* ``GET /editions/<slug>/publications`` — the published versions of the results (public, as
  the public results pages).
"""

from __future__ import annotations

import json

from flask import g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..contests import operations, timeline
from ..contests import pages_support as support
from ..contests.definition import export_edition
from ..contests.models import Edition
from ..contests.validation import InvalidEdition
from ..extensions import db
from ..publication import operations as publish
from ..timeutil import utcnow
from . import schemas
from .core import PUBLIC, bp, json_answer, operation
from .problems import Problem

DEFINITION_MAX_BYTES = 1024 * 1024


def edition_json(edition: Edition, now=None) -> dict:
    """An edition as the API shows it."""
    now = now or utcnow()
    return {
        "slug": edition.slug,
        "title": edition.title,
        "number": edition.number,
        "kind": edition.kind,
        "phase": str(timeline.phase(edition, now)),
        "opens_at": _moment(edition.opens_at),
        "submission_deadline": _moment(edition.submission_deadline),
        "judging_starts_at": _moment(edition.judging_starts_at),
        "judging_ends_at": _moment(edition.judging_ends_at),
        "fields": [{"id": f.id, "code": f.code, "name": f.name} for f in edition.fields],
        "rounds": [
            {"id": r.id, "code": r.code, "name": r.name, "position": r.position}
            for r in edition.rounds
        ],
    }


def _moment(value):
    return value.isoformat() if value is not None else None


def is_organizer() -> bool:
    """True when the token's owner is an organizer (or an admin)."""
    return current_user.is_authenticated and current_user.has_role(Role.ORGANIZER)


def load_edition(slug: str) -> Edition:
    """The edition ``slug`` as the caller may see it: any phase for organizers, the public
    ones for everyone else (404 otherwise) — the pages' two loaders."""
    if is_organizer():
        return support.edition_or_404(slug)
    return support.public_edition_or_404(slug, utcnow())


@bp.get("/editions")
@operation(
    summary="Danh sách lần thi",
    tags=("editions",),
    query=schemas.EditionListQuery,
    response=schemas.EditionListSchema,
)
def editions():
    """Organizers see every edition, other roles the public ones (not drafts)."""
    now = utcnow()
    q = g.query["q"].strip()
    if is_organizer():
        found = list(support.organizer_editions(q, 1, 1000).items)
    else:
        current, past = support.public_editions(now, q, 1, 1000)
        found = [*current, *past.items]
    return json_answer({"items": [edition_json(e, now) for e in found]})


@bp.get("/editions/<slug>")
@operation(
    summary="Một lần thi",
    tags=("editions",),
    response=schemas.EditionSchema,
    errors=(404,),
)
def edition(slug: str):
    """One edition (a draft exists for organizers only)."""
    return json_answer(edition_json(load_edition(slug)))


@bp.get("/editions/<slug>/definition")
@operation(
    summary="Xuất định nghĩa lần thi (FORMATS.md)",
    tags=("editions",),
    roles=(Role.ORGANIZER,),
    response={"type": "object", "additionalProperties": True},
    errors=(403, 404),
)
def definition(slug: str):
    """The edition's definition, as ``contest edition export`` writes it (round-trips with
    ``POST /editions``)."""
    found = support.edition_or_404(slug)
    text = export_edition(found)
    response = json_answer(json.loads(text))
    response.set_data(text.encode("utf-8"))
    response.set_etag(_text_etag(text))
    response.make_conditional(request)
    return response


def _text_etag(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@bp.post("/editions")
@operation(
    summary="Tạo lần thi từ tệp định nghĩa",
    tags=("editions",),
    scope="write",
    roles=(Role.ORGANIZER,),
    query=schemas.CreateEditionQuery,
    body={"type": "object", "additionalProperties": True},
    response=schemas.EditionSchema,
    status=201,
    errors=(403, 413, 415, 422),
)
def create_edition():
    """All or nothing: an invalid definition writes nothing and every problem is listed with
    its key path (``prizes[2].quota: …``); warnings need ``?confirm=true``."""
    if request.content_length is not None and request.content_length > DEFINITION_MAX_BYTES:
        raise Problem(413)
    if not request.is_json:
        raise Problem(415, code="json-required")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Problem(
            422, _("Tệp định nghĩa phải là một đối tượng JSON."), code="invalid-definition"
        )
    try:
        created = operations.create_from_definition(data, current_user, confirm=g.query["confirm"])
    except InvalidEdition as exc:
        db.session.rollback()
        raise Problem(
            422,
            _("Tệp định nghĩa có lỗi: chưa tạo lần thi nào."),
            code="invalid-definition",
            errors=[str(p) for p in exc.problems],
        ) from None
    db.session.commit()
    response = json_answer(edition_json(created), status=201, conditional=False)
    response.headers["Location"] = url_for("api.edition", slug=created.slug)
    return response


@bp.get("/editions/<slug>/publications")
@operation(
    summary="Các lần công bố kết quả",
    tags=("publications",),
    auth=PUBLIC,
    response=schemas.PublicationListSchema,
    errors=(404,),
)
def publications(slug: str):
    """The published versions of the edition's results, newest first (public, like the
    results pages: a draft edition does not exist)."""
    now = utcnow()
    found = support.public_edition_or_404(slug, now)
    items = [
        {
            "version": p.version,
            "state": str(publish.state(p, now)),
            "published_at": _moment(p.published_at),
            "posting_ends_at": _moment(p.posting_ends_at),
            "entry_count": p.entry_count,
            "note": p.note or "",
        }
        for p in publish.publications(found)
    ]
    return json_answer({"items": items})
