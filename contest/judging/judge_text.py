"""The judge version of an entry's title and summary (blind judging, RULES.md §4).

Organizers see the entrant's text with every name judges will not see highlighted, and may
write the title and summary judges read instead; blank means the entrant's own text. Judges get
either through :func:`.masking.mask` all the same. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..audit.operations import record
from ..entries.models import Entry
from .masking import find, highlight, hints, mask, names_for_entry


@dataclass(frozen=True)
class JudgeTextPreview:
    """An entry's texts as the organizer checks them before judging."""

    title_marked: Markup  # the entrant's title, names highlighted (given names alone hinted)
    summary_marked: Markup  # the entrant's summary, likewise
    masked_count: int  # names found in the entrant's title and summary
    hint_count: int  # given names written alone (left to judges)
    judge_title: str  # what judges read (masked)
    judge_summary: str
    own_version: bool  # an organizer wrote what judges read


def preview(entry: Entry) -> JudgeTextPreview:
    """What the organizer sees of ``entry``'s texts and what judges will read."""
    names = names_for_entry(entry)
    return JudgeTextPreview(
        title_marked=highlight(entry.title, names, with_hints=True),
        summary_marked=highlight(entry.summary, names, with_hints=True),
        masked_count=len(find(entry.title, names)) + len(find(entry.summary, names)),
        hint_count=len(hints(entry.title, names)) + len(hints(entry.summary, names)),
        judge_title=mask(entry.judge_title or entry.title, names),
        judge_summary=mask(entry.judge_summary or entry.summary, names),
        own_version=bool(entry.judge_title or entry.judge_summary),
    )


def _clean(text: str | None) -> str | None:
    text = (text or "").replace("\r\n", "\n").strip()
    return text or None


def set_judge_text(entry: Entry, title: str | None, summary: str | None, actor) -> bool:
    """Store the judge version of ``entry``'s title and summary (blank: the entrant's own).
    Returns whether anything changed; a change is audited with the old and new texts."""
    new_title, new_summary = _clean(title), _clean(summary)
    if (new_title, new_summary) == (entry.judge_title, entry.judge_summary):
        return False
    record(
        actor,
        "judging.judge_text",
        "entry",
        entry.id,
        title_before=entry.judge_title,
        title_after=new_title,
        summary_before=entry.judge_summary,
        summary_after=new_summary,
    )
    entry.judge_title, entry.judge_summary = new_title, new_summary
    return True
