"""The panel's discussion of an entry: one comment thread per (round, entry), used to settle a
discrepancy before the organizer sets a panel score (RULES.md §5.2, §5.4).

Who may read and write the thread of an entry in a round (:func:`may_discuss`, the one rule;
:func:`discussants` is the same rule set-wise):

* organizers (and admins): every entry of their edition;
* a judge who sits on the panel of the entry's field in that round, or is assigned the entry
  in that round, while the entry is accepted and in the round, and no conflict of interest
  (declared or inferred, :mod:`.conflicts`) stands between them;
* nobody else: entrants, coordinators, the public, judges of other panels and a conflicted
  judge find nothing (404).

A comment is 1–4000 characters once the spaces around it are trimmed. An organizer may hide a
comment and show it again (audited); judges then see that a comment was hidden, never its
text. Judges read every comment through the masking of the entry's names
(:func:`.masking.mask`): a judge or an organizer could quote an author, a unit or a place.
Organizers read the original.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..accounts.models import Role
from ..audit.operations import record
from ..contests.models import Round
from ..entries.models import Entry, EntryStatus
from ..extensions import db
from ..timeutil import utcnow
from .conflicts import ConflictIndex
from .errors import JudgingError
from .models import Assignment, Panel, PanelMember
from .models_discussion import BODY_MAX, Comment
from .panels import round_entry_ids


class CommentRefused(JudgingError):
    """A comment could not be written (empty, too long, or no access)."""


def is_organizer(user) -> bool:
    """True for organizers and admins."""
    return bool(user is not None and user.is_authenticated and user.has_role(Role.ORGANIZER))


# --- Who may discuss --------------------------------------------------------------------------


def discussants(round_: Round, entries: Iterable[Entry]) -> dict[int, set[int]]:
    """``{entry id: judge ids}``: the judges who may discuss each of ``entries`` in ``round_``
    (module docstring; organizers not included). Four queries whatever the number of
    entries."""
    entries = [e for e in entries if e.edition_id == round_.edition_id]
    if not entries:
        return {}
    in_round = round_entry_ids(round_.edition, round_)
    entries = [e for e in entries if e.status == EntryStatus.ACCEPTED.value and e.id in in_round]
    if not entries:
        return {}
    field_ids = {e.field_id for e in entries}
    members: dict[int, set[int]] = defaultdict(set)
    for field_id, judge_id in db.session.execute(
        select(Panel.field_id, PanelMember.judge_id)
        .join(PanelMember, PanelMember.panel_id == Panel.id)
        .where(Panel.round_id == round_.id, Panel.field_id.in_(field_ids))
    ):
        members[field_id].add(judge_id)
    assigned: dict[int, set[int]] = defaultdict(set)
    for entry_id, judge_id in db.session.execute(
        select(Assignment.entry_id, Assignment.judge_id).where(
            Assignment.round_id == round_.id, Assignment.entry_id.in_([e.id for e in entries])
        )
    ):
        assigned[entry_id].add(judge_id)
    candidates = {e.id: members[e.field_id] | assigned[e.id] for e in entries}
    judge_ids = set().union(*candidates.values())
    conflicts = ConflictIndex(round_.edition_id, judge_ids, list(candidates))
    return {
        entry_id: {j for j in judges if not conflicts.of(j, entry_id)}
        for entry_id, judges in candidates.items()
    }


def may_discuss(user, entry: Entry, round_: Round) -> bool:
    """True when ``user`` may read and write the thread of ``entry`` in ``round_``."""
    if user is None or not user.is_authenticated or round_.edition_id != entry.edition_id:
        return False
    if is_organizer(user):
        return True
    if not user.has_role(Role.JUDGE):
        return False
    return user.id in discussants(round_, [entry]).get(entry.id, set())


def discussed_rounds(user, entry: Entry) -> list[Round]:
    """The rounds of the entry's edition in which ``user`` may discuss it."""
    return [r for r in entry.edition.rounds if may_discuss(user, entry, r)]


# --- Writing ----------------------------------------------------------------------------------


def body_problem(text: str | None) -> str | None:
    """Why ``text`` cannot be a comment (None: it can)."""
    text = (text or "").strip()
    if not text:
        return _("Hãy viết nội dung bình luận.")
    if len(text) > BODY_MAX:
        return _(
            "Bình luận dài tối đa %(max)d ký tự (bạn đã viết %(n)d ký tự).",
            max=BODY_MAX,
            n=len(text),
        )
    return None


