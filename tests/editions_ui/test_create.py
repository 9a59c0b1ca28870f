"""Creating an edition from the pages: from a built-in template, or from a JSON definition
(uploaded or pasted). Refusals explain themselves in Vietnamese and write nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

from sqlalchemy import func, select

from contest.audit.models import AuditEntry
from contest.contests.models import Edition
from contest.extensions import db
from tests.editions_ui.conftest import form_moment, local

EXAMPLE = (Path(__file__).parents[1] / "contests" / "data" / "formats_example.json").read_text(
    encoding="utf-8"
)
ENGLISH = ("Not a valid", "This field is required", "Invalid input")


def editions_count() -> int:
    return db.session.scalar(select(func.count(Edition.id)))


def template_data(**overrides) -> dict:
    data = {
        "kind": "technical",
        "slug": "stkt-tq-2026",
        "title": "Hội thi Sáng tạo Kỹ thuật tỉnh Tuyên Quang lần thứ XI (2026–2027)",
        "number": "11",
        "opens_at": "2026-03-01T07:30",
        "submission_deadline": "2026-07-31T17:00",
    }
    data.update(overrides)
    return data


def assert_vietnamese_only(html: str) -> None:
    for phrase in ENGLISH:
        assert phrase not in html


def test_create_from_template(client, organizer):
    response = client.post("/organizer/editions/new", data=template_data())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organizer/editions/stkt-tq-2026")
    edition = db.session.scalar(select(Edition).where(Edition.slug == "stkt-tq-2026"))
    assert edition.kind == "technical" and edition.number == 11
    assert edition.submission_deadline == local(2026, 7, 31, 17, 0)
    assert edition.opens_at == local(2026, 3, 1, 7, 30)
    assert [f.code for f in edition.fields] == ["CNTT", "CK", "VL", "NLN", "YD", "GD"]
    assert [c.max_points for c in edition.criteria] == [30, 30, 40]
    [audit] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "edition.create"))
    assert audit.actor_id == organizer.id and audit.details["source"] == "template:technical"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hội thi Sáng tạo Kỹ thuật tỉnh Tuyên Quang lần thứ XI" in page


def test_template_form_errors_are_vietnamese_and_nothing_is_saved(client, organizer):
    response = client.post(
        "/organizer/editions/new",
        data=template_data(slug="Sai Mã", submission_deadline="31/13/2026", number="mười"),
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Ngày giờ không hợp lệ" in html
    assert "Vui lòng nhập một số nguyên." in html
    assert_vietnamese_only(html)
    assert editions_count() == 0


def test_domain_rules_reach_the_form(client, organizer):
    response = client.post(
        "/organizer/editions/new",
        data=template_data(slug="Sai Mã", opens_at="2026-08-01T07:00"),
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "chỉ gồm chữ thường không dấu" in html  # slug rule, on the slug input
    assert "hạn nộp hồ sơ phải sau thời điểm mở nhận hồ sơ" in html
    assert editions_count() == 0


def test_a_taken_slug_is_refused(client, organizer, open_edition):
    response = client.post("/organizer/editions/new", data=template_data(slug=open_edition.slug))
    assert response.status_code == 400
    assert f"đã có lần thi với mã &#39;{open_edition.slug}&#39;" in response.get_data(as_text=True)
    assert editions_count() == 1


def test_an_unknown_contest_kind_is_refused(client, organizer):
    response = client.post("/organizer/editions/new", data=template_data(kind="olympic"))
    assert response.status_code == 400
    assert "Lựa chọn không hợp lệ." in response.get_data(as_text=True)
    assert editions_count() == 0


def test_create_from_an_uploaded_definition(client, organizer):
    response = client.post(
        "/organizer/editions/import",
        data={"file": (io.BytesIO(EXAMPLE.encode("utf-8")), "edition.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    edition = db.session.scalar(select(Edition).where(Edition.slug == "stkt-2025"))
    assert [p.amount_vnd for p in edition.prizes] == [30000000, 25000000, 15000000, 8000000]


def test_invalid_definition_lists_every_key_and_writes_nothing(client, organizer):
    data = json.loads(EXAMPLE)
    data["contest"] = "olympic"
    data["prizes"][1]["quota"] = -1
    data["surprise"] = 1
    response = client.post("/organizer/editions/import", data={"text": json.dumps(data)})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for key in ("contest", "prizes[1].quota", "surprise"):
        assert f"<code>{key}</code>" in html
    assert "khóa không được hỗ trợ" in html
    assert editions_count() == 0


def test_broken_json_is_reported_with_its_line(client, organizer):
    response = client.post("/organizer/editions/import", data={"text": '{"slug": "x",\n  oops}'})
    assert response.status_code == 400
    assert "tệp không phải JSON hợp lệ: dòng 2" in response.get_data(as_text=True)
    assert editions_count() == 0


def test_nothing_to_import(client, organizer):
    response = client.post("/organizer/editions/import", data={})
    assert response.status_code == 400
    assert "Vui lòng chọn tệp hoặc dán nội dung JSON." in response.get_data(as_text=True)


def test_a_definition_warning_needs_confirmation(client, organizer):
    data = json.loads(EXAMPLE)
    data["criteria"][2]["max_points"] = 30  # 30 + 30 + 30 = 90
    text = json.dumps(data, ensure_ascii=False)
    response = client.post("/organizer/editions/import", data={"text": text})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "tổng điểm tối đa của các tiêu chí là 90" in html
    assert 'name="confirm"' in html
    assert "Hội thi Sáng tạo Kỹ thuật tỉnh Tuyên Quang" in html  # the text is kept for confirming
    assert editions_count() == 0
    response = client.post("/organizer/editions/import", data={"text": text, "confirm": "y"})
    assert response.status_code == 302
    assert editions_count() == 1


def test_a_non_utf8_upload_is_refused(client, organizer):
    response = client.post(
        "/organizer/editions/import",
        data={"file": (io.BytesIO(b'{"title": "H\xf4i thi"}'), "x.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Tệp phải là văn bản UTF-8 (JSON)." in response.get_data(as_text=True)


def test_new_page_offers_both_ways(client, organizer):
    html = client.get("/organizer/editions/new").get_data(as_text=True)
    assert 'data-testid="template-form"' in html and 'data-testid="definition-form"' in html
    assert 'type="datetime-local"' not in html and 'placeholder="dd/mm/yyyy hh:mm"' in html
    assert form_moment(local(2026, 1, 1, 8, 0)) == "2026-01-01T08:00"
