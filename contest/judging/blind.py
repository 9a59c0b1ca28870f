"""What a judge may see of an entry (blind judging, RULES.md §4): the code, the field, the
title, the summary and the attachments under blind names — never authors, units, areas,
mentor, owner or original file names, and never an attachment of a kind the edition keeps for
organizers (:func:`contest.entries.judge_copies.judges_may_see`). Judges' pages render a
:class:`JudgeView`, never an :class:`~contest.entries.models.Entry`.

Every text entrants (or organizers) wrote passes through :func:`.masking.mask` with the
entry's known names; an organizer's judge version of the title or summary replaces the
entrant's own."""

from __future__ import annotations

from dataclasses import dataclass

from ..entries.attachments import blind_name
from ..entries.judge_copies import visible_to_judges
from ..entries.models import Entry
from .doc_findings import withheld_ids
from .masking import mask, names_for_entry


@dataclass(frozen=True)
class BlindAttachment:
    """An attachment as a judge sees it."""

    id: int
    kind: str
    name: str
    content_type: str
    size_bytes: int
    withheld: bool = False  # a scan found a name in it that organizers have not handled yet


@dataclass(frozen=True)
class JudgeView:
    """An entry as a judge sees it (nothing that names its authors)."""

    id: int
    code: str
    field_code: str
    field_name: str
    title: str
    summary: str
    attachments: tuple[BlindAttachment, ...]


def judge_view(entry: Entry) -> JudgeView:
    """The blind view of ``entry``, every free text masked."""
    names = names_for_entry(entry)
    visible = visible_to_judges(entry)
    withheld = withheld_ids(a.id for a in visible)
    return JudgeView(
        id=entry.id,
        code=entry.code or "",
        field_code=entry.field.code,
        field_name=entry.field.name,
        title=mask(entry.judge_title or entry.title, names),
        summary=mask(entry.judge_summary or entry.summary, names),
        attachments=tuple(
            BlindAttachment(
                a.id,
                a.kind,
                mask(blind_name(a), names),
                a.content_type,
                a.size_bytes,
                a.id in withheld,
            )
            for a in visible
        ),
    )
