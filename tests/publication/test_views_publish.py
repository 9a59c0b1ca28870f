"""The organizers' publication pages: the editions' status, the publish form (validation,
blockers and override, confirmation, CSRF), versions and differences, complaints and answers,
and the link from the results review page."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from contest.extensions import db
from contest.jobs.operations import commit
from contest.publication import complaints as domain
from contest.publication import operations as pub
from contest.publication.models import Complaint, Publication
from tests import factories
from tests.publication.flow import SLUG, T0, correct, entrant_owning, published, ready_edition
from tests.publication.helpers import compiled_edition, resolve_flags
from tests.results_compile.helpers import create_edition, definition

BASE = f"/organizer/publication/{SLUG}"


def _text(html: str) -> str:
    """The page's text, tags stripped, spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _count() -> int:
    return db.session.scalar(select(func.count(Publication.id)))


def _publish(client, **data):
    form = {"posting_days": "15", "note": "", "override_reason": "", "confirm": "y"}
    form.update(data)
    return client.post(f"{BASE}/publish", data=form)


def test_the_index_shows_each_editions_status(runner, tmp_path, client, login, users):
    organizer = users["organizer"]
    create_edition(runner, tmp_path, definition("stkt-trong"))  # never compiled
    edition = compiled_edition(runner, tmp_path)
    login(organizer)
    html = client.get("/organizer/publication/").get_data(as_text=True)
    assert 'data-testid="status-not-compiled"' in html
    # A3/A4 tied at the quota, A5's discrepancy, A6 one sheet short.
    assert "Chưa công bố được (4 vấn đề chưa xử lý)" in _text(html)
    resolve_flags(edition, organizer)
    assert 'data-testid="status-ready"' in client.get("/organizer/publication/").get_data(
        as_text=True
    )
    with time_machine.travel(T0, tick=False):
        pub.publish(edition, organizer)
        commit()
        login(organizer)  # (a session does not survive a jump in time)
        text = _text(client.get("/organizer/publication/").get_data(as_text=True))
        assert "Phiên bản 1, đang niêm yết đến 16/09/2026 10:00" in text
    with time_machine.travel(T0 + timedelta(days=16), tick=False):
        login(organizer)
        text = _text(client.get("/organizer/publication/").get_data(as_text=True))
        assert "Phiên bản 1, chính thức" in text


def test_the_edition_page_lists_blockers_with_links_and_asks_for_a_reason(
    runner, tmp_path, client, login, users
):
    compiled_edition(runner, tmp_path)
    login(users["organizer"])
    html = client.get(BASE).get_data(as_text=True)
    assert 'data-testid="blocker-A5-DISCREPANCY"' in html
    assert 'data-testid="blocker-A3-TIE_AT_QUOTA"' in html
    assert 'data-testid="blocker-A6-INCOMPLETE"' in html
    assert f"/organizer/judging/{SLUG}/progress" in html  # where the missing sheet is chased
    assert f"/organizer/results/{SLUG}?round=final&amp;flag=DISCREPANCY" in html
    assert 'name="override_reason"' in html
    assert re.search(r'name="posting_days"[^>]*value="15"', html)
    assert "Tôi hiểu rằng bản công bố không thể sửa; đính chính sẽ là phiên bản mới" in html
    # Refused without a reason: the message, the form again, nothing stored.
    response = _publish(client)
    assert response.status_code == 400
    assert "Còn vấn đề chưa xử lý" in _text(response.get_data(as_text=True))
    assert _count() == 0
    response = _publish(client, override_reason="Trưởng ban quyết định công bố")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{BASE}/v/1")
    assert db.session.scalar(select(Publication.override_reason)) == (
        "Trưởng ban quyết định công bố"
    )
    html = client.get(BASE).get_data(as_text=True)
    assert 'data-testid="override"' in html and "Trưởng ban quyết định công bố" in html


