"""The judge's pages through the test client: home, entry page, score sheet (draft, stale
save, submit, read-only, double submit, autosave), window enforcement at the write, and 404 for
unassigned or conflicted entries by every route."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from contest.extensions import db
from contest.judging import sheets
from contest.judging.models import Assignment, ScoreSheet
from tests import factories
from tests.judging.conftest import make_entry
from tests.judging_ui import judge_fixtures
from tests.judging_ui.judge_fixtures import close_window

# The judge pages' fixtures (the package conftest.py serves the organizer pages).
judges = judge_fixtures.judges
open_edition = judge_fixtures.open_edition
assigned = judge_fixtures.assigned


def _fields(edition) -> dict[str, str]:
    """``{criterion code: form field name}``."""
    return {c.code: f"c{c.id}" for c in edition.active_criteria}


def _form(edition, version, action="save", comment="", **points) -> dict:
    """A sheet form post."""
    names = _fields(edition)
    data = {"version": str(version), "comment": comment, "action": action}
    for code, value in points.items():
        data[names[code]] = value
    return data


def _sheet_url(entry, round_) -> str:
    return f"/judge/entries/{entry.id}/sheet/{round_.id}"


def _sheet(entry, judge) -> ScoreSheet | None:
    db.session.expire_all()
    return db.session.scalars(
        select(ScoreSheet).where(ScoreSheet.entry_id == entry.id, ScoreSheet.judge_id == judge.id)
    ).first()


FULL = {"novelty": "25,5", "applicability": "20", "effect": "30.5"}


def test_home_lists_assigned_entries_with_status_progress_and_deadline(
    client, login, open_edition, final, judges, assigned
):
    other = make_entry(open_edition, "STKT-CNTT-002")  # not assigned to An
    sheet = sheets.open_sheet(judges[0], assigned, final)
    sheets.save_draft(sheet, judges[0], {"novelty": "5"}, "", 1)
    db.session.commit()
    login(judges[0])
    html = client.get("/judge/").get_data(as_text=True)
    assert "STKT-CNTT-001" in html and other.code not in html
    assert "Bản nháp" in html and "Đã nộp 0 / 1 phiếu" in html
    assert "Hạn chấm" in html and "Đang mở chấm" in html
    assert f"/judge/entries/{assigned.id}/sheet/{final.id}" in html


def test_home_without_assignments_explains_the_role(client, login, judges):
    login(judges[2])
    html = client.get("/judge/").get_data(as_text=True)
    assert 'data-testid="no-assignments"' in html


def test_entry_page_shows_the_blind_view(client, login, judges, assigned, final):
    login(judges[0])
    response = client.get(f"/judge/entries/{assigned.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "STKT-CNTT-001" in html and assigned.title in html and "Tóm tắt giải pháp." in html
    assert "Nguyễn Thị Kín" not in html
    assert "Chưa chấm" in html


def test_unassigned_and_conflicted_entries_do_not_exist_for_the_judge(
    client, login, open_edition, final, judges, assigned
):
    login(judges[2])  # Chi is not assigned
    for url in (f"/judge/entries/{assigned.id}", _sheet_url(assigned, final)):
        assert client.get(url).status_code == 404
    assert client.post(_sheet_url(assigned, final), data=_form(open_edition, 1)).status_code == 404
    autosave = client.post(_sheet_url(assigned, final) + "/autosave", data=_form(open_edition, 1))
    assert autosave.status_code == 404
    # Bình stays assigned but a conflict (the author is a relative) is recorded afterwards.
    factories.make_conflict(judges[1], open_edition, "person", name="Nguyễn Thị Kín")
    assert db.session.scalar(
        select(func.count(Assignment.id)).where(Assignment.judge_id == judges[1].id)
    )
    client.post("/logout")
    login(judges[1])
    assert "STKT-CNTT-001" not in client.get("/judge/").get_data(as_text=True)
    for url in (f"/judge/entries/{assigned.id}", _sheet_url(assigned, final)):
        assert client.get(url).status_code == 404
    assert client.post(_sheet_url(assigned, final), data=_form(open_edition, 1)).status_code == 404
    assert _sheet(assigned, judges[1]) is None
    # An entry of another round id or a missing entry is a 404 too.
    assert client.get(f"/judge/entries/{assigned.id}/sheet/999999").status_code == 404
    assert client.get("/judge/entries/999999").status_code == 404


def test_draft_save_keeps_values_and_accepts_a_decimal_comma(
    client, login, open_edition, final, judges, assigned
):
    login(judges[0])
    page = client.get(_sheet_url(assigned, final)).get_data(as_text=True)
    assert "Lưu nháp" in page and "Nộp phiếu" in page and "Từ 0 đến 30, bước 0,5" in page
    assert _sheet(assigned, judges[0]) is None  # opening the page writes nothing
    response = client.post(
        _sheet_url(assigned, final), data=_form(open_edition, 1, comment="Khá", novelty="7,5")
    )
    assert response.status_code == 302
    sheet = _sheet(assigned, judges[0])
    assert sheet.status == "draft" and sheet.total == Decimal("7.5") and sheet.comment == "Khá"
    page = client.get(_sheet_url(assigned, final)).get_data(as_text=True)
    assert 'value="7,5"' in page and "Đã lưu bản nháp." in page
    assert f'value="{sheet.version}"' in page


@pytest.mark.parametrize(
    ("value", "message"), [("31", "từ 0 đến 30"), ("7,3", "bội của 0,5"), ("abc", "không phải")]
)
def test_invalid_points_are_refused_with_a_vietnamese_message(
    client, login, open_edition, final, judges, assigned, value, message
):
    login(judges[0])
    response = client.post(_sheet_url(assigned, final), data=_form(open_edition, 1, novelty=value))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _sheet(assigned, judges[0]) is None


def test_stale_save_is_refused_and_shows_the_newer_values(
    client, login, open_edition, final, judges, assigned
):
    login(judges[0])
    url = _sheet_url(assigned, final)
    client.post(url, data=_form(open_edition, 1, novelty="10"))  # tab A: version 2
    response = client.post(url, data=_form(open_edition, 1, novelty="20"))  # tab B, from v1
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "đã được lưu ở nơi khác" in html
    assert 'value="10"' in html and 'value="20"' not in html
    assert _sheet(assigned, judges[0]).total == Decimal("10")


def test_submit_locks_the_sheet_and_a_second_submit_is_harmless(
    client, login, open_edition, final, judges, assigned
):
    login(judges[0])
    url = _sheet_url(assigned, final)
    incomplete = client.post(url, data=_form(open_edition, 1, action="submit", novelty="5"))
    html = incomplete.get_data(as_text=True)
    assert incomplete.status_code == 422 and "chưa chấm các tiêu chí" in html
    draft = _sheet(assigned, judges[0])  # the typed points are kept as a draft
    assert draft.status == "draft" and draft.total == Decimal("5")
    assert f'value="{draft.version}"' in html
    response = client.post(url, data=_form(open_edition, draft.version, action="submit", **FULL))
    assert response.status_code == 302 and response.headers["Location"].endswith("/judge/")
    sheet = _sheet(assigned, judges[0])
    assert sheet.status == "submitted" and sheet.total == Decimal("76")
    version = sheet.version
    again = client.post(url, data=_form(open_edition, 1, action="submit", **FULL))
    assert again.status_code == 302
    edit = client.post(url, data=_form(open_edition, version, novelty="1"))
    assert edit.status_code == 302
    autosave = client.post(url + "/autosave", data=_form(open_edition, version, novelty="1"))
    assert autosave.status_code == 403 and "chỉ Ban Tổ chức" in autosave.get_json()["message"]
    sheet = _sheet(assigned, judges[0])
    assert sheet.total == Decimal("76") and sheet.version == version
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="sheet-locked"' in page and "<fieldset disabled>" in page
    assert 'data-testid="submit-sheet"' not in page
    home = client.get("/judge/").get_data(as_text=True)
    assert "Đã nộp 1 / 1 phiếu" in home


def test_autosave_saves_a_draft_and_answers_stale_with_the_newer_values(
    client, login, open_edition, final, judges, assigned
):
    login(judges[0])
    url = _sheet_url(assigned, final) + "/autosave"
    first = client.post(url, data=_form(open_edition, 1, novelty="12,5"))
    assert first.status_code == 200
    body = first.get_json()
    assert body["saved"] and body["version"] == 2 and body["total"] == "12,5"
    stale = client.post(url, data=_form(open_edition, 1, novelty="3"))
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["error"] == "stale" and body["version"] == 2
    assert body["points"][_fields(open_edition)["novelty"]] == "12,5"
    invalid = client.post(url, data=_form(open_edition, 2, novelty="99"))
    assert invalid.status_code == 422
    assert _sheet(assigned, judges[0]).total == Decimal("12.5")


def test_window_is_enforced_at_the_write(client, login, open_edition, final, judges, assigned):
    login(judges[0])
    url = _sheet_url(assigned, final)
    client.post(url, data=_form(open_edition, 1, novelty="10"))
    close_window(open_edition)
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="window-closed"' in page and "<fieldset disabled>" in page
    response = client.post(url, data=_form(open_edition, 2, action="submit", **FULL))
    assert response.status_code == 302
    assert "Ngoài thời gian chấm" in client.get(url).get_data(as_text=True)
    autosave = client.post(url + "/autosave", data=_form(open_edition, 2, novelty="11"))
    assert autosave.status_code == 403 and "Ngoài thời gian chấm" in autosave.get_json()["message"]
    sheet = _sheet(assigned, judges[0])
    assert sheet.status == "draft" and sheet.total == Decimal("10")
    # A judge who never opened the sheet cannot start one after the window either.
    client.post("/logout")
    login(judges[1])
    client.post(url, data=_form(open_edition, 1, novelty="10"))
    assert _sheet(assigned, judges[1]) is None


def test_organizer_reopen_lets_the_judge_edit_again(
    client, login, open_edition, final, judges, assigned, organizer
):
    login(judges[0])
    url = _sheet_url(assigned, final)
    client.post(url, data=_form(open_edition, 1, action="submit", **FULL))
    sheet = _sheet(assigned, judges[0])
    sheets.reopen(sheet, organizer, "Nhập nhầm điểm")
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Nhập nhầm điểm" in page and 'data-testid="submit-sheet"' in page
    response = client.post(url, data=_form(open_edition, sheet.version, **{**FULL, "effect": "40"}))
    assert response.status_code == 302
    assert _sheet(assigned, judges[0]).total == Decimal("85.5")
