"""Complaints (khiếu nại) about published results during the posting period (RULES
§6). Pure of HTTP: the functions take the acting user and ``now``, flush, never commit.

Who and when (``can_complain``, re-checked by ``lodge`` where the write happens):

* the edition's CURRENT version (the latest, not superseded) must be in its posting period
  (``publish.state`` is POSTING: ``published_at ≤ now < posting_ends_at``); a version
  published with 0 posting days takes no complaint;
* the user must be an entrant of the edition: an entrant who owns (``Entry.owner_id``) at
  least one of its entries past the draft stage;
* at most ``MAX_OPEN_PER_EDITION`` (5) unanswered complaints per user and edition (abuse guard).

A complaint is about one entry of the edition that was accepted for judging or is on the
published list — the entrant's own or another's (e.g. "this entry should not have a prize").
Text is required, at most ``MAX_TEXT`` characters. A complaint stays attached to the version
it was lodged against, even after a correction supersedes it.

Answering (``answer``): an organizer accepts or rejects an OPEN complaint with a text; the
update is conditional (``WHERE status = 'open'``), so two organizers answering at once cannot
both win. An accepted complaint changes nothing by itself: the organizers correct the result
(compile again / decide) and publish a new version. The answer is e-mailed to the entrant by a
job (``publication.complaint_answer``) through ``notifications.send_once`` with the key
``complaint-answer:<id>``: sent at most once however often the job runs. Both actions are
audited (``publication.complaint`` / ``publication.complaint_answer``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..accounts.models import Role, User
from ..audit.operations import record
from ..contests.models import Edition
from ..entries.models import Entry, EntryStatus
from ..errors import UserError
from ..extensions import db
from ..jobs.operations import create_job, job_handler
from ..models_common import execute_dml
from ..timeutil import format_local, utcnow
from . import notifications
from . import operations as pub
from .models import Complaint, ComplaintStatus, Publication, PublishedEntry

MAX_TEXT = 4000
MAX_OPEN_PER_EDITION = 5
JOB_KIND = "publication.complaint_answer"
ANSWERS = (ComplaintStatus.ACCEPTED.value, ComplaintStatus.REJECTED.value)


class ComplaintError(UserError):
    """A complaint or an answer is refused; ``message`` says why (translated)."""


@dataclass(frozen=True)
class Eligibility:
    """Whether a user may lodge a complaint now: ``publication`` is the version in posting
    (when there is one), ``reason`` is empty when allowed, else the refusal's message."""

    publication: Publication | None
    reason: str = ""

    def __bool__(self) -> bool:
        return not self.reason


# ---------------------------------------------------------------- who and when


