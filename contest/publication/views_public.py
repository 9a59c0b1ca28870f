"""Public results pages (no login): published winners, versions, printable list, XLSX/PDF.

Only published versions are shown, and only what their snapshot holds (``PublishedEntry``:
names, unit, area, field, prize); never a results run, a live entry or its authors' personal
data. An unknown slug, a draft edition, an edition without publication and an unknown version
are all "not found" (404). ``?v=n`` on the printable page and the files picks version n; the
default is the version in force (the latest).
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..contests import pages_support
from ..contests.models import Edition
from ..extensions import db
from ..timeutil import utcnow
from . import official_list as official
from . import operations as publish
from . import public_cache
from .models import Publication

bp = Blueprint("public_results", __name__, url_prefix="/results")

ATTRIBUTE_LABELS = {
    "prize_name": _l("Giải"),
    "title": _l("Tên"),
    "authors": _l("Tác giả"),
    "unit_name": _l("Đơn vị"),
    "area_name": _l("Địa bàn"),
    "field_name": _l("Lĩnh vực"),
}


@bp.app_template_global("published_results")
def published_results(edition: Edition) -> Publication | None:
    """The version in force of ``edition``'s results, for links from other public pages."""
    return publish.latest_publication(edition)


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# ---------------------------------------------------------------- loaders


def _edition_or_404(slug: str) -> tuple[Edition, list[Publication]]:
    """The public edition ``slug`` and its versions (newest first); 404 without any."""
    edition = pages_support.public_edition_or_404(slug, utcnow())
    versions = publish.publications(edition)
    if not versions:
        abort(404)
    return edition, versions


def _pick(versions: list[Publication], number: int | None) -> Publication:
    """Version ``number`` (None: the one in force) among ``versions``, or 404."""
    if number is None:
        return versions[0]
    for publication in versions:
        if publication.version == number:
            return publication
    abort(404)


def _requested_version() -> int | None:
    """``?v=n`` (absent: None); anything but a positive whole number is not found."""
    raw = request.args.get("v")
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or int(raw) < 1:
        abort(404)
    return int(raw)


# ---------------------------------------------------------------- pages


@bp.get("/")
def index():
    """Editions with published results, the most recently published first; search by title."""
    now = utcnow()
    q = request.args.get("q", "").strip()
    latest = (
        select(
            Publication.edition_id,
            func.max(Publication.published_at).label("last"),
        )
        .group_by(Publication.edition_id)
        .subquery()
    )
    stmt = (
        select(Edition)
        .join(latest, latest.c.edition_id == Edition.id)
        .where(Edition.published_at.is_not(None), Edition.published_at <= now)
        .order_by(latest.c.last.desc(), Edition.id.desc())
    )
    if q:
        stmt = stmt.where(Edition.title.ilike("%" + _like_escaped(q) + "%", escape="\\"))
    page = db.paginate(
        stmt,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config.get("PER_PAGE", 25),
        error_out=False,
    )
    current: dict[int, Publication] = {}
    for publication in db.session.scalars(
        select(Publication)
        .where(Publication.edition_id.in_([e.id for e in page.items]))
        .order_by(Publication.version)
    ):
        current[publication.edition_id] = publication  # the highest version stays
    return render_template(
        "public_results/index.html",
        page=page,
        q=q,
        current=current,
        now=now,
        state_of=publish.state,
        State=publish.State,
    )


def _results_parts(slug: str) -> tuple | None:
    """What the results pages of ``slug`` depend on, read with one plain statement: the
    edition's id and version, its newest publication and how many it has (a correction
    changes them); None when it has none."""
    row = db.session.execute(
        select(
            Edition.id,
            Edition.version,
            Edition.updated_at,
            Publication.id,
            Publication.version,
            Publication.published_at,
            func.count().over(),
        )
        .join(Publication, Publication.edition_id == Edition.id)
        .where(Edition.slug == slug)
        .order_by(Publication.version.desc())
        .limit(1)
    ).first()
    return tuple(row) if row is not None else None


