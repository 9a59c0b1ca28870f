"""Organizer intake pages: the list (filters, search, sorting, pages), one entry in full, the
intake actions and the bulk action, the import upload (success; all or nothing) and the XLSX
export."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from contest.entries import listing, operations
from contest.entries.models import Entry
from contest.extensions import db
from tests import factories
from tests.entries_ui.conftest import CHILD, make_entry, text_of


def codes_on(page: str) -> list[str]:
    """The entry codes of a list page, in order."""
    return re.findall(r'data-testid="entry-row" data-entry-id="\d+" data-code="([^"]*)"', page)


def reload(entry) -> Entry:
    db.session.expire_all()
    return db.session.get(Entry, entry.id)


@pytest.fixture()
def stock(people, youth, tree):
    """Four submitted entries (Yên Sơn, its commune, Hàm Yên) and a draft."""
    e = people["entrant"]
    o = people["other"]
    return {
        "ys": make_entry(youth, e, tree["yen_son"], title="Máy gieo hạt", submit=True),
        "mb": make_entry(
            youth,
            e,
            tree["my_bang"],
            title="Đèn học thông minh",
            field="PM",
            authors=[operations.AuthorData("Hoàng Thị Mai", CHILD, "F", phone="0911")],
            submit=True,
        ),
        "hy": make_entry(youth, o, tree["ham_yen"], title="Bình tưới tự động", submit=True),
        "hy2": make_entry(youth, o, tree["ham_yen"], title="Thùng rác phân loại", submit=True),
        "draft": make_entry(youth, o, tree["ham_yen"], title="Nháp chưa nộp"),
    }


def test_list_filters_search_and_sort(client, login, people, youth, tree, stock):
    login(people["organizer"])
    page = text_of(client.get("/organizer/entries/"))
    assert sorted(codes_on(page)) == sorted(e.code for k, e in stock.items() if k != "draft")
    assert "Nháp chưa nộp" not in page  # drafts only when asked for
    assert "Nháp chưa nộp" in text_of(client.get("/organizer/entries/?status=all"))
    # Area includes the areas under it.
    page = text_of(client.get(f"/organizer/entries/?area={tree['yen_son'].id}"))
    assert sorted(codes_on(page)) == sorted([stock["ys"].code, stock["mb"].code])
    # Field, status.
    pm = youth.field_by_code("PM").id
    assert codes_on(text_of(client.get(f"/organizer/entries/?edition={youth.id}&field={pm}"))) == [
        stock["mb"].code
    ]
    assert codes_on(text_of(client.get("/organizer/entries/?status=draft"))) == [""]
    # Search: code, title, author, unit.
    assert codes_on(text_of(client.get(f"/organizer/entries/?q={stock['hy'].code}"))) == [
        stock["hy"].code
    ]
    assert codes_on(text_of(client.get("/organizer/entries/?q=gieo"))) == [stock["ys"].code]
    assert codes_on(text_of(client.get("/organizer/entries/?q=Hoàng Thị"))) == [stock["mb"].code]
    assert len(codes_on(text_of(client.get("/organizer/entries/?q=THCS Thử")))) == 4
    # Sorting by title, both ways.
    titles = sorted(e.title for k, e in stock.items() if k != "draft")
    page = text_of(client.get("/organizer/entries/?sort=title"))
    by_code = {e.code: e.title for e in stock.values()}
    assert [by_code[c] for c in codes_on(page)] == titles
    page = text_of(client.get("/organizer/entries/?sort=-title"))
    assert [by_code[c] for c in codes_on(page)] == titles[::-1]


def test_board_filter(client, login, people, youth, tree, stock):
    factories.make_board(youth, "THCS", "Bảng THCS", position=1, commit=False)
    factories.make_board(youth, "THPT", "Bảng THPT", position=2, commit=False)
    stock["hy"].board_id = youth.boards[1].id
    db.session.commit()
    login(people["organizer"])
    page = text_of(client.get(f"/organizer/entries/?edition={youth.id}&board={youth.boards[1].id}"))
    assert codes_on(page) == [stock["hy"].code]
    assert 'data-testid="filter-board"' in page


def test_pagination(client, login, people, stock, monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 3)
    login(people["organizer"])
    first = codes_on(text_of(client.get("/organizer/entries/")))
    second_page = text_of(client.get("/organizer/entries/?page=2"))
    second = codes_on(second_page)
    assert len(first) == 3 and len(second) == 1 and not set(first) & set(second)
    assert "4 hồ sơ" in second_page


def test_detail_shows_everything(client, login, people, stock):
    entry = stock["mb"]
    login(people["organizer"])
    page = text_of(client.get(f"/organizer/entries/{entry.id}"))
    for text in (
        entry.code,
        "Đèn học thông minh",
        "Hoàng Thị Mai",
        "04/05/2012",
        "Xã Mỹ Bằng",
        "Trường THCS Thử",
        "source_code.pdf",  # an attachment of the software checklist
        "Tạo bản nháp",
        "Nộp hồ sơ",
        "Bản nháp → Đã nộp",
        "an@example.vn",
    ):
        assert text in page, text
    assert 'data-testid="complete"' in page


def test_detail_shows_what_is_missing(client, login, people, youth, tree):
    entry = make_entry(youth, people["entrant"], tree["yen_son"], complete=False)
    login(people["organizer"])
    page = text_of(client.get(f"/organizer/entries/{entry.id}?status=all"))
    assert "Chưa ghi đơn vị." in page and "Thiếu tệp đính kèm" in page


def test_receive_accept_reject_reclassify_withdraw(client, login, people, youth, stock, outbox):
    entry = stock["ys"]
    login(people["organizer"])
    url = f"/organizer/entries/{entry.id}"

    def post(action, **data):
        data.setdefault("version", reload(entry).version)
        return text_of(client.post(f"{url}/{action}", data=data, follow_redirects=True))

    assert f"Đã tiếp nhận hồ sơ {entry.code}." in post("receive")
    assert reload(entry).status == "received"
    assert "Vui lòng ghi lý do để thí sinh được biết." in post("reject", reason="  ")
    assert reload(entry).status == "received"
    assert "không được đưa vào chấm; đã báo cho thí sinh" in post("reject", reason="Trùng đề tài")
    entry_now = reload(entry)
    assert entry_now.status == "rejected" and entry_now.rejection_reason == "Trùng đề tài"
    assert any("không được đưa vào chấm" in str(m["Subject"]) for m in outbox)
    assert "Trùng đề tài" in text_of(client.get(url))
    assert f"Đã đưa hồ sơ {entry.code} vào chấm." in post("accept")
    assert reload(entry).status == "accepted"
    pm = youth.field_by_code("PM")
    assert "nay thuộc lĩnh vực" in post("reclassify", field_id=pm.id)
    assert reload(entry).field_id == pm.id and reload(entry).code == entry.code
    assert f"Đã ghi nhận rút hồ sơ {entry.code}." in post("withdraw", reason="Thí sinh xin rút")
    assert reload(entry).status == "withdrawn"
    history = text_of(client.get(url))
    for text in ("Tiếp nhận", "Đã nộp → Đã tiếp nhận", "Không đưa vào chấm", "Chuyển lĩnh vực"):
        assert text in history
    # A stale page: the domain's message, nothing changes.
    assert "Hồ sơ vừa được thay đổi ở nơi khác" in post("accept", version=1)
    assert reload(entry).status == "withdrawn"


def test_bulk_action_reports_each_entry(client, login, people, stock):
    login(people["organizer"])
    ids = [stock["ys"].id, stock["hy"].id, stock["draft"].id]
    response = client.post(
        "/organizer/entries/bulk",
        data={"action": "accept", "ids": ids, "next": "/organizer/entries/?status=all"},
        follow_redirects=True,
    )
    page = text_of(response)
    assert "Đã thực hiện với 2 hồ sơ" in page
    assert stock["ys"].code in page and stock["hy"].code in page
    assert "Không thể chuyển hồ sơ từ “Bản nháp” sang “Được đưa vào chấm”." in page
    assert [reload(stock[k]).status for k in ("ys", "hy", "draft")] == [
        "accepted",
        "accepted",
        "draft",
    ]
    # Reject needs a reason: nothing happens without one.
    page = text_of(
        client.post(
            "/organizer/entries/bulk",
            data={"action": "reject", "ids": [stock["mb"].id]},
            follow_redirects=True,
        )
    )
    assert "Vui lòng ghi lý do để thí sinh được biết." in page
    assert reload(stock["mb"]).status == "submitted"
    page = text_of(
        client.post(
            "/organizer/entries/bulk",
            data={"action": "reject", "ids": [stock["mb"].id], "reason": "Thiếu hồ sơ"},
            follow_redirects=True,
        )
    )
    assert reload(stock["mb"]).status == "rejected"
    assert "Chưa chọn hồ sơ nào." in text_of(
        client.post("/organizer/entries/bulk", data={"action": "receive"}, follow_redirects=True)
    )


def test_list_page_has_bulk_checkboxes_and_confirmation(client, login, people, stock):
    login(people["organizer"])
    page = text_of(client.get("/organizer/entries/"))
    assert page.count('name="ids"') == 4
    assert 'data-testid="bulk-submit"' in page and "data-confirm=" in page


def _xlsx(rows) -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


HEADER = ["code", "title", "field", "area", "unit", "authors"]


def test_import_upload_success(client, login, people, youth, tree):
    login(people["organizer"])
    assert client.get("/organizer/entries/import").status_code == 200
    data = _xlsx(
        [
            HEADER,
            ["GIAY-001", "Máy thái chuối", "HT", "Yên Sơn", "Trường A", "Lý Văn Tú|2012-05-04|M"],
            [
                "GIAY-002",
                "Ấm đun thông minh",
                "PM",
                "Hàm Yên",
                "Trường B",
                "Ma Thị Hoa|2011-01-02|F",
            ],
        ]
    )
    content = data.getvalue()
    response = client.post(
        "/organizer/entries/import",
        data={"edition": youth.id, "file": (io.BytesIO(content), "giay.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = text_of(response)
    # The file is imported by a background job (in-process in the tests): its page shows it.
    assert response.request.path.startswith("/jobs/")
    assert "2 hồ sơ mới, 0 hồ sơ cập nhật, 0 hồ sơ không đổi" in page
    listing = text_of(client.get(f"/organizer/entries/?edition={youth.id}"))
    assert sorted(codes_on(listing)) == ["GIAY-001", "GIAY-002"]
    # The same file again: nothing new.
    response = client.post(
        "/organizer/entries/import",
        data={"edition": youth.id, "file": (io.BytesIO(content), "giay.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "0 hồ sơ mới, 0 hồ sơ cập nhật, 2 hồ sơ không đổi" in text_of(response)
    assert db.session.scalar(select(func.count(Entry.id))) == 2


def test_import_upload_is_all_or_nothing(client, login, people, youth):
    login(people["organizer"])
    csv = (
        "code,title,field,authors\r\n"
        "OK-001,Tốt,HT,Lý Văn Tú|2012-05-04|M\r\n"
        "BAD-002,,XX,Già Quá|1950-01-01|M\r\n"
    ).encode()
    response = client.post(
        "/organizer/entries/import",
        data={"edition": youth.id, "file": (io.BytesIO(csv), "loi.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    page = text_of(client.get(response.headers["Location"]))
    assert "Chưa nhập hồ sơ nào" in page
    assert "dòng 3, cột title" in page and "dòng 3, cột field" in page
    assert "dòng 3, cột authors" in page
    assert db.session.scalar(select(func.count(Entry.id))) == 0
    # No file chosen.
    response = client.post(
        "/organizer/entries/import", data={"edition": youth.id}, content_type="multipart/form-data"
    )
    assert "Vui lòng chọn tệp CSV hoặc XLSX." in text_of(response)


def test_export_opens_with_openpyxl(client, login, people, tree, stock):
    login(people["organizer"])
    response = client.get(f"/organizer/entries/export.xlsx?area={tree['ham_yen'].id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("STT", "Mã", "Tên sản phẩm/giải pháp")
    assert sorted(r[1] for r in rows[1:]) == sorted([stock["hy"].code, stock["hy2"].code])


def test_organizer_can_correct_an_entry_through_the_entrant_pages(client, login, people, stock):
    entry = stock["hy"]
    login(people["organizer"])
    response = client.post(
        f"/my/entries/{entry.id}/details",
        data={"version": entry.version, "mentor_name": "Thầy Sơn"},
    )
    assert response.status_code == 302
    assert reload(entry).mentor_name == "Thầy Sơn"
