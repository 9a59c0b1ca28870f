"""The edition a season is compared with: chosen on the general settings page (or set by a
clone), audited; never itself or a later edition in its own line."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape

from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.contests import operations
from contest.contests.validation import InvalidEdition
from contest.extensions import db
from contest.reports.statistics_compare import previous_edition
from tests.editions_ui.test_settings import general_data, url


def _other(users, slug: str):
    """An earlier youth edition."""
    deadline = datetime(2025, 3, 31, 10, tzinfo=UTC)
    edition = operations.create_from_template(
        "youth", slug, f"Lần thi {slug}", deadline, users["admin"]
    )
    db.session.commit()
    return edition


def test_the_predecessor_is_chosen_on_the_general_page(client, organizer, open_edition, users):
    older = _other(users, "ttn-7")
    html = unescape(client.get(url(open_edition, "general")).get_data(as_text=True))
    assert "So sánh thống kê với lần thi trước" in html and older.title in html
    response = client.post(
        url(open_edition, "general"),
        data={**general_data(open_edition), "predecessor_id": str(older.id)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert previous_edition(open_edition) == older
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "edition.predecessor"))
    assert audit.details["changes"]["predecessor_id"]["after"] == older.id
    # Leaving the field out of a post leaves it alone; choosing "none" clears it.
    client.post(url(open_edition, "general"), data=general_data(open_edition))
    db.session.expire_all()
    assert open_edition.predecessor_id == older.id
    client.post(
        url(open_edition, "general"), data={**general_data(open_edition), "predecessor_id": ""}
    )
    db.session.expire_all()
    assert open_edition.predecessor_id is None


def test_a_loop_is_refused(open_edition, users):
    older = _other(users, "ttn-7")
    operations.set_predecessor(open_edition, older.id, users["admin"])
    db.session.commit()
    for target, chosen in ((older, open_edition.id), (open_edition, open_edition.id)):
        try:
            operations.set_predecessor(target, chosen, users["admin"])
        except InvalidEdition as exc:
            assert "không thể chọn" in str(exc.problems[0])
        else:
            raise AssertionError("a loop was accepted")
        db.session.rollback()