def test_the_publish_form_validates_and_stores_nothing_on_error(
    runner, tmp_path, client, login, users
):
    ready_edition(runner, tmp_path, users["organizer"])
    login(users["organizer"])
    html = client.get(BASE).get_data(as_text=True)
    assert 'name="override_reason"' not in html  # no blocker: no override field
    for data, message in (
        ({"confirm": ""}, "Hãy đánh dấu ô xác nhận trước khi công bố."),
        ({"posting_days": "91"}, "Số ngày niêm yết phải từ 0 đến 90."),
        ({"posting_days": "-1"}, "Số ngày niêm yết phải từ 0 đến 90."),
        ({"posting_days": ""}, "Vui lòng nhập thông tin này."),
    ):
        response = _publish(client, **data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    assert _count() == 0
    response = _publish(client, posting_days="0", note="Bản chính thức")
    assert response.status_code == 302
    v1 = db.session.scalar(select(Publication))
    assert (v1.version, v1.posting_days, v1.posting_ends_at, v1.note) == (
        1,
        0,
        None,
        "Bản chính thức",
    )
    assert v1.published_by_id == users["organizer"].id
    flash = client.get(f"{BASE}/v/1").get_data(as_text=True)
    assert "Đã công bố kết quả, phiên bản 1." in flash and 'data-testid="state-final"' in flash


def test_a_correction_needs_a_note_and_a_change_then_both_versions_are_readable(
    runner, tmp_path, client, login, users
):
    organizer = users["organizer"]
    edition, _v1 = published(runner, tmp_path, organizer)
    login(organizer)
    html = client.get(BASE).get_data(as_text=True)
    assert "Đính chính: công bố phiên bản 2" in html and 'data-testid="unchanged"' in html
    response = _publish(client)
    assert response.status_code == 400
    assert "Hãy ghi lý do đính chính" in response.get_data(as_text=True)
    response = _publish(client, note="Sửa")
    assert response.status_code == 400
    assert "Danh sách đạt giải không thay đổi" in response.get_data(as_text=True)
    assert _count() == 1
    correct(edition, organizer)
    preview = client.get(BASE).get_data(as_text=True)
    assert 'data-testid="diff-A4"' in preview and "Giải Ba → Giải Nhì" in _text(preview)
    assert _publish(client, note="Bốc thăm lại giải Nhì").status_code == 302
    v2 = client.get(f"{BASE}/v/2").get_data(as_text=True)
    text = _text(v2)
    assert "Thay đổi so với phiên bản 1" in text and "Bốc thăm lại giải Nhì" in text
    assert "Giải Nhì → Giải Ba" in text and "Giải Ba → Giải Nhì" in text  # A3, A4
    assert 'data-testid="entry-A4"' in v2
    v1 = client.get(f"{BASE}/v/1").get_data(as_text=True)
    assert 'data-testid="state-superseded"' in v1 and "Đã được thay thế" in v1
    listing = _text(client.get(BASE).get_data(as_text=True))
    assert "Phiên bản 2" in listing and "Phiên bản 1" in listing
    assert client.get(f"{BASE}/v/3").status_code == 404
    assert client.get("/organizer/publication/khong-co").status_code == 404


def test_the_version_page_shows_the_list_by_field_and_prize(runner, tmp_path, client, login, users):
    published(runner, tmp_path, users["organizer"])
    login(users["organizer"])
    html = client.get(f"{BASE}/v/1").get_data(as_text=True)
    text = _text(html)
    assert text.index("Công nghệ thông tin") < text.index("Giải Nhất") < text.index("Cơ khí")
    for code in ("A1", "A2", "A3", "A4", "A5", "B1"):
        assert f'data-testid="entry-{code}"' in html
    assert 'data-testid="entry-A6"' not in html
    assert "Nguyễn Văn An" in text and "90,00" in text


def test_publishing_through_a_csrf_protected_form(runner, tmp_path, make_app, users):
    ready_edition(runner, tmp_path, users["organizer"])
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").text)
    client.post(
        "/login",
        data={
            "email": "organizer@example.vn",
            "password": factories.PASSWORD,
            "csrf_token": token.group(1),
        },
    )
    page = client.get(BASE).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"posting_days": "15", "confirm": "y"}
    assert client.post(f"{BASE}/publish", data=form).status_code == 400  # no token
    assert _count() == 0
    response = client.post(f"{BASE}/publish", data={**form, "csrf_token": token})
    assert response.status_code == 302
    assert _count() == 1


