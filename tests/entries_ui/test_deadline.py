"""Deadlines as the entrant meets them: a closed edition says so and takes nothing; after the
deadline an entry is read-only with the reason shown and every write refused; an extension
for a district reopens its entries (and its communes'), not the others'."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from contest.contests.deadlines import extend_deadline
from contest.entries.models import Entry
from contest.extensions import db
from contest.timeutil import utcnow
from tests.entries_ui.conftest import make_entry, open_edition, text_of

CLOSED = "Lần thi không nhận hồ sơ lúc này (Đã hết hạn nộp)."


def close_now(edition) -> None:
    """Move the edition's deadline to a minute ago."""
    edition.submission_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()


def test_a_closed_edition_takes_no_new_entry(client, login, people, tree):
    closed = open_edition("youth", "ttn-dong", people["organizer"], days=-1)
    login(people["entrant"])
    page = text_of(client.get(f"/my/entries/new/{closed.slug}"))
    assert 'data-testid="closed"' in page
    assert "hiện không nhận hồ sơ từ địa bàn của bạn" in page
    response = client.post(
        f"/my/entries/new/{closed.slug}",
        data={"title": "Muộn", "field_id": closed.field_by_code("HT").id},
        follow_redirects=True,
    )
    assert CLOSED in text_of(response)
    assert db.session.scalar(select(func.count(Entry.id))) == 0


def test_after_the_deadline_the_entry_is_read_only(client, login, people, youth, tree):
    draft = make_entry(youth, people["entrant"], tree["yen_son"], title="Bản nháp")
    submitted = make_entry(youth, people["entrant"], tree["yen_son"], submit=True)
    close_now(youth)
    login(people["entrant"])
    for path in ("", "/edit", "/authors", "/details", "/files", "/review"):
        page = text_of(client.get(f"/my/entries/{draft.id}{path}"))
        assert 'data-testid="read-only"' in page and CLOSED in page, path
    edit_page = text_of(client.get(f"/my/entries/{draft.id}/edit"))
    assert "<fieldset disabled>" in edit_page and 'data-testid="save-next"' not in edit_page
    assert 'data-testid="submit"' not in text_of(client.get(f"/my/entries/{draft.id}/review"))
    assert 'data-testid="withdraw"' not in text_of(client.get(f"/my/entries/{submitted.id}"))

    response = client.post(
        f"/my/entries/{draft.id}/edit",
        data={"version": draft.version, "title": "Sửa muộn", "field_id": draft.field_id},
    )
    assert CLOSED in text_of(response)
    response = client.post(
        f"/my/entries/{draft.id}/submit", data={"version": draft.version}, follow_redirects=True
    )
    assert CLOSED in text_of(response)
    response = client.post(
        f"/my/entries/{submitted.id}/withdraw",
        data={"version": submitted.version},
        follow_redirects=True,
    )
    assert CLOSED in text_of(response)
    db.session.expire_all()
    assert db.session.get(Entry, draft.id).title == "Bản nháp"
    assert db.session.get(Entry, draft.id).status == "draft"
    assert db.session.get(Entry, submitted.id).status == "submitted"


def test_a_district_extension_reopens_its_communes_only(client, login, people, youth, tree):
    in_commune = make_entry(youth, people["entrant"], tree["my_bang"], title="Ở xã")
    elsewhere = make_entry(youth, people["entrant"], tree["ham_yen"], title="Ở Hàm Yên")
    close_now(youth)
    extend_deadline(
        youth, tree["yen_son"], utcnow() + timedelta(days=3), "Mưa lũ", people["organizer"]
    )
    db.session.commit()
    login(people["entrant"])
    page = text_of(client.get(f"/my/entries/{in_commune.id}/review"))
    assert 'data-testid="read-only"' not in page and 'data-testid="submit"' in page
    response = client.post(
        f"/my/entries/{in_commune.id}/submit", data={"version": in_commune.version}
    )
    assert response.headers["Location"].endswith("/receipt")
    assert 'data-testid="read-only"' in text_of(client.get(f"/my/entries/{elsewhere.id}/review"))
    response = client.post(
        f"/my/entries/{elsewhere.id}/submit",
        data={"version": elsewhere.version},
        follow_redirects=True,
    )
    assert CLOSED in text_of(response)
    db.session.expire_all()
    assert db.session.get(Entry, in_commune.id).status == "submitted"
    assert db.session.get(Entry, elsewhere.id).status == "draft"
