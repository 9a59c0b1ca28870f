"""Gates with consequences through the pages (real clock): the general settings page shows the
confirmation of closing early / opening judging with the counts, refuses without it, saves
with it (audited); the entry page does the same for a rejection or a reclassification after
judging started; the import page refuses a published edition."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.jobs.operations import commit
from contest.timeutil import LOCAL_TZ, utcnow
from tests import factories
from tests.entries_ui.conftest import make_entry, text_of


def moment(value) -> str:
    """A moment as the browser's date-time input sends it (Vietnam time)."""
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M") if value else ""


def general_data(edition, **overrides) -> dict:
    data = {
        "version": str(edition.version),
        "title": edition.title,
        "number": str(edition.number or ""),
        "description": edition.description,
        "organizing_units": edition.organizing_units,
        "opens_at": moment(edition.opens_at),
        "submission_deadline": moment(edition.submission_deadline),
        "judging_starts_at": moment(edition.judging_starts_at),
        "judging_ends_at": moment(edition.judging_ends_at),
    }
    data.update(overrides)
    return data


def audits(action):
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def test_closing_early_asks_for_a_confirmation_with_the_counts(youth, people, tree, client_for):
    make_entry(youth, people["entrant"], tree["yen_son"], complete=False)
    make_entry(youth, people["entrant"], tree["yen_son"], submit=True)
    client = client_for(people["organizer"])
    url = f"/organizer/editions/{youth.slug}/general"
    deadline = youth.submission_deadline
    closing = general_data(youth, submission_deadline=moment(utcnow() - timedelta(hours=1)))

    response = client.post(url, data=closing)
    assert response.status_code == 400
    page = text_of(response)
    assert "1 hồ sơ nháp sẽ bị khoá" in page
    assert "1 hồ sơ đã nộp nhưng chưa được tiếp nhận" in page
    assert 'name="confirm"' in page
    db.session.expire_all()
    assert youth.submission_deadline == deadline and audits("edition.update") == []

    response = client.post(url, data={**closing, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert youth.submission_deadline < utcnow()
    [audit] = audits("edition.update")
    assert audit.actor_id == people["organizer"].id
    assert audit.details["closed_early"] == {"drafts_locked": 1, "submitted": 1}


def test_opening_judging_asks_for_a_confirmation_with_the_count(youth, people, tree, client_for):
    make_entry(youth, people["entrant"], tree["yen_son"], submit=True)
    youth.submission_deadline = utcnow() - timedelta(days=1)
    db.session.commit()
    client = client_for(people["organizer"])
    url = f"/organizer/editions/{youth.slug}/general"
    opening = general_data(
        youth,
        judging_starts_at=moment(utcnow() - timedelta(hours=1)),
        judging_ends_at=moment(utcnow() + timedelta(days=7)),
    )
    response = client.post(url, data=opening)
    assert response.status_code == 400
    assert "1 hồ sơ mới nộp hoặc mới tiếp nhận" in text_of(response)
    db.session.expire_all()
    assert youth.judging_starts_at is None

    assert client.post(url, data={**opening, "confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert youth.judging_starts_at is not None
    assert audits("edition.update")[0].details["judging_opened"] == {"undecided": 1}


def judged_entry(edition, people, tree):
    """An accepted entry with one assignment and its submitted sheet; judging started."""
    entry = make_entry(edition, people["entrant"], tree["yen_son"], submit=True)
    entry.status = "accepted"
    edition.submission_deadline = utcnow() - timedelta(days=2)
    edition.judging_starts_at = utcnow() - timedelta(days=1)
    edition.judging_ends_at = utcnow() + timedelta(days=7)
    first_round = edition.rounds[0]
    factories.make_score_sheet(
        entry, people["judge"], first_round, (), submitted_at=utcnow(), assign=True
    )
    return entry


def test_rejecting_after_judging_started_asks_for_a_confirmation(youth, people, tree, client_for):
    entry = judged_entry(youth, people, tree)
    client = client_for(people["organizer"])
    detail = text_of(client.get(f"/organizer/entries/{entry.id}"))
    counts = "1 lượt phân công giám khảo, 1 phiếu chấm đã nộp và 0 phiếu chấm nháp"
    assert counts in detail
    assert 'data-testid="reject-confirm"' in detail

    data = {"version": str(entry.version), "reason": "Trùng ý tưởng"}
    response = client.post(
        f"/organizer/entries/{entry.id}/reject", data=data, follow_redirects=True
    )
    assert counts in text_of(response)
    db.session.expire_all()
    assert entry.status == "accepted" and audits("entry.reject") == []

    response = client.post(f"/organizer/entries/{entry.id}/reject", data={**data, "confirm": "y"})
    assert response.status_code == 302
    commit()
    db.session.expire_all()
    assert entry.status == "rejected"
    [audit] = audits("entry.reject")
    assert audit.details["confirmed_judging"] == {
        "assignments": 1,
        "submitted_sheets": 1,
        "draft_sheets": 0,
    }


def test_reclassifying_after_judging_started_asks_for_a_confirmation(
    youth, people, tree, client_for
):
    entry = judged_entry(youth, people, tree)
    client = client_for(people["organizer"])
    assert 'data-testid="reclassify-confirm"' in text_of(
        client.get(f"/organizer/entries/{entry.id}")
    )
    data = {"version": str(entry.version), "field_id": str(youth.field_by_code("PM").id)}
    client.post(f"/organizer/entries/{entry.id}/reclassify", data=data)
    db.session.expire_all()
    assert entry.field.code == "HT"
    client.post(f"/organizer/entries/{entry.id}/reclassify", data={**data, "confirm": "y"})
    db.session.expire_all()
    assert entry.field.code == "PM"
    assert audits("entry.reclassify")[0].details["confirmed_judging"]["submitted_sheets"] == 1


def test_no_confirmation_shown_before_judging(youth, people, tree, client_for):
    entry = make_entry(youth, people["entrant"], tree["yen_son"], submit=True)
    page = text_of(client_for(people["organizer"]).get(f"/organizer/entries/{entry.id}"))
    assert 'data-testid="reject-confirm"' not in page


def test_the_import_page_refuses_a_published_edition(youth, people, client_for):
    youth.submission_deadline = utcnow() - timedelta(days=8)
    youth.judging_starts_at = utcnow() - timedelta(days=7)
    youth.judging_ends_at = utcnow() - timedelta(days=6)
    youth.published_at = utcnow() - timedelta(days=5)
    db.session.commit()
    client = client_for(people["organizer"])
    response = client.post(
        "/organizer/entries/import",
        data={
            "edition": str(youth.id),
            "file": (io.BytesIO(b"code,title,field,authors\r\n"), "hoso.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Lần thi đã công bố kết quả" in page and "bản đính chính" in page
