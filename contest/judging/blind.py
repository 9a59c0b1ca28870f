"""What a judge may see of an entry (blind judging, RULES.md §4): the code, the field, the
title, the summary and the attachments under blind names — never authors, units, areas,
mentor, owner or original file names. Judges' pages render a :class:`JudgeView`, never an
:class:`~contest.entries.models.Entry`."""

from __future__ import annotations

from dataclasses import dataclass

from ..entries.attachments import blind_name
from ..entries.models import Entry


@dataclass(frozen=True)
class BlindAttachment:
    """An attachment as a judge sees it."""

    id: int
    kind: str
    name: str
    content_type: str
    size_bytes: int


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
    """The blind view of ``entry``."""
    return JudgeView(
        id=entry.id,
        code=entry.code or "",
        field_code=entry.field.code,
        field_name=entry.field.name,
        title=entry.title,
        summary=entry.summary,
        attachments=tuple(
            BlindAttachment(a.id, a.kind, blind_name(a), a.content_type, a.size_bytes)
            for a in entry.attachments
        ),
    )
