"""The daily e-mail digest of the panels' discussions.

* The beat task ``judging.discussion_digest`` (every morning, see ``contest.celery_app``) adds
  one job of kind ``judging.discussion_digest``; the job sends each judge one e-mail listing
  the comments written by others since their last digest, in the threads they may discuss
  (:func:`.discussion.discussants`), masked as judges read them (:func:`.discussion.
  judge_masker`), with a link to each entry's thread.
* At most one digest a day per judge: each goes through ``send_once`` with the key
  ``panel-digest:<judge id>:<local date>`` (Asia/Ho_Chi_Minh); a second job the same day — a
  duplicate, a retry, a second beat — sends nothing to a judge who had one.
* "Since the last digest": per judge, the newest comment a sent digest covered
  (:class:`~.models_discussion.DigestMark`), moved only after that digest was sent. Left out:
  hidden comments, comments older than ``LOOKBACK`` (a judge's first digest), and comments
  younger than ``SETTLE`` (one still being committed goes into the next digest).
* Judges without an active account or the judge role get nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.emails import render_for
from ..accounts.models import Role, User
from ..contests.models import Round
from ..entries.models import Entry
from ..extensions import db
from ..jobs.models import Job
from ..jobs.operations import Progress, create_job, job_handler
from ..publication.notifications import send_once
from ..timeutil import to_local, utcnow
from .blind import judge_view
from .discussion import discussants, judge_masker
from .models_discussion import Comment, DigestMark

KIND = "judging.discussion_digest"
LOOKBACK = timedelta(days=7)
SETTLE = timedelta(minutes=1)


@dataclass
class DigestComment:
    """One comment in a digest (masked)."""

    author: str
    at: datetime
    body: str


@dataclass
class DigestThread:
    """An entry's thread in a digest: its code, masked title, link and new comments."""

    code: str
    title: str
    round_name: str
    link: str
    comments: list[DigestComment] = field(default_factory=list)


@dataclass
class Digest:
    """What one judge receives."""

    judge: User
    threads: list[DigestThread]
    last_comment_id: int

    @property
    def count(self) -> int:
        """New comments in the digest."""
        return sum(len(t.comments) for t in self.threads)


def digest_key(judge_id: int, now: datetime) -> str:
    """The at-most-once key of a judge's digest on ``now``'s local day."""
    return f"panel-digest:{judge_id}:{to_local(now).date().isoformat()}"


def plan(now: datetime) -> list[Digest]:
    """Every judge's digest due at ``now`` (module docstring), by judge id; needs a request
    context for the links."""
    rows = db.session.scalars(
        select(Comment)
        .where(
            Comment.hidden_at.is_(None),
            Comment.created_at > now - LOOKBACK,
            Comment.created_at <= now - SETTLE,
        )
        .order_by(Comment.id)
    ).all()
    if not rows:
        return []
    by_round: dict[int, list[Comment]] = defaultdict(list)
    for comment in rows:
        by_round[comment.round_id].append(comment)
    marks = dict(db.session.execute(select(DigestMark.judge_id, DigestMark.last_comment_id)).all())
    news: dict[int, list[Comment]] = defaultdict(list)
    for round_id, comments in by_round.items():
        round_ = db.session.get_one(Round, round_id)
        entries = db.session.scalars(
            select(Entry).where(Entry.id.in_({c.entry_id for c in comments}))
        ).all()
        who = discussants(round_, entries)
        for comment in comments:
            for judge_id in who.get(comment.entry_id, ()):
                if comment.author_id != judge_id and comment.id > marks.get(judge_id, 0):
                    news[judge_id].append(comment)
    return [d for d in (_digest(j, news[j]) for j in sorted(news)) if d is not None]


def _digest(judge_id: int, comments: list[Comment]) -> Digest | None:
    """The digest of ``judge_id`` with ``comments`` (None: the judge gets none)."""
    judge = db.session.get(User, judge_id)
    if judge is None or not judge.is_active or not judge.has_role(Role.JUDGE):
        return None
    threads: dict[tuple[int, int], DigestThread] = {}
    maskers: dict[int, Any] = {}
    for comment in sorted(comments, key=lambda c: (c.created_at, c.id)):
        entry = db.session.get_one(Entry, comment.entry_id)
        masked = maskers.setdefault(entry.id, judge_masker(entry))
        key = (comment.round_id, comment.entry_id)
        if key not in threads:
            round_ = db.session.get_one(Round, comment.round_id)
            threads[key] = DigestThread(
                code=entry.code or "",
                title=judge_view(entry).title,
                round_name=round_.name or round_.code,
                link=url_for(
                    "judge.discussion", entry_id=entry.id, round_id=round_.id, _external=True
                ),
            )
        author = comment.author.display_name if comment.author is not None else ""
        threads[key].comments.append(
            DigestComment(author, comment.created_at, masked(comment.body))
        )
    ordered = sorted(threads.values(), key=lambda t: (t.code, t.round_name))
    return Digest(judge, ordered, max(c.id for c in comments))


def send_digests(now: datetime | None = None, progress: Progress | None = None) -> dict:
    """Send every due digest at most once (module docstring); commits after each one."""
    now = now or utcnow()
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "http://localhost").rstrip("/")
    sent = already = 0
    with current_app.test_request_context("/", base_url=base):
        digests = plan(now)
        if progress is not None:
            progress(0, len(digests))
        for done, digest in enumerate(digests, start=1):
            subject, body = render_for(
                digest.judge,
                _l("Thảo luận của tiểu ban: %(n)d bình luận mới", n=digest.count),
                "panel_digest",
                threads=digest.threads,
                count=digest.count,
            )
            key = digest_key(digest.judge.id, now)
            if send_once(key, "panel_digest", digest.judge.email, subject, body):
                _move_mark(digest.judge.id, digest.last_comment_id, now)
                db.session.commit()
                sent += 1
            else:
                already += 1
            if progress is not None:
                progress(done)
    return {"digests": sent, "already_sent": already}


def _move_mark(judge_id: int, last_comment_id: int, now: datetime) -> None:
    """Record that the judge's digests covered comments up to ``last_comment_id``."""
    mark = db.session.get(DigestMark, judge_id)
    if mark is None:
        mark = DigestMark(judge_id=judge_id, last_comment_id=0)
        db.session.add(mark)
    mark.last_comment_id = max(mark.last_comment_id or 0, last_comment_id)
    mark.sent_at = now
    db.session.flush()


def queue_digest(user=None) -> Job:
    """Add the digest job (dispatched by :func:`contest.jobs.operations.commit`)."""
    return create_job(KIND, {}, user=user, total=1)


@job_handler(KIND, label=_l("Gửi thư tổng hợp thảo luận của tiểu ban"))
def _digest_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Job handler: send the day's digests."""
    return send_digests(progress=progress)
