"""Printable blank score sheets (phiếu chấm giấy) as PDF, per judge, for judging on paper.

One page per (judge, assigned entry): the edition, the round, the entry's code and field —
never its title, authors, unit or area —, the active criteria with their maximum points and
empty boxes, the total, room for a comment and a signature line. Rendered from
``templates/judging/org_paper_pdf.html`` and ``static/css/judging_paper.css`` by WeasyPrint
with the DejaVu fonts (Vietnamese); every text is NFC-normalised.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import render_template
from sqlalchemy import select

from .. import display, pdf
from ..accounts.models import User
from ..contests.models import Edition, EditionField, Round
from ..entries.models import Entry
from ..extensions import db
from ..text import nfc
from .models import Assignment

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "judging_paper.css"


@dataclass(frozen=True)
class PaperEntry:
    """What a paper sheet shows of an entry: its code and field."""

    code: str
    field_code: str
    field_name: str


@dataclass
class JudgePacket:
    """A judge and the entries to print a blank sheet for."""

    judge_name: str
    judge_email: str
    entries: list[PaperEntry]


def packets(edition: Edition, round_: Round, judge_id: int | None = None) -> list[JudgePacket]:
    """Each judge (or only ``judge_id``) with their assigned entries of ``round_``, by name
    and entry code (one query)."""
    query = (
        select(
            User.id, User.full_name, User.email, Entry.code, EditionField.code, EditionField.name
        )
        .select_from(Assignment)
        .join(User, User.id == Assignment.judge_id)
        .join(Entry, Entry.id == Assignment.entry_id)
        .join(EditionField, EditionField.id == Entry.field_id)
        .where(Assignment.edition_id == edition.id, Assignment.round_id == round_.id)
        .order_by(User.full_name, User.email, Entry.code)
    )
    if judge_id is not None:
        query = query.where(Assignment.judge_id == judge_id)
    out: dict[int, JudgePacket] = {}
    for uid, name, email, code, field_code, field_name in db.session.execute(query):
        packet = out.setdefault(uid, JudgePacket(nfc(name or email), email, []))
        packet.entries.append(PaperEntry(nfc(code), nfc(field_code), nfc(field_name)))
    return list(out.values())


def render_html(edition: Edition, round_: Round, judge_id: int | None = None) -> str:
    """The printable HTML of the blank sheets."""
    criteria = [
        (nfc(c.code), nfc(c.name), display.points(c.max_points)) for c in edition.active_criteria
    ]
    return render_template(
        "judging/org_paper_pdf.html",
        edition_title=nfc(edition.title),
        round_label=nfc(display.round_title(round_)),
        packets=packets(edition, round_, judge_id),
        criteria=criteria,
        total_max=display.points(sum((c.max_points for c in edition.active_criteria), 0)),
    )


def render_pdf(edition: Edition, round_: Round, judge_id: int | None = None) -> bytes:
    """The blank sheets as PDF bytes (WeasyPrint; no external resources are fetched)."""
    return pdf.render_pdf(render_html(edition, round_, judge_id), STYLESHEET)