def is_entrant_of(user, edition: Edition) -> bool:
    """True when ``user`` is an entrant owning an entry of ``edition`` past the draft stage."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    if not user.has_role(Role.ENTRANT):
        return False
    found = db.session.scalar(
        select(Entry.id)
        .where(
            Entry.edition_id == edition.id,
            Entry.owner_id == user.id,
            Entry.status != EntryStatus.DRAFT.value,
        )
        .limit(1)
    )
    return found is not None


def open_count(user, edition: Edition) -> int:
    """How many complaints of ``user`` about ``edition`` are still unanswered."""
    return db.session.scalars(
        select(func.count(Complaint.id))
        .join(Publication, Publication.id == Complaint.publication_id)
        .where(
            Publication.edition_id == edition.id,
            Complaint.user_id == user.id,
            Complaint.status == ComplaintStatus.OPEN.value,
        )
    ).one()


def _posting_refusal(publication: Publication | None, now: datetime) -> str:
    """Why ``publication`` takes no complaint at ``now`` ("" when it is in posting)."""
    if publication is None:
        return _("Kết quả của lần thi này chưa được công bố.")
    state = pub.state(publication, now)
    if state == pub.State.POSTING:
        return ""
    if state == pub.State.SUPERSEDED:
        return _("Bản công bố này đã được thay thế bằng phiên bản mới.")
    if publication.posting_ends_at is None:
        return _(
            "Kết quả được công bố chính thức, không có thời gian niêm yết; không nhận khiếu nại."
        )
    return _(
        "Thời gian niêm yết kết quả đã kết thúc lúc %(at)s; không nhận khiếu nại nữa.",
        at=format_local(publication.posting_ends_at),
    )


def can_complain(user, edition: Edition, now: datetime | None = None) -> Eligibility:
    """May ``user`` lodge a complaint about ``edition`` at ``now`` (module docstring)?"""
    now = now or utcnow()
    current = pub.latest_publication(edition)
    refusal = _posting_refusal(current, now)
    if refusal:
        return Eligibility(current, refusal)
    if not is_entrant_of(user, edition):
        return Eligibility(
            current, _("Chỉ người dự thi có hồ sơ trong lần thi này mới được gửi khiếu nại.")
        )
    if open_count(user, edition) >= MAX_OPEN_PER_EDITION:
        return Eligibility(
            current,
            _(
                "Bạn đã có %(n)d khiếu nại đang chờ trả lời ở lần thi này; hãy chờ Ban Tổ chức "
                "trả lời trước khi gửi thêm.",
                n=MAX_OPEN_PER_EDITION,
            ),
        )
    return Eligibility(current)


# ---------------------------------------------------------------- the entries complained about


def listed_entries(publication: Publication) -> list[PublishedEntry]:
    """The published list of ``publication`` (what an entrant picks from)."""
    return list(publication.entries)


def entry_by_code(edition: Edition, code: str) -> Entry | None:
    """The entry of ``edition`` whose code is ``code`` (spaces and case ignored)."""
    code = (code or "").strip()
    if not code:
        return None
    return db.session.scalar(
        select(Entry).where(Entry.edition_id == edition.id, func.upper(Entry.code) == code.upper())
    )


def _may_be_complained_about(publication: Publication, entry: Entry) -> bool:
    """True when ``entry`` belongs to the publication's edition and was accepted for judging
    or is on the published list."""
    if entry.edition_id != publication.edition_id:
        return False
    if entry.status == EntryStatus.ACCEPTED.value:
        return True
    listed = db.session.scalar(
        select(PublishedEntry.id).where(
            PublishedEntry.publication_id == publication.id, PublishedEntry.entry_id == entry.id
        )
    )
    return listed is not None


# ---------------------------------------------------------------- lodging


def clean_text(text: str | None) -> str:
    """The complaint or answer text, trimmed; raises ``ComplaintError`` when empty or long."""
    text = (text or "").strip()
    if not text:
        raise ComplaintError(_("Vui lòng ghi nội dung."))
    if len(text) > MAX_TEXT:
        raise ComplaintError(_("Nội dung tối đa %(max)d ký tự.", max=MAX_TEXT))
    return text


def lodge(
    publication: Publication,
    entry: Entry | None,
    user: User,
    text: str,
    now: datetime | None = None,
) -> Complaint:
    """Record ``user``'s complaint about ``entry`` against ``publication`` (module docstring).

    The publication row is locked (PostgreSQL) so a correction published at the same moment
    waits for this complaint, which stays attached to the version it was lodged against."""
    now = now or utcnow()
    locked = db.session.scalar(
        select(Publication)
        .where(Publication.id == publication.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise ComplaintError(_("Bản công bố không còn tồn tại."))
    edition = locked.edition
    current = pub.latest_publication(edition)
    if current is None or current.id != locked.id:
        raise ComplaintError(_("Bản công bố này đã được thay thế bằng phiên bản mới."))
    eligibility = can_complain(user, edition, now)
    if not eligibility:
        raise ComplaintError(eligibility.reason)
    if entry is None or not _may_be_complained_about(locked, entry):
        raise ComplaintError(
            _(
                "Không có hồ sơ này trong lần thi (chỉ hồ sơ được đưa vào chấm hoặc có tên "
                "trong danh sách)."
            )
        )
    text = clean_text(text)
    complaint = Complaint(
        publication_id=locked.id,
        entry_id=entry.id,
        user_id=user.id,
        text=text,
        status=ComplaintStatus.OPEN.value,
        created_at=now,
    )
    db.session.add(complaint)
    db.session.flush()
    record(
        user,
        "publication.complaint",
        "complaint",
        complaint.id,
        edition=edition.slug,
        version=locked.version,
        entry=entry.code,
    )
    return complaint


# ---------------------------------------------------------------- answering


def answer(
    complaint: Complaint, status: str, text: str, actor, now: datetime | None = None
) -> Complaint:
    """Accept or reject an open ``complaint`` with ``text``; queue the e-mail to the entrant
    (a job: the caller commits with ``contest.jobs.operations.commit``)."""
    now = now or utcnow()
    if status not in ANSWERS:
        raise ComplaintError(_("Hãy chọn chấp nhận hoặc không chấp nhận khiếu nại."))
    text = clean_text(text)
    done = execute_dml(
        update(Complaint)
        .where(Complaint.id == complaint.id, Complaint.status == ComplaintStatus.OPEN.value)
        .values(
            status=status,
            answer=text,
            answered_by_id=getattr(actor, "id", None),
            answered_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        db.session.refresh(complaint)
        raise ComplaintError(_("Khiếu nại này đã được trả lời."))
    db.session.refresh(complaint)
    publication = complaint.publication
    record(
        actor,
        "publication.complaint_answer",
        "complaint",
        complaint.id,
        edition=publication.edition.slug,
        version=publication.version,
        entry=complaint.entry.code,
        status=status,
    )
    create_job(JOB_KIND, {"complaint_id": complaint.id}, actor, total=1)
    return complaint


def mail_key(complaint_id: int) -> str:
    """The at-most-once key of the answer's e-mail."""
    return f"complaint-answer:{complaint_id}"


def _link() -> str:
    """The absolute link to the entrant's complaints page (also outside a request: a job)."""
    if has_request_context() and current_app.config.get("ENV_NAME") != "production":
        return url_for("complaints.index", _external=True)
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "http://localhost").rstrip("/")
    with current_app.test_request_context("/", base_url=base):
        return url_for("complaints.index", _external=True)


@job_handler(JOB_KIND, label=_l("Gửi trả lời khiếu nại"))
def send_answer(job, progress) -> dict[str, Any]:
    """Job handler: e-mail the answer of complaint ``params.complaint_id`` to the entrant who
    lodged it, at most once (``notifications.send_once``)."""
    complaint = db.session.get(Complaint, int(job.params["complaint_id"]))
    if complaint is None or complaint.status == ComplaintStatus.OPEN.value:
        return {"sent": False, "reason": "no answer"}
    user = complaint.user
    if user is None or not user.email:
        return {"sent": False, "reason": "no recipient"}
    publication = complaint.publication
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        subject = _("Trả lời khiếu nại về kết quả: %(title)s", title=publication.edition.title)
        body = render_template(
            "publication/email_complaint_answer.txt",
            user=user,
            complaint=complaint,
            publication=publication,
            edition=publication.edition,
            accepted=complaint.status == ComplaintStatus.ACCEPTED.value,
            link=_link(),
        )
    sent = notifications.send_once(
        mail_key(complaint.id), "complaint_answer", user.email, subject, body
    )
    progress(1)
    return {"sent": sent, "to": user.email}
