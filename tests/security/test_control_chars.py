"""Control characters (NUL above all) and broken UTF-8 are refused with a 400 in the user's
language on every input path — path, query string, form fields, JSON — and nothing is
written; uploaded file names are cleaned; tabs and line breaks of text areas are kept."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from contest.accounts.models import User
from contest.extensions import db
from contest.input_guard import has_forbidden, strip_forbidden
from contest.tabular import TableError, read_table

REFUSED_DATA = "Dữ liệu gửi lên có ký tự không hợp lệ"
REFUSED_URL = "Địa chỉ trang có ký tự không hợp lệ"


def _refused(response, text: str = REFUSED_DATA) -> None:
    assert response.status_code == 400, response.status_code
    assert text in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\ud800"]
)
def test_forbidden_characters(char):
    assert has_forbidden(f"a{char}b") and strip_forbidden(f"a{char}b") == "ab"


@pytest.mark.parametrize("text", ["", "Nguyễn Văn A", "dòng 1\r\ndòng 2\tcột", "😀 ₫ ‑ ·"])
def test_allowed_text(text):
    assert not has_forbidden(text) and strip_forbidden(text) == text


def test_nul_in_login_email_is_refused(client, users):
    response = client.post("/login", data={"email": "organizer@example.vn\x00", "password": "x"})
    _refused(response)


def test_nul_in_search_queries_is_refused(client, world):
    _refused(client.get("/results/?q=a%00b"), REFUSED_URL)
    _refused(client.get("/editions/?q=%00"), REFUSED_URL)
    _refused(client.get("/editions/?%00=1"), REFUSED_URL)


def test_del_and_controls_in_query_are_refused(client, world):
    for code in ("%01", "%1F", "%7F", "%0B"):
        _refused(client.get(f"/editions/?q=x{code}"), REFUSED_URL)


def test_tabs_and_newlines_in_query_pass(client, world):
    assert client.get("/editions/?q=a%09b%0Ac").status_code == 200


def test_invalid_utf8_in_query_and_path_is_refused(client, world):
    _refused(client.get("/editions/?q=%FF%FE"), REFUSED_URL)
    _refused(client.get("/editions/?q=%ED%A0%80"), REFUSED_URL)  # an encoded lone surrogate
    # a WSGI server hands the raw path bytes over as latin-1 (the test client would re-encode)
    raw = client.get("/editions/x", environ_overrides={"PATH_INFO": "/editions/\xffabc"})
    _refused(raw, REFUSED_URL)


def test_nul_in_slug_is_refused(client, world):
    slug = world["edition"].slug
    _refused(client.get(f"/editions/{slug}%00"), REFUSED_URL)
    _refused(client.get(f"/results/{slug}%00x"), REFUSED_URL)


def test_the_refusal_page_does_not_write_the_control_characters_back(client, world):
    response = client.get(f"/editions/{world['edition'].slug}%00x?q=a%01b")
    _refused(response, REFUSED_URL)
    body = response.get_data()
    assert b"\x00" not in body and b"\x01" not in body
    # The language switch of the page goes back to wherever the user came from instead.
    assert b'name="next" value=""' in body


def test_registration_with_nul_writes_nothing(client, world):
    before = db.session.scalar(select(func.count(User.id)))
    response = client.post(
        "/register",
        data={
            "email": "moi@example.vn",
            "full_name": "Nguyễn\x00 An",
            "password": "mật khẩu dài 12345",
            "confirm": "mật khẩu dài 12345",
        },
    )
    _refused(response)
    assert db.session.scalar(select(func.count(User.id))) == before


def test_entry_edit_with_nul_changes_nothing(client, login, world):
    entry = world["entry"]
    login(world["users"]["entrant"])
    response = client.post(
        f"/my/entries/{entry.id}/edit",
        data={
            "title": "Tên mới\x00",
            "field_id": str(entry.field_id),
            "summary": "ok",
            "version": str(entry.version),
        },
    )
    _refused(response)
    db.session.expire_all()
    assert db.session.get(type(entry), entry.id).title == "Bài thử"


def test_textarea_line_breaks_are_kept(client, login, world):
    entry = world["entry"]
    login(world["users"]["entrant"])
    response = client.post(
        f"/my/entries/{entry.id}/edit",
        data={
            "title": "Bài thử",
            "field_id": str(entry.field_id),
            "area_id": str(entry.area_id),
            "unit_name": "Trường Thử",
            "summary": "dòng 1\r\n\tdòng 2",
            "version": str(entry.version),
        },
    )
    assert response.status_code in (200, 302)
    db.session.expire_all()
    assert "dòng 2" in (db.session.get(type(entry), entry.id).summary or "")


def test_json_body_with_lone_surrogate_is_refused(client, login, world):
    login(world["users"]["organizer"])
    response = client.post(
        "/lang/vi",
        data='{"next": "\\ud800"}',
        content_type="application/json",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert REFUSED_DATA in response.get_json()["message"]


def test_refusal_is_json_for_json_clients(client, login, world):
    login(world["users"]["judge"])
    response = client.post("/judge/entries/1/sheet/1/autosave", data={"points": "1\x00"})
    assert response.status_code == 400
    assert response.is_json and REFUSED_DATA in response.get_json()["message"]


def test_uploaded_file_name_is_cleaned(app, world):
    """The guard strips control characters from file names (checked on the request)."""
    from flask import request

    from contest.input_guard import check_request

    data = {"file": (io.BytesIO(b"%PDF-1.4\n"), "ba\x00o\x07 cao.pdf")}
    with app.test_request_context("/x", method="POST", data=data):
        check_request()
        assert request.files["file"].filename == "bao cao.pdf"


# --- Imported tables --------------------------------------------------------------------------


def test_csv_cell_with_nul_is_a_row_problem():
    data = "ma,ho_ten\nA1,Nguyễn\x00 An\nA2,ok\n".encode()
    with pytest.raises(TableError) as caught:
        read_table(io.BytesIO(data))
    text = str(caught.value)
    assert "dòng 2, cột ho_ten" in text and "ký tự điều khiển" in text


def test_xlsx_cell_with_control_character_is_a_row_problem():
    """XML refuses most control characters (the file is then unreadable), but DEL is legal
    XML and reaches the cells."""
    from tests.security.xlsx_craft import with_sheet

    data = with_sheet([["ma", "ho_ten"], ["A1", "Nguyễn An"], ["A2", "Trần\x7f Bình"]])
    with pytest.raises(TableError) as caught:
        read_table(io.BytesIO(data))
    assert "dòng 3, cột ho_ten" in str(caught.value)


def test_csv_cells_keep_line_breaks_and_tabs():
    data = 'ma,ghi_chu\nA1,"dòng 1\ndòng 2\tx"\n'.encode()
    table = read_table(io.BytesIO(data))
    assert table.rows[0].get("ghi_chu") == "dòng 1\ndòng 2\tx"


def test_entries_csv_import_with_nul_names_the_row(app, world):
    from contest.entries.import_rows import ImportFailed
    from contest.entries.imports import import_entries
    from contest.entries.models import Entry

    edition = world["edition"]
    field = edition.fields[0].code
    data = (
        "code,title,field,authors\n"
        f"X-1,Bài một,{field},Nguyễn An|2012-05-04|F\n"
        f"X-2,Bài\x00 hai,{field},Trần Bình|2012-05-04|M\n"
    ).encode()
    before = db.session.scalar(select(func.count(Entry.id)))
    with pytest.raises(ImportFailed) as caught:
        import_entries(edition, io.BytesIO(data), "x.csv", world["users"]["organizer"])
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("dòng 3, cột title: có ký tự điều khiển") for m in messages)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Entry.id))) == before


def test_definition_with_control_characters_is_refused(app):
    import json
    from datetime import UTC, datetime

    from contest.contests.definition import dumps, load_definition, spec_to_json
    from contest.contests.templates import template_spec

    spec = template_spec("youth", "thu-nul", "Cuộc thi thử", datetime(2026, 5, 1, tzinfo=UTC))
    definition = spec_to_json(spec)
    clean = load_definition(dumps(definition))[1]
    assert not [p for p in clean if "ký tự điều khiển" in p.message]
    definition["title"] = "Cuộc thi\x00 thử"
    definition["fields"][0]["name"] = "Lĩnh vực\x07"
    _spec, problems = load_definition(json.dumps(definition, ensure_ascii=True))
    flagged = {p.path for p in problems if "ký tự điều khiển" in p.message}
    assert {"title", "fields[0].name"} <= flagged
