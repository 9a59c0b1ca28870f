"""What a judge may open of an entry (blind judging, RULES.md §4) — the one place that decides
it for the judge's pages and files.

A judge may open an entry, and download its attachments, only while they may judge it: they
are assigned to it in a round of its edition, the entry is accepted, and no conflict of
interest stands (declared or inferred; :func:`.sheets.ensure_may_judge`). Anything else does
not exist for them (404). Files go to judges under their blind name, never the original one.

Judges never reach entries through :mod:`contest.entries.access`: the entrant, coordinator,
organizer and ``/attachments/<id>`` routes serve owners, coordinators and organizers only.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..contests.models import Round
from ..entries.attachments import blind_name
from ..entries.judge_copies import (  # noqa: F401 - JudgeCopyUnavailable: for the routes
    JudgeCopyUnavailable,
    judge_copy,
    judges_may_see,
)
from ..entries.models import Attachment, Entry
from ..errors import UserError
from ..extensions import db
from . import sheets
from .doc_findings import withheld_ids
from .errors import NotAssigned
from .models import Assignment


def judged_rounds(judge, entry: Entry) -> list[Round]:
    """The rounds in which ``judge`` may judge ``entry`` now (empty: the entry does not exist
    for them)."""
    rounds = db.session.scalars(
        select(Round)
        .join(Assignment, Assignment.round_id == Round.id)
        .where(Assignment.entry_id == entry.id, Assignment.judge_id == judge.id)
        .order_by(Round.position, Round.id)
    ).all()
    usable = []
    for round_ in rounds:
        try:
            sheets.ensure_may_judge(judge, entry, round_)
        except NotAssigned:
            continue
        usable.append(round_)
    return usable


def judge_entry_or_404(judge, entry_id: int) -> Entry:
    """The entry ``entry_id`` if ``judge`` may judge it now; 404 otherwise."""
    entry = db.session.get(Entry, entry_id)
    if entry is None or not judged_rounds(judge, entry):
        abort(404)
    return entry


def judge_attachment_or_404(judge, attachment_id: int) -> Attachment:
    """The attachment ``attachment_id`` if ``judge`` may judge its entry now; 404 otherwise.

    Every judge's file route asks this function and nothing else. Which attachment kinds
    judges may see at all (per-kind visibility) is decided here as well: a kind hidden from
    judges is a 404 like any other."""
    attachment = db.session.get(Attachment, attachment_id)
    if (
        attachment is None
        or not judges_may_see(attachment.entry.edition, attachment.kind)
        or not judged_rounds(judge, attachment.entry)
    ):
        abort(404)
    return attachment


@dataclass(frozen=True)
class JudgeFile:
    """The stored file a judge receives for an attachment, and its download name."""

    storage_key: str
    content_type: str
    name: str


def judge_file(attachment: Attachment) -> JudgeFile:
    """The file a judge downloads for ``attachment``, under its blind name. The copy judges
    receive without the file's metadata (author, EXIF …) is chosen here: the original stays
    for organizers, owners and coordinators. Raises :class:`JudgeCopyUnavailable` when no
    such copy can be made (the original is never sent instead), and :class:`FileWithheld`
    while a document scan finding on the file is open."""
    if withheld_ids([attachment.id]):
        raise FileWithheld()
    copy = judge_copy(attachment)
    return JudgeFile(copy.storage_key, copy.content_type, blind_name(attachment))


class FileWithheld(UserError):
    """The document scan found a name in the file and organizers have not handled it yet:
    judges do not receive it until then (``message`` says so)."""

    message = _l(
        "Tệp này đang chờ Ban Tổ chức kiểm tra vì có thể nêu tên tác giả, người hướng dẫn hoặc "
        "đơn vị. Bạn sẽ xem được khi Ban Tổ chức xử lý xong."
    )


def judge_thumbnail_key(attachment: Attachment) -> str | None:
    """The stored key of the thumbnail a judge sees (made by the service: no metadata)."""
    return attachment.thumbnail_key