def _results_page(
    edition: Edition, versions: list[Publication], publication: Publication, key, stamp
):
    """The page of one version (the one in force or an older one). A replaced version shows
    what its replacement changed; the version in force folds away what it changed."""
    now = utcnow()

    def until():  # a version in its posting period becomes final at its end
        if publish.state(publication, now) == publish.State.POSTING:
            return publication.posting_ends_at
        return None

    return public_cache.render(
        key,
        stamp,
        lambda extra: _render_results(edition, versions, publication, now, extra),
        valid_until=until,
    )


def _render_results(edition, versions, publication, now, extra: dict) -> str:
    """Render the results page of ``publication`` (``extra``: context overrides)."""
    newer = [p for p in versions if p.version > publication.version]
    older = [p for p in versions if p.version < publication.version]
    replacement = newer[-1] if newer else None  # versions are newest first
    previous = older[0] if older else None
    changes_to_next, changes_from_previous, superseded_text = [], [], ""
    if replacement is not None:
        changes_to_next = official.public_differences(publication, replacement)
        superseded_text = official.superseded_text(publication, replacement)
    elif previous is not None:
        changes_from_previous = official.public_differences(previous, publication)
    return render_template(
        "public_results/edition.html",
        **extra,
        edition=edition,
        versions=versions,
        publication=publication,
        state=publish.state(publication, now),
        State=publish.State,
        replacement=replacement,
        superseded_text=superseded_text,
        changes_to_next=changes_to_next,
        previous=previous,
        changes_from_previous=changes_from_previous,
        sections=official.sections(publication),
        title_label=official.title_label(edition),
        attribute_labels=ATTRIBUTE_LABELS,
        is_current=replacement is None,
    )


@bp.get("/<slug>")
def edition(slug: str):
    """The version in force of ``slug``'s results (from the page cache when it has it)."""
    key, stamp, page = public_cache.lookup("results", lambda: _results_parts(slug))
    if page is not None:
        return public_cache.with_token(page)
    edition, versions = _edition_or_404(slug)
    return _results_page(edition, versions, versions[0], key, stamp)


@bp.get("/<slug>/v/<int:version>")
def version(slug: str, version: int):
    """Version ``version`` of ``slug``'s results (with a banner when it was replaced)."""
    key, stamp, page = public_cache.lookup("results", lambda: _results_parts(slug))
    if page is not None:
        return public_cache.with_token(page)
    edition, versions = _edition_or_404(slug)
    return _results_page(edition, versions, _pick(versions, version), key, stamp)


@bp.get("/<slug>/print")
def printable(slug: str):
    """The official list as a print-friendly A4 page (``?v=n``: version n)."""
    edition, versions = _edition_or_404(slug)
    publication = _pick(versions, _requested_version())
    back = (
        url_for(".edition", slug=slug)
        if publication is versions[0]
        else url_for(".version", slug=slug, version=publication.version)
    )
    the_list = official.official_list(publication)
    return official.render_html(the_list, for_pdf=False, back_url=back)


@bp.get("/<slug>/results.xlsx")
def xlsx(slug: str):
    """The official list as XLSX (``?v=n``: version n)."""
    edition, versions = _edition_or_404(slug)
    publication = _pick(versions, _requested_version())
    buffer = io.BytesIO()
    official.write_xlsx(official.official_list(publication), buffer)
    buffer.seek(0)
    return send_file(
        buffer,
        mimetype=official.XLSX_MIMETYPE,
        as_attachment=True,
        download_name=official.file_name(publication, "xlsx"),
    )


@bp.get("/<slug>/results.pdf")
def pdf(slug: str):
    """The official list as PDF (``?v=n``: version n)."""
    edition, versions = _edition_or_404(slug)
    publication = _pick(versions, _requested_version())
    data = official.render_pdf(official.official_list(publication))
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=official.file_name(publication, "pdf"),
    )
