"""A draft tells its entrant the deadline while submissions are open, and that it can no longer
be submitted once they are closed (never "submit before the deadline" after it)."""

from __future__ import annotations

from datetime import timedelta

from contest.extensions import db
from contest.season.entrant import outlooks
from contest.timeutil import format_local, utcnow
from tests.entries_ui.conftest import make_entry


def test_draft_headline_before_and_after_the_deadline(app, people, youth, tree):
    draft = make_entry(youth, people["entrant"], tree["yen_son"], complete=False)
    headline = outlooks([draft])[draft.id].headline
    assert headline == f"Bản nháp: hoàn tất và nộp trước {format_local(youth.submission_deadline)}."
    youth.submission_deadline = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert outlooks([draft])[draft.id].headline == (
        "Bản nháp chưa nộp: đã hết hạn nộp, không nộp được nữa."
    )
