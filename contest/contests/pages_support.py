"""What the edition pages need beyond the domain operations: loaders that decide who may see
an edition, list queries, the timeline as steps, the eligible birth-date range, the time left
until a deadline, the rules document (thể lệ) and the audit trail of an edition.

Like :mod:`.operations`, the writers here take the acting user, flush and never commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ..audit.models import AuditEntry
from ..audit.operations import record
from ..extensions import db
from ..storage import StoredFile
from . import timeline
from .models import Edition
from .timeline import Phase

RULES_DOCUMENT_CATEGORY = "rules"
RULES_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024

PHASE_COLOURS = {
    Phase.DRAFT: "secondary",
    Phase.OPEN: "success",
    Phase.CLOSED: "warning",
    Phase.JUDGING: "info",
    Phase.REVIEW: "info",
    Phase.PUBLISHED: "primary",
    Phase.ARCHIVED: "dark",
}

ATTACHMENT_LABELS = {
    "description": _l("Bản thuyết minh / bản mô tả giải pháp"),
    "full_text": _l("Toàn văn giải pháp"),
    "photos": _l("Ảnh chụp sản phẩm"),
    "video": _l("Video giới thiệu"),
    "source_code": _l("Mã nguồn"),
    "installer": _l("Bộ cài đặt"),
    "instructions": _l("Hướng dẫn sử dụng"),
    "unit_confirmation": _l("Xác nhận của đơn vị"),
    "registration_form": _l("Phiếu đăng ký dự thi (bản ký)"),
    "identity_document": _l("Giấy tờ tùy thân của tác giả (CCCD, giấy khai sinh)"),
}

SCOPE_LABELS = {
    "field": _l("mỗi lĩnh vực"),
    "edition": _l("toàn cuộc thi"),
}


# --- Loading ----------------------------------------------------------------------------------


def _with_extensions():
    """Select editions with their deadline extensions (the phase needs them)."""
    return select(Edition).options(selectinload(Edition.extensions))


def edition_or_404(slug: str) -> Edition:
    """The edition with ``slug`` for an organizer (any phase), or 404."""
    edition = db.session.scalar(_with_extensions().where(Edition.slug == slug))
    if edition is None:
        abort(404)
    return edition


def is_public(edition: Edition, now: datetime) -> bool:
    """Whether anyone may see ``edition``: every phase but the draft."""
    return timeline.phase(edition, now) != Phase.DRAFT


def public_edition_or_404(slug: str, now: datetime) -> Edition:
    """The edition with ``slug`` as the public sees it: a draft is not found (404)."""
    edition = db.session.scalar(_with_extensions().where(Edition.slug == slug))
    if edition is None or not is_public(edition, now):
        abort(404)
    return edition


def _like_escaped(text: str) -> str:
    """``text`` with the LIKE wildcards escaped (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search(stmt, q: str):
    """``stmt`` restricted to editions whose title or slug contains ``q``."""
    q = (q or "").strip()
    if not q:
        return stmt
    pattern = "%" + _like_escaped(q) + "%"
    return stmt.where(
        or_(Edition.title.ilike(pattern, escape="\\"), Edition.slug.ilike(pattern, escape="\\"))
    )


def _contains_prefix(prefix: str):
    """Condition: the slug starts with ``prefix``."""
    return Edition.slug.like(_like_escaped(prefix) + "%", escape="\\")


def organizer_editions(q: str, page: int, per_page: int):
    """Every edition whose title or slug contains ``q``, latest deadline first, paginated."""
    stmt = _search(_with_extensions(), q).order_by(
        Edition.submission_deadline.desc(), Edition.id.desc()
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def public_editions(now: datetime, q: str, page: int, per_page: int, province_id=None):
    """``(current, past)``: the public editions still running (open, closed, judging,
    review), all of them, and the finished ones (published, archived), paginated; only
    ``province_id``'s when given."""
    opened = _search(_with_extensions(), q).where(
        Edition.opens_at.is_not(None), Edition.opens_at <= now
    )
    if province_id is not None:
        opened = opened.where(Edition.province_id == province_id)
    finished = or_(Edition.published_at <= now, Edition.archived_at <= now)
    running = and_(
        or_(Edition.published_at.is_(None), Edition.published_at > now),
        or_(Edition.archived_at.is_(None), Edition.archived_at > now),
    )
    current = list(
        db.session.scalars(opened.where(running).order_by(Edition.submission_deadline, Edition.id))
    )
    past = db.paginate(
        opened.where(finished).order_by(Edition.submission_deadline.desc(), Edition.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    return current, past


# --- Timeline, eligibility, countdown ----------------------------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    """One phase of the timeline: when it starts (None: not set) and where we stand."""

    phase: Phase
    starts_at: datetime | None
    state: str  # "done", "current" or "future"

    @property
    def label(self):
        """The phase's Vietnamese name."""
        return self.phase.label


def timeline_steps(edition: Edition, now: datetime) -> list[TimelineStep]:
    """The phases of ``edition`` with the moment each one starts (the deadline including the
    whole-edition extensions), marking the current one."""
    current = timeline.phase(edition, now)
    starts = {
        Phase.DRAFT: None,  # an edition is prepared before it opens: no date to show
        Phase.OPEN: edition.opens_at,
        Phase.CLOSED: timeline.effective_deadline(edition),
        Phase.JUDGING: edition.judging_starts_at,
        Phase.REVIEW: edition.judging_ends_at,
        Phase.PUBLISHED: edition.published_at,
        Phase.ARCHIVED: edition.archived_at,
    }
    steps = []
    for phase in Phase:
        if phase.order < current.order:
            state = "done"
        elif phase == current:
            state = "current"
        else:
            state = "future"
        steps.append(TimelineStep(phase, starts[phase], state))
    return steps


def birth_date_range(edition) -> tuple[date, date] | None:
    """The eligible dates of birth, both ends included (RULES.md §1), as the entries'
    eligibility check computes them; None when the edition has no age band."""
    from ..entries.eligibility import Rules
    from ..entries.eligibility import birth_date_range as rule_range

    if edition.reference_date is None:
        return None
    rules = Rules(
        kind=getattr(edition, "kind", ""),
        reference_date=edition.reference_date,
        age_min=edition.age_min,
        age_max=edition.age_max,
    )
    return rule_range(rules)


@dataclass(frozen=True)
class Remaining:
    """Time left until a deadline, in whole days, hours, minutes and seconds."""

    days: int
    hours: int
    minutes: int
    seconds: int


def time_remaining(deadline: datetime | None, now: datetime) -> Remaining | None:
    """What is left until ``deadline`` (None once it has passed or when there is none)."""
    if deadline is None or now >= deadline:
        return None
    total = int((deadline - now).total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return Remaining(days, hours, minutes, seconds)


# --- The rules document -----------------------------------------------------------------------


def attach_rules_document(edition: Edition, stored: StoredFile, actor) -> str | None:
    """Make ``stored`` (a PDF already in storage) the edition's rules document (audited) and
    return the key of the document it replaces, for the caller to delete after the commit."""
    previous = edition.rules_document_path
    edition.rules_document_path = stored.key
    db.session.flush()
    record(
        actor,
        "edition.rules_document",
        "edition",
        edition.id,
        changes={"rules_document": {"before": previous, "after": stored.key}},
        size=stored.size,
        sha256=stored.sha256,
    )
    return previous


def remove_rules_document(edition: Edition, actor) -> str | None:
    """Take the rules document off the edition (audited); return its key (None if none)."""
    previous = edition.rules_document_path
    if previous is None:
        return None
    edition.rules_document_path = None
    db.session.flush()
    record(
        actor,
        "edition.rules_document",
        "edition",
        edition.id,
        changes={"rules_document": {"before": previous, "after": None}},
    )
    return previous


# --- The audit trail --------------------------------------------------------------------------


def edition_audit(edition: Edition, page: int, per_page: int):
    """The audit entries about ``edition``, newest first, paginated (actors loaded)."""
    stmt = (
        select(AuditEntry)
        .options(selectinload(AuditEntry.actor))
        .where(AuditEntry.object_type == "edition", AuditEntry.object_id == str(edition.id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


# --- Helpers of the organizer forms -----------------------------------------------------------

AREA_SELECT_LIMIT = 2000


def extension_area_choices() -> list[tuple[int, str]]:
    """Areas an extension may be given to, in tree order and indented: every area while the
    tree is small, provinces and districts only when it is large (a select of thousands of
    communes is unusable; extend the commune's district instead)."""
    from ..areas.models import Area
    from ..areas.operations import area_choices

    total = db.session.scalar(select(func.count(Area.id))) or 0
    if total <= AREA_SELECT_LIMIT:
        return area_choices()
    return area_choices(("province", "district"))


def suggest_next_slug(slug: str) -> str:
    """A free slug for the next edition: a trailing number goes up (``stkt-2025`` →
    ``stkt-2026``), otherwise ``-2``, ``-3``… is added."""
    match = re.match(r"^(.*?)(\d+)$", slug)
    if match:
        head, number = match.group(1), int(match.group(2))
        candidates = (f"{head}{number + step}" for step in range(1, 100))
    else:
        head = slug
        candidates = (f"{slug}-{n}" for n in range(2, 100))
    taken = set(db.session.scalars(select(Edition.slug).where(_contains_prefix(head))))
    return next((c for c in candidates if c not in taken and len(c) <= 80), "")


def rules_document_response(edition: Edition):
    """The edition's rules document as a download (404 when there is none)."""
    from flask import send_file

    from ..storage import get_storage

    storage = get_storage()
    key = edition.rules_document_path
    if not key or not storage.exists(key):
        abort(404)
    response = send_file(
        storage.open(key),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"the-le-{edition.slug}.pdf",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-cache"
    return response


def retire_criterion(
    edition: Edition,
    code: str,
    actor,
    *,
    override: bool,
    confirm: bool,
    reason: str = "",
    now: datetime | None = None,
) -> None:
    """:func:`.operations.retire_criterion`, with the override's reason written into its audit
    entry (the operation itself takes no reason)."""
    from . import operations

    operations.retire_criterion(edition, code, actor, now=now, override=override, confirm=confirm)
    if not reason:
        return
    for obj in db.session.new:
        if (
            isinstance(obj, AuditEntry)
            and obj.action == "edition.retire_criterion"
            and obj.object_id == str(edition.id)
        ):
            obj.details = {**(obj.details or {}), "reason": reason}
