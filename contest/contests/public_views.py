"""Public pages of the editions, readable by anyone without logging in: the list of open and
past editions, one edition's page (rules, fields, eligibility, rubric, prizes, timeline and a
countdown to the deadline) and its rules document. Drafts are not public (404)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, render_template, request

from ..timeutil import utcnow
from . import open_calls, timeline
from . import pages_support as support
from .timeline import Phase

bp = Blueprint("public", __name__, url_prefix="/editions")


@bp.context_processor
def _helpers():
    """Phase badges for every template of this blueprint."""
    return {
        "phase_colours": support.PHASE_COLOURS,
        "Phase": Phase,
        "edition_phase": timeline.phase,
        "deadline_of": timeline.effective_deadline,
        "days_left": open_calls.days_left,
    }


@bp.get("/")
def index():
    """Editions still running (those open for entries first), then finished ones."""
    now = utcnow()
    q = request.args.get("q", "").strip()
    province = open_calls.province_by_code(request.args.get("province", ""))
    current, past = support.public_editions(
        now,
        q,
        request.args.get("page", 1, type=int),
        current_app.config.get("PER_PAGE", 25),
        province_id=province.id if province else None,
    )
    current = open_calls.open_first(current, now)
    return render_template(
        "public/index.html", current=current, past=past, q=q, now=now, province=province
    )


@bp.get("/<slug>")
def edition(slug: str):
    """One edition as the public sees it. For visitors not logged in the page comes from the
    page cache (:mod:`contest.publication.public_cache`) under a key read with one plain
    statement (the edition's id, version and last change); it is rebuilt when the edition
    changes, at its next date (opening, deadline, judging, publication) and, while entries are
    open, every minute (the countdown)."""
    from sqlalchemy import select

    from ..extensions import db
    from ..publication import public_cache
    from .models import Edition

    def parts():
        row = db.session.execute(
            select(Edition.id, Edition.version, Edition.updated_at).where(Edition.slug == slug)
        ).first()
        return tuple(row) if row is not None else None

    key, stamp, page = public_cache.lookup("edition", parts)
    if page is not None:
        return public_cache.with_token(page)
    now = utcnow()
    edition = support.public_edition_or_404(slug, now)
    phase = timeline.phase(edition, now)

    def until():
        deadline = timeline.effective_deadline(edition)
        minute = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
        return public_cache.next_moment(
            edition.opens_at,
            deadline,
            edition.judging_starts_at,
            edition.judging_ends_at,
            edition.published_at,
            edition.archived_at,
            minute if phase == Phase.OPEN else None,
        )

    return public_cache.render(
        key,
        stamp,
        lambda extra: _render_edition(edition, now, phase, extra),
        timeout=public_cache.EDITION_TIMEOUT,
        valid_until=until,
    )


def _render_edition(edition, now, phase, extra: dict) -> str:
    deadline = timeline.effective_deadline(edition)
    return render_template(
        "public/edition.html",
        **extra,
        edition=edition,
        now=now,
        phase=phase,
        deadline=deadline,
        remaining=support.time_remaining(deadline, now) if phase == Phase.OPEN else None,
        steps=support.timeline_steps(edition, now),
        birth_range=support.birth_date_range(edition),
        area_extensions=[e for e in edition.extensions if e.area_id is not None],
        attachment_labels=support.ATTACHMENT_LABELS,
        scope_labels=support.SCOPE_LABELS,
    )


@bp.get("/<slug>/the-le.pdf")
def rules_document(slug: str):
    """The edition's rules document (thể lệ), downloaded as an attachment."""
    return support.rules_document_response(support.public_edition_or_404(slug, utcnow()))
