"""The entrants' complaint pages: the link from their home, where they may complain now, the
form (from the published list or by code), clear refusals, nothing stored on error."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from contest.extensions import db
from contest.jobs.operations import commit
from contest.publication import complaints as domain
from contest.publication.models import Complaint
from tests import factories
from tests.publication.flow import SLUG, T0, entrant_owning, published

NEW = f"/complaints/{SLUG}/new"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _count() -> int:
    return db.session.scalar(select(func.count(Complaint.id)))


def _login(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302


def test_the_entrant_home_links_to_complaints(client, login, users):
    login(users["entrant"])
    html = client.get("/my/").get_data(as_text=True)
    assert 'href="/complaints/" data-testid="link-complaints"' in html
    page = client.get("/complaints/").get_data(as_text=True)
    assert 'data-testid="none-open"' in page and 'data-testid="no-complaints"' in page


def test_an_entrant_lodges_complaints_during_the_posting_period(runner, tmp_path, client, users):
    with time_machine.travel(T0, tick=False):
        published(runner, tmp_path, users["organizer"])
    owner = entrant_owning("A2", email="an@example.vn")
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        _login(client, owner)
        index = client.get("/complaints/").get_data(as_text=True)
        assert f'data-testid="lodge-{SLUG}"' in index
        assert "Nhận khiếu nại đến 16/09/2026 10:00" in _text(index)
        form = client.get(NEW).get_data(as_text=True)
        assert '<option value="A4">A4 — Giải pháp A4 (Giải Ba)</option>' in form
        assert 'value="A6"' not in form  # not on the list (but may be typed)
        # Errors: the form again with the message, nothing stored.
        for data, message in (
            ({"entry": "", "entry_code": "", "text": "Sai"}, "Hãy chọn hồ sơ trong danh sách"),
            ({"entry": "A4", "text": " "}, "Vui lòng nhập thông tin này."),
            ({"entry": "A4", "text": "x" * 4001}, "Tối đa 4000 ký tự."),
            ({"entry": "ZZ", "text": "Sai"}, "Lựa chọn không hợp lệ."),
            ({"entry": "A4", "entry_code": "A1", "text": "Sai"}, "Chỉ chọn một hồ sơ"),
            ({"entry_code": "X9", "text": "Sai"}, "Không có hồ sơ mã “X9” trong lần thi này."),
        ):
            response = client.post(NEW, data=data)
            assert response.status_code == 400, data
            assert message in response.get_data(as_text=True), data
        assert _count() == 0
        response = client.post(NEW, data={"entry": "A4", "text": "A4 và A3 bằng điểm"})
        assert response.status_code == 302 and response.headers["Location"].endswith("/complaints/")
        response = client.post(NEW, data={"entry_code": " a6 ", "text": "A6 thiếu phiếu chấm"})
        assert response.status_code == 302
        complaints = db.session.scalars(select(Complaint).order_by(Complaint.id)).all()
        assert [(c.entry.code, c.user_id, c.text) for c in complaints] == [
            ("A4", owner.id, "A4 và A3 bằng điểm"),
            ("A6", owner.id, "A6 thiếu phiếu chấm"),
        ]
        listing = _text(client.get("/complaints/").get_data(as_text=True))
        assert "A4 và A3 bằng điểm" in listing and "Chờ trả lời" in listing
    domain.answer(complaints[0], "rejected", "Điểm đã được xét đúng quy chế", users["organizer"])
    commit()
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        _login(client, owner)
        listing = _text(client.get("/complaints/").get_data(as_text=True))
        assert "Không được chấp nhận" in listing and "Điểm đã được xét đúng quy chế" in listing


def test_outside_the_posting_period_the_form_is_refused_clearly(runner, tmp_path, client, users):
    owner = entrant_owning()  # no entry yet: nothing published either
    _login(client, owner)
    html = client.get(NEW)
    assert html.status_code == 404  # no such edition yet
    with time_machine.travel(T0, tick=False):
        published(runner, tmp_path, users["organizer"])
    owner_a2 = entrant_owning("A2")
    with time_machine.travel(T0 + timedelta(days=15), tick=False):
        _login(client, owner_a2)
        page = client.get(NEW)
        assert page.status_code == 200
        text = _text(page.get_data(as_text=True))
        assert "Thời gian niêm yết kết quả đã kết thúc lúc 16/09/2026 10:00" in text
        assert 'data-testid="complaint-form"' not in page.get_data(as_text=True)
        response = client.post(NEW, data={"entry": "A4", "text": "Trễ hạn"})
        assert response.status_code == 400
        assert "đã kết thúc" in response.get_data(as_text=True)
        assert "Hiện không có lần thi nào" in client.get("/complaints/").get_data(as_text=True)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        _login(client, owner)  # posting, but not an entrant of this edition
        response = client.post(NEW, data={"entry": "A4", "text": "Không phải người dự thi"})
        assert response.status_code == 400
        assert "Chỉ người dự thi có hồ sơ trong lần thi này" in response.get_data(as_text=True)
    assert _count() == 0


def test_the_limit_is_shown_on_the_complaints_page(runner, tmp_path, client, users):
    with time_machine.travel(T0, tick=False):
        edition, v1 = published(runner, tmp_path, users["organizer"])
    owner = entrant_owning("A2")
    for n in range(domain.MAX_OPEN_PER_EDITION):
        domain.lodge(v1, v1.entries[0].entry, owner, f"Khiếu nại {n}", T0)
    commit()
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        _login(client, owner)
        html = client.get("/complaints/").get_data(as_text=True)
        assert 'data-testid="refusal"' in html and f'data-testid="lodge-{SLUG}"' not in html
        assert "5 khiếu nại đang chờ trả lời" in _text(html)
    del edition
