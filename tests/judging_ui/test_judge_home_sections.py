"""The judge's home: current work first; a round whose judging has not opened yet says when it
opens (and offers a preview, not "Chấm điểm"); past rounds are folded away."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from contest.extensions import db
from contest.timeutil import format_local, utcnow
from tests.judging_ui import judge_fixtures

judges = judge_fixtures.judges
open_edition = judge_fixtures.open_edition
assigned = judge_fixtures.assigned


def _home(client) -> str:
    return unescape(client.get("/judge/").get_data(as_text=True))


def test_open_round_is_current_work(client, login, judges, assigned):
    login(judges[0])
    html = _home(client)
    assert 'data-testid="current-work"' in html and 'data-kind="current"' in html
    assert "Chấm điểm" in html and 'data-testid="past-rounds"' not in html


def test_a_round_not_open_yet_says_when_it_opens(client, login, judges, assigned, open_edition):
    starts = utcnow() + timedelta(days=3)
    open_edition.judging_starts_at = starts
    open_edition.judging_ends_at = starts + timedelta(days=7)
    db.session.commit()
    login(judges[0])
    html = _home(client)
    assert "Hiện không có vòng chấm nào đang mở." in html
    assert f"Vòng chấm gần nhất mở lúc {format_local(starts)}." in html
    assert f"Thời gian chấm mở lúc {format_local(starts)}." in html
    assert 'data-kind="upcoming"' in html and "Xem trước phiếu" in html
    assert ">Chấm điểm<" not in html.replace("\n", "").replace("  ", "")


def test_past_rounds_are_folded(client, login, judges, assigned, open_edition):
    judge_fixtures.close_window(open_edition)
    login(judges[0])
    html = _home(client)
    assert '<details class="mb-4" data-testid="past-rounds">' in html
    assert "Các vòng chấm đã kết thúc (1)" in html and 'data-kind="past"' in html


def test_the_sheet_before_judging_opens_says_when(
    client, login, judges, assigned, open_edition, final
):
    starts = utcnow() + timedelta(days=3)
    open_edition.judging_starts_at = starts
    open_edition.judging_ends_at = starts + timedelta(days=7)
    db.session.commit()
    login(judges[0])
    html = unescape(
        client.get(f"/judge/entries/{assigned.id}/sheet/{final.id}").get_data(as_text=True)
    )
    assert 'data-testid="window-closed"' in html
    assert f"Thời gian chấm từ {format_local(starts)} đến " in html