def post_comment(
    user, entry: Entry, round_: Round, text: str, now: datetime | None = None
) -> Comment:
    """Add ``user``'s comment to the thread of ``entry`` in ``round_``. Raises
    :class:`CommentRefused` (nothing written) for a comment out of bounds or a user without
    access. Flushes; the caller commits."""
    if not may_discuss(user, entry, round_):
        raise CommentRefused(_("Bạn không tham gia thảo luận về hồ sơ này."))
    problem = body_problem(text)
    if problem:
        raise CommentRefused(problem)
    comment = Comment(
        edition_id=entry.edition_id,
        round_id=round_.id,
        entry_id=entry.id,
        author_id=user.id,
        by_organizer=is_organizer(user),
        body=text.strip(),
        created_at=now or utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def set_hidden(comment: Comment, hidden: bool, actor, now: datetime | None = None) -> bool:
    """Hide (or show again) ``comment``; organizers only; audited. False when nothing
    changed. Flushes."""
    if not is_organizer(actor):
        raise CommentRefused(_("Chỉ Ban Tổ chức có thể ẩn bình luận."))
    if comment.hidden == hidden:
        return False
    comment.hidden_at = (now or utcnow()) if hidden else None
    comment.hidden_by_id = actor.id if hidden else None
    db.session.flush()
    action = "judging.comment_hide" if hidden else "judging.comment_show"
    record(actor, action, "entry", comment.entry_id, comment=comment.id, round=comment.round_id)
    return True


# --- Reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownComment:
    """A comment as its reader sees it (``body`` masked for judges, empty when hidden from
    them)."""

    id: int
    author: str
    by_organizer: bool
    at: datetime
    body: str
    hidden: bool
    mine: bool


@dataclass(frozen=True)
class Thread:
    """The thread of an entry in a round, ready for a page."""

    entry_id: int
    edition_slug: str
    round_id: int
    round_code: str
    round_name: str
    comments: tuple[ShownComment, ...]
    for_judge: bool

    @property
    def count(self) -> int:
        """Comments a reader can read (hidden ones not counted)."""
        return sum(1 for c in self.comments if not c.hidden)


def judge_masker(entry: Entry):
    """``text -> text`` with the entry's known names masked, as judges must read it."""
    from .masking import mask, names_for_entry

    names = names_for_entry(entry)
    return lambda text: mask(text, names)


def organizer_marker(entry: Entry):
    """``text -> Markup``: the original text, the parts judges see masked highlighted."""
    from .masking import highlight, names_for_entry

    names = names_for_entry(entry)
    return lambda text: highlight(text, names)


def thread(reader, entry: Entry, round_: Round) -> Thread:
    """The thread of ``entry`` in ``round_`` as ``reader`` sees it (access checked by the
    caller with :func:`may_discuss`): organizers read everything (what judges see masked is
    highlighted), judges read masked text and only the mark of a hidden comment."""
    for_judge = not is_organizer(reader)
    shown_text = judge_masker(entry) if for_judge else organizer_marker(entry)
    rows = db.session.scalars(
        select(Comment)
        .where(Comment.round_id == round_.id, Comment.entry_id == entry.id)
        .options(selectinload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    shown = []
    for c in rows:
        author = c.author.display_name if c.author is not None else _("(tài khoản đã xoá)")
        body = "" if (c.hidden and for_judge) else shown_text(c.body)
        mine = c.author_id == reader.id
        shown.append(ShownComment(c.id, author, c.by_organizer, c.created_at, body, c.hidden, mine))
    return Thread(
        entry.id,
        entry.edition.slug,
        round_.id,
        round_.code,
        round_.name,
        tuple(shown),
        for_judge,
    )


def comment_counts(round_: Round, entry_ids: Iterable[int]) -> dict[int, int]:
    """``{entry id: visible comments}`` in ``round_`` (one query)."""
    ids = list(entry_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Comment.entry_id, func.count(Comment.id))
        .where(
            Comment.round_id == round_.id,
            Comment.entry_id.in_(ids),
            Comment.hidden_at.is_(None),
        )
        .group_by(Comment.entry_id)
    )
    return {entry_id: int(n) for entry_id, n in rows}
