"""Is the dossier complete? The registration data a submission needs, the attachment kinds
its field's checklist requires (``EditionField.required_attachments``) and the eligibility
rules (:mod:`.eligibility`). Organizers see the same report per entry at intake.

Required data: a title, a field, a board when the edition has boards, an area, a unit, the
authors (each with a full name; one representative reachable by phone or e-mail) and, for
technical entries, the date and place of first application. The mentor teacher of a youth
entry and the summary are optional.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..contests.pages_support import ATTACHMENT_LABELS
from ..extensions import db
from . import eligibility
from .models import Attachment, Entry


def attachment_label(kind: str) -> str:
    """The Vietnamese name of an attachment kind."""
    return str(ATTACHMENT_LABELS.get(kind, kind))


@dataclass
class Completeness:
    """What an entry still lacks before it can be submitted (all empty: complete)."""

    missing_data: list[tuple[str, str]] = field(default_factory=list)  # (key, message)
    missing_attachments: list[str] = field(default_factory=list)  # attachment kinds
    ineligible: list[eligibility.Ineligibility] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when nothing is missing and every rule is met."""
        return not (self.missing_data or self.missing_attachments or self.ineligible)

    def messages(self) -> list[str]:
        """Every problem as a sentence, data first, then attachments, then eligibility."""
        out = [message for _key, message in self.missing_data]
        out += [
            _("Thiếu tệp đính kèm: %(kind)s.", kind=attachment_label(kind))
            for kind in self.missing_attachments
        ]
        out += [problem.message for problem in self.ineligible]
        return out


def required_kinds(entry: Entry) -> list[str]:
    """The attachment kinds the checklist of the entry's field requires."""
    return list(entry.field.required_attachments or []) if entry.field is not None else []


def missing_kinds(entry: Entry, present: Iterable[str] | None = None) -> list[str]:
    """Required kinds without any attachment (``present``: kinds known to be there)."""
    have = set(present) if present is not None else {a.kind for a in entry.attachments}
    return [kind for kind in required_kinds(entry) if kind not in have]


def missing_kinds_by_entry(entries: Iterable[Entry]) -> dict[int, list[str]]:
    """:func:`missing_kinds` of many entries with one query (for intake lists)."""
    entries = list(entries)
    ids = [e.id for e in entries]
    present: dict[int, set[str]] = {i: set() for i in ids}
    if ids:
        rows = db.session.execute(
            select(Attachment.entry_id, Attachment.kind)
            .where(Attachment.entry_id.in_(ids))
            .distinct()
        )
        for entry_id, kind in rows:
            present[entry_id].add(kind)
    return {e.id: missing_kinds(e, present[e.id]) for e in entries}


def missing_data(entry: Entry) -> list[tuple[str, str]]:
    """The registration data a submission needs and ``entry`` lacks."""
    edition = entry.edition
    out = []
    if not (entry.title or "").strip():
        out.append(("title", _("Chưa có tên sản phẩm, giải pháp.")))
    if entry.field_id is None:
        out.append(("field_id", _("Chưa chọn lĩnh vực.")))
    if edition.boards and entry.board_id is None:
        out.append(("board_id", _("Chưa chọn bảng dự thi.")))
    if entry.area_id is None and not (entry.area_name or "").strip():
        out.append(("area_id", _("Chưa chọn địa bàn.")))
    if entry.unit_id is None and not (entry.unit_name or "").strip():
        out.append(("unit_name", _("Chưa ghi đơn vị.")))
    for index, author in enumerate(entry.authors):
        if not (author.full_name or "").strip():
            out.append(("authors", _("Tác giả thứ %(n)d chưa có họ và tên.", n=index + 1)))
    representative = entry.representative
    if representative is not None and not (representative.phone or representative.email):
        out.append(
            (
                "authors",
                _(
                    "Người đại diện (%(name)s) cần có số điện thoại hoặc e-mail.",
                    name=representative.full_name,
                ),
            )
        )
    if edition.kind == "technical" and not (entry.applied_where or "").strip():
        out.append(("applied_where", _("Chưa ghi nơi áp dụng giải pháp.")))
    return out


def eligibility_problems(
    entry: Entry, today: date | None = None
) -> list[eligibility.Ineligibility]:
    """The eligibility problems of ``entry`` (RULES §1)."""
    rules = eligibility.Rules.from_edition(entry.edition)
    authors = [eligibility.AuthorFacts(a.full_name, a.date_of_birth) for a in entry.authors]
    return eligibility.check_entry(rules, authors, entry.applied_at, today)


def check(entry: Entry, today: date | None = None) -> Completeness:
    """The completeness report of ``entry``."""
    return Completeness(
        missing_data=missing_data(entry),
        missing_attachments=missing_kinds(entry),
        ineligible=eligibility_problems(entry, today),
    )
