"""The coordinator's home follows up their area: counts by stage with the area's deadline,
drafts not yet submitted with the owner's contacts, entries missing required files — and
nothing of another area."""

from __future__ import annotations

from html import unescape

from contest.extensions import db
from tests.entries_ui.conftest import make_entry


def test_the_home_lists_drafts_with_contacts_and_missing_files(people, youth, tree, client_for):
    people["entrant"].phone = "0987 654 321"
    db.session.commit()
    make_entry(youth, people["entrant"], tree["my_bang"], title="Nháp thiếu tệp", complete=False)
    lacking = make_entry(youth, people["entrant"], tree["yen_son"], title="Đã nộp", submit=True)
    lacking.attachments.clear()
    db.session.commit()
    make_entry(youth, people["other"], tree["ham_yen"], title="Nháp Hàm Yên", complete=False)
    html = unescape(client_for(people["coord"]).get("/coordinator/").get_data(as_text=True))
    assert f'data-edition="{youth.slug}"' in html
    assert "Hạn nộp của địa bàn: " in html
    assert "Bản nháp chưa nộp (1)" in html and "Nháp thiếu tệp" in html
    assert "an@example.vn" in html and "0987 654 321" in html
    assert "Hồ sơ đã nộp còn thiếu tệp bắt buộc (1)" in html
    assert lacking.code in html and "Bản thuyết minh" in html
    assert "Nháp Hàm Yên" not in html and "binh@example.vn" not in html
    assert "Bản nháp: <strong>1</strong>" in html