def test_organizers_answer_complaints(runner, tmp_path, client, login, users, outbox):
    organizer = users["organizer"]
    with time_machine.travel(T0, tick=False):
        edition, v1 = published(runner, tmp_path, organizer)
    owner = entrant_owning("A4", email="binh@example.vn")
    first = domain.lodge(v1, v1.entries[3].entry, owner, "A4 bằng điểm A3", T0)
    second = domain.lodge(v1, v1.entries[0].entry, owner, "A1 trùng ý tưởng", T0)
    commit()
    first_id, second_id = first.id, second.id
    login(organizer)
    page = client.get(f"{BASE}/complaints").get_data(as_text=True)
    assert f'data-testid="complaint-{first_id}"' in page and "A4 bằng điểm A3" in page
    assert "Chờ trả lời (2)" in _text(page)
    answer_url = f"{BASE}/complaints/{first_id}/answer"
    response = client.post(answer_url, data={"status": "accepted", "answer": " "})
    assert response.status_code == 400
    assert "Vui lòng nhập thông tin này." in response.get_data(as_text=True)
    response = client.post(answer_url, data={"answer": "Được"})
    assert response.status_code == 400
    assert db.session.get(Complaint, first_id).status == "open"
    outbox.clear()
    response = client.post(
        answer_url, data={"status": "accepted", "answer": "Sẽ bốc thăm lại"}, follow_redirects=True
    )
    text = _text(response.get_data(as_text=True))
    assert "Đã chấp nhận khiếu nại." in text and "công bố phiên bản mới" in text
    assert [m["To"] for m in outbox] == ["binh@example.vn"]
    answered = client.get(f"{BASE}/complaints?status=answered").get_data(as_text=True)
    assert 'data-testid="accepted-hint"' in answered and f"/organizer/results/{SLUG}" in answered
    assert f'data-testid="complaint-{second_id}"' not in answered
    response = client.post(answer_url, data={"status": "rejected", "answer": "Đổi ý"})
    assert response.status_code == 302 and response.headers["Location"].endswith("status=all")
    assert "Khiếu nại này đã được trả lời." in client.get(response.headers["Location"]).text
    assert db.session.get(Complaint, first_id).status == "accepted"
    assert client.post(f"{BASE}/complaints/999/answer", data={}).status_code == 404
    assert len(outbox) == 1
    del edition


def test_the_complaints_list_is_paginated(runner, tmp_path, make_app, users):
    edition, v1 = published(runner, tmp_path, users["organizer"])
    owner = entrant_owning("A2")
    for n in range(3):
        domain.lodge(v1, v1.entries[0].entry, owner, f"Khiếu nại số {n}")
    commit()
    client = make_app(PER_PAGE=2).test_client()
    client.post("/login", data={"email": "organizer@example.vn", "password": factories.PASSWORD})
    first = client.get(f"{BASE}/complaints").get_data(as_text=True)
    assert (
        len(re.findall(r'data-testid="complaint-\d+"', first)) == 2
        and 'data-testid="pagination"' in first
    )
    second = client.get(f"{BASE}/complaints?page=2").get_data(as_text=True)
    assert len(re.findall(r'data-testid="complaint-\d+"', second)) == 1
    del edition


def test_the_results_review_page_links_to_publication(runner, tmp_path, client, login, users):
    compiled_edition(runner, tmp_path)
    login(users["organizer"])
    html = client.get(f"/organizer/results/{SLUG}").get_data(as_text=True)
    assert f'href="{BASE}" data-testid="link-publication"' in html


def test_differences_show_added_removed_and_other_changes(runner, tmp_path, client, login, users):
    from contest.entries.models import Entry
    from contest.results import decisions
    from contest.results.compile import latest_run
    from tests.publication.helpers import entry_id

    organizer = users["organizer"]
    edition, _v1 = published(runner, tmp_path, organizer)
    round_ = edition.rounds[-1]
    decisions.decide(
        edition, round_, latest_run(round_), entry_id("A5"), None, "Sai quy chế", organizer
    )
    db.session.get(Entry, entry_id("A1")).title = "Giải pháp A1 (tên đã sửa)"
    commit()
    login(organizer)
    assert _publish(client, note="Bỏ giải của A5").status_code == 302
    decisions.withdraw(
        edition, decisions.active_decisions(round_)[entry_id("A5")], "Xét lại", organizer
    )
    commit()
    assert _publish(client, note="Trả lại giải cho A5").status_code == 302
    v2 = client.get(f"{BASE}/v/2").get_data(as_text=True)
    removed = re.search(r'data-testid="diff-A5">(.*?)</li>', v2, re.S).group(1)
    assert 'data-testid="diff-removed"' in removed and "Giải Khuyến khích" in removed
    changed = _text(re.search(r'data-testid="diff-A1">(.*?)</li>\s*</ul>', v2, re.S).group(1))
    assert "Tên hồ sơ: Giải pháp A1 → Giải pháp A1 (tên đã sửa)" in changed
    v3 = client.get(f"{BASE}/v/3").get_data(as_text=True)
    added = re.search(r'data-testid="diff-A5">(.*?)</li>', v3, re.S).group(1)
    assert 'data-testid="diff-added"' in added and "Giải Khuyến khích" in added
    assert 'data-testid="diff-A1"' not in v3
