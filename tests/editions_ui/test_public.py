"""The public pages: the list of editions and one edition's page with its rules, fields,
eligibility (the exact birth-date range), rubric, prizes (amounts in đồng), timeline and the
countdown to the deadline (rendered as text by the server, updated by countdown.js)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import time_machine

from contest.contests import operations
from contest.extensions import db
from contest.timeutil import LOCAL_TZ, utcnow
from tests.editions_ui.conftest import definition_of, local

ROOT = Path(__file__).resolve().parents[2]


def test_edition_page_shows_the_rules(client, open_edition):
    prizes = definition_of(open_edition)["prizes"]
    prizes[1]["amount_vnd"] = 30_000_000
    prizes[2]["amount_vnd"] = 25_000_000
    operations.update_edition(
        open_edition,
        {"prizes": prizes, "reference_date": "2026-07-31", "age": {"min": 6, "max": 19}},
        None,
    )
    db.session.commit()
    html = client.get(f"/editions/{open_edition.slug}").get_data(as_text=True)
    assert open_edition.title in html
    # eligibility exactly as RULES §1 states it: born 31/07/2007 … 31/07/2020
    assert "sinh từ ngày 31/07/2007 đến hết ngày 31/07/2020" in html
    assert "tối đa 5 tác giả" in html
    for field in open_edition.fields:
        assert field.name in html
    assert "Tính mới, tính sáng tạo" in html and ">40<" in html
    assert "30.000.000 đ" in html and "25.000.000 đ" in html
    assert "Ban Tổ chức xét trao" in html  # Giải Đặc biệt is never automatic
    assert "tối đa 5, toàn cuộc thi" in html
    # the description keeps its lines and is escaped
    assert "Dòng một.<br>Dòng hai &lt;b&gt;không phải HTML&lt;/b&gt;." in html
    assert 'data-testid="timeline"' in html
    assert 'data-phase="open" data-state="current"' in html


def test_countdown_is_rendered_by_the_server_and_by_js(client, users):
    deadline = local(2026, 7, 31, 17, 0)
    with time_machine.travel(local(2026, 7, 20, 14, 30, 15), tick=False):
        operations.create_from_template(
            "technical",
            "stkt-dem-nguoc",
            "Hội thi đếm ngược",
            deadline,
            users["admin"],
            opens_at=local(2026, 3, 1, 7, 30),
        )
        db.session.commit()
        html = client.get("/editions/stkt-dem-nguoc").get_data(as_text=True)
    countdown = re.search(r'<p[^>]*data-testid="countdown"[^>]*>(.*?)</p>', html, re.S)
    assert countdown.group(1).strip() == "Còn 11 ngày 02 giờ 29 phút 45 giây"
    tag = countdown.group(0)
    assert 'data-deadline="2026-07-31T10:00:00+00:00"' in tag
    assert 'data-template="Còn {d} ngày {h} giờ {m} phút {s} giây"' in tag
    assert 'data-ended="Đã hết hạn nộp hồ sơ"' in tag
    assert "31/07/2026 17:00" in html  # the deadline in Vietnam time
    assert '<script src="/static/js/countdown.js"></script>' in html
    assert "<script>" not in html  # no inline script (CSP)


def test_countdown_script_reads_the_data_attributes():
    script = (ROOT / "contest" / "static" / "js" / "countdown.js").read_text(encoding="utf-8")
    for name in ("dataset.deadline", "dataset.template", "dataset.ended", "setInterval"):
        assert name in script


def test_after_the_deadline_there_is_no_countdown(client, users):
    operations.create_from_template(
        "technical",
        "stkt-het-han",
        "Hội thi đã hết hạn",
        utcnow() - timedelta(hours=1),
        users["admin"],
        opens_at=utcnow() - timedelta(days=30),
    )
    db.session.commit()
    html = client.get("/editions/stkt-het-han").get_data(as_text=True)
    assert 'data-testid="countdown"' not in html
    assert 'data-testid="countdown-ended"' in html
    assert 'data-phase="closed" data-state="current"' in html


def test_technical_edition_shows_applied_since_and_no_age_band(client, users):
    now = utcnow()
    edition = operations.create_from_template(
        "technical",
        "stkt-ap-dung",
        "Hội thi áp dụng",
        now + timedelta(days=9),
        users["admin"],
        opens_at=now - timedelta(days=1),
    )
    operations.update_edition(edition, {"applied_since": "2022-01-01"}, None)
    db.session.commit()
    html = client.get("/editions/stkt-ap-dung").get_data(as_text=True)
    assert "Không giới hạn độ tuổi" in html
    assert "áp dụng vào thực tế từ ngày 01/01/2022" in html


def test_the_list_separates_running_and_finished_editions(client, open_edition, users):
    now = utcnow()
    finished = operations.create_from_template(
        "youth",
        "ttnnd-cu",
        "Cuộc thi năm trước",
        now - timedelta(days=300),
        users["admin"],
        opens_at=now - timedelta(days=400),
    )
    finished.published_at = now - timedelta(days=100)
    db.session.commit()
    html = client.get("/editions/").get_data(as_text=True)
    running = html[
        html.index('data-testid="current-editions"') : html.index('data-testid="past-editions"')
    ]
    past = html[html.index('data-testid="past-editions"') :]
    assert open_edition.title in running and finished.title not in running
    assert finished.title in past
    deadline = open_edition.submission_deadline.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")
    assert deadline in running
    searched = client.get("/editions/?q=năm trước").get_data(as_text=True)
    assert finished.title in searched and open_edition.title not in searched


def test_phone_friendly_markup(client, open_edition):
    html = client.get(f"/editions/{open_edition.slug}").get_data(as_text=True)
    for table in re.finditer(r"<table", html):
        before = html[: table.start()]
        assert before.rfind('<div class="table-responsive">') > before.rfind("</table>")
