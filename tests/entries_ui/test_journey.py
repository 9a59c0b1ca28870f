"""The entrant journey through the test client: choose an edition, create the draft, authors,
mentor / application, attachments, review, submit, receipt and e-mail; Vietnamese
validation messages that keep the draft intact; stale pages and double submits; withdraw and
delete."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from contest.entries.models import Entry
from contest.extensions import db
from tests import factories
from tests.entries_ui.conftest import CHILD, CHILD_2, make_entry, pdf_bytes, png_bytes, text_of


def author_fields(index: int, **values) -> dict:
    """Form data of one row of the authors step."""
    return {f"authors-{index}-{key}": value for key, value in values.items()}


def the_entry(owner) -> Entry:
    db.session.expire_all()
    return db.session.scalars(select(Entry).where(Entry.owner_id == owner.id)).one()


def test_entrant_home_lists_entries_and_open_editions(client, login, people, youth, tree):
    entry = make_entry(youth, people["entrant"], tree["yen_son"], title="Máy gieo hạt")
    login(people["entrant"])
    page = text_of(client.get("/my/"))
    assert "Máy gieo hạt" in page and f"/my/entries/{entry.id}" in page
    assert f"/my/entries/new/{youth.slug}" in page
    assert "Bản nháp" in page


def test_choose_edition_lists_only_editions_open_for_the_area(client, login, people, youth):
    from contest.entries.listing import open_editions
    from contest.timeutil import utcnow

    youth.submission_deadline = utcnow().replace(microsecond=0)  # closes right now
    db.session.commit()
    assert open_editions(people["entrant"].area, utcnow()) == []
    login(people["entrant"])
    page = text_of(client.get("/my/entries/new"))
    assert "Hiện không có cuộc thi nào nhận hồ sơ" in page
    assert f"/my/entries/new/{youth.slug}" not in page


def test_full_journey_to_the_receipt(client, login, people, youth, tree, outbox):
    login(people["entrant"])
    assert client.get("/my/entries/new").status_code == 200
    # Step 1: the area defaults to the entrant's own.
    page = text_of(client.get(f"/my/entries/new/{youth.slug}"))
    assert f'<option selected value="{tree["yen_son"].id}">' in page
    field = youth.field_by_code("HT")
    response = client.post(
        f"/my/entries/new/{youth.slug}",
        data={
            "title": "Thước đo đa năng",
            "field_id": field.id,
            "summary": "Đo góc và chiều dài.",
            "area_id": tree["my_bang"].id,
            "unit_name": "Trường THCS Mỹ Bằng",
            "go": "next",
        },
    )
    entry = the_entry(people["entrant"])
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/my/entries/{entry.id}/authors")
    assert entry.status == "draft" and entry.area_id == tree["my_bang"].id

    # Step 2: two authors, the second one represents the group.
    page = text_of(client.get(f"/my/entries/{entry.id}/authors"))
    assert page.count('data-testid="author-row"') == 3  # two blank rows + the script's template
    data = {
        "version": entry.version,
        "representative": "1",
        "go": "next",
        **author_fields(0, full_name="Nguyễn Minh Anh", date_of_birth="2012-05-04", gender="F"),
        **author_fields(
            1,
            full_name="Trần Bảo Long",
            date_of_birth="12/09/2013",
            gender="M",
            ethnicity="Tày",
            organisation="Trường THCS Mỹ Bằng",
            class_or_position="7A",
            phone="0912 345 678",
            email="long@example.vn",
        ),
    }
    response = client.post(f"/my/entries/{entry.id}/authors", data=data)
    assert response.status_code == 302, text_of(response)[:2000]
    assert response.headers["Location"].endswith(f"/my/entries/{entry.id}/details")
    entry = the_entry(people["entrant"])
    assert [(a.full_name, a.date_of_birth) for a in entry.authors] == [
        ("Nguyễn Minh Anh", CHILD),
        ("Trần Bảo Long", CHILD_2),
    ]
    assert [a.is_representative for a in entry.authors] == [False, True]
    assert entry.authors[1].ethnicity == "Tày" and entry.authors[1].email == "long@example.vn"

    # Step 3: the mentor teacher.
    response = client.post(
        f"/my/entries/{entry.id}/details",
        data={"version": entry.version, "mentor_name": "Cô Hà", "go": "next"},
    )
    assert response.headers["Location"].endswith(f"/my/entries/{entry.id}/files")
    assert the_entry(people["entrant"]).mentor_name == "Cô Hà"

    # Step 4: the checklist (description, photos, unit confirmation) through the upload form.
    page = text_of(client.get(f"/my/entries/{entry.id}/files"))
    assert 'data-testid="attachment-kind-description"' in page
    review = text_of(client.get(f"/my/entries/{entry.id}/review"))
    assert "Thiếu tệp đính kèm: Bản thuyết minh / bản mô tả giải pháp." in review
    for kind, name, body in (
        ("description", "thuyet-minh.pdf", pdf_bytes()),
        ("photos", "anh.png", png_bytes()),
        ("unit_confirmation", "xac-nhan.pdf", pdf_bytes("Xac nhan")),
    ):
        response = client.post(
            f"/entries/{entry.id}/attachments/{kind}",
            data={"file": (io.BytesIO(body), name), "next": f"/my/entries/{entry.id}/files"},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, text_of(response)[:500]
    entry = the_entry(people["entrant"])
    assert sorted(a.kind for a in entry.attachments) == [
        "description",
        "photos",
        "unit_confirmation",
    ]

    # Step 5: review, then submit.
    review = text_of(client.get(f"/my/entries/{entry.id}/review"))
    assert 'data-testid="complete"' in review and 'data-testid="submit"' in review
    response = client.post(f"/my/entries/{entry.id}/submit", data={"version": entry.version})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/my/entries/{entry.id}/receipt")
    entry = the_entry(people["entrant"])
    assert entry.status == "submitted" and re.fullmatch(r"STTN\d\d-HT-001", entry.code)
    receipt = text_of(client.get(f"/my/entries/{entry.id}/receipt"))
    assert entry.code in receipt and "an@example.vn" in receipt
    mails = [m for m in outbox if entry.code in str(m["Subject"])]
    assert len(mails) == 1 and mails[0]["To"] == "an@example.vn"
    assert entry.code in mails[0].get_content()
    assert f"/my/entries/{entry.id}" in mails[0].get_content()


def test_authors_validation_errors_are_vietnamese_and_keep_the_draft(
    client, login, people, youth, tree
):
    entry = make_entry(youth, people["entrant"], tree["yen_son"])
    before = [(a.full_name, a.date_of_birth) for a in entry.authors]
    login(people["entrant"])
    response = client.post(
        f"/my/entries/{entry.id}/authors",
        data={
            "version": entry.version,
            **author_fields(0, full_name="Ông Già", date_of_birth="1950-01-01", phone="09x"),
            **author_fields(1, full_name="", date_of_birth="31/02/2012"),
        },
    )
    page = text_of(response)
    assert response.status_code == 200
    assert "Số điện thoại không hợp lệ." in page
    assert "Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm" in page
    assert 'value="Ông Già"' in page  # what was typed is shown again
    entry = the_entry(people["entrant"])
    assert [(a.full_name, a.date_of_birth) for a in entry.authors] == before

    # The domain's age rule, on the row it concerns.
    response = client.post(
        f"/my/entries/{entry.id}/authors",
        data={
            "version": entry.version,
            **author_fields(0, full_name="Ông Già", date_of_birth="1950-01-01"),
        },
    )
    page = text_of(response)
    assert "không trong độ tuổi dự thi" in page and "sinh từ ngày" in page
    assert [(a.full_name, a.date_of_birth) for a in the_entry(people["entrant"]).authors] == before


def test_step_one_problems_show_on_the_fields(client, login, people, youth, tree):
    login(people["entrant"])
    response = client.post(f"/my/entries/new/{youth.slug}", data={"title": "", "field_id": ""})
    page = text_of(response)
    assert response.status_code == 200
    # under each of the two fields, and again in the summary at the top (a link to each)
    assert page.count("Vui lòng nhập thông tin này.") == 4
    summary = page.split('data-testid="form-errors"', 1)[1].split("</div>", 1)[0]
    assert summary.count("Vui lòng nhập thông tin này.") == 2 and 'href="#title"' in summary
    assert db.session.scalars(select(Entry)).all() == []


def test_authors_without_javascript_add_and_remove_rows(client, login, people, youth, tree):
    entry = make_entry(youth, people["entrant"], tree["yen_son"])
    login(people["entrant"])
    # "Thêm tác giả" saves and comes back with one more blank row.
    response = client.post(
        f"/my/entries/{entry.id}/authors",
        data={
            "version": entry.version,
            "go": "add",
            **author_fields(
                0, full_name="Nguyễn Minh Anh", date_of_birth="2012-05-04", phone="0912"
            ),
        },
    )
    assert "add=1" in response.headers["Location"]
    page = text_of(client.get(response.headers["Location"]))
    assert page.count('data-testid="author-row"') == 1 + 2 + 1  # saved + two blanks + template
    entry = the_entry(people["entrant"])
    response = client.post(
        f"/my/entries/{entry.id}/authors",
        data={
            "version": entry.version,
            **author_fields(
                0, full_name="Nguyễn Minh Anh", date_of_birth="2012-05-04", phone="0912"
            ),
            **author_fields(1, full_name="Lò Văn Páo", date_of_birth="2011-01-01"),
        },
    )
    assert response.status_code == 302
    assert [a.full_name for a in the_entry(people["entrant"]).authors] == [
        "Nguyễn Minh Anh",
        "Lò Văn Páo",
    ]
    entry = the_entry(people["entrant"])
    response = client.post(
        f"/my/entries/{entry.id}/authors",
        data={
            "version": entry.version,
            "representative": "1",
            **author_fields(0, full_name="Nguyễn Minh Anh", date_of_birth="2012-05-04", remove="y"),
            **author_fields(1, full_name="Lò Văn Páo", date_of_birth="2011-01-01", phone="0988"),
        },
    )
    assert response.status_code == 302
    authors = the_entry(people["entrant"]).authors
    assert [(a.full_name, a.is_representative) for a in authors] == [("Lò Văn Páo", True)]


def test_too_many_authors_is_refused_in_vietnamese(client, login, people, youth, tree):
    entry = make_entry(youth, people["entrant"], tree["yen_son"])
    login(people["entrant"])
    data = {"version": entry.version}
    for i in range(6):
        data.update(author_fields(i, full_name=f"Tác giả {i + 1}", date_of_birth="2012-05-04"))
    page = text_of(client.post(f"/my/entries/{entry.id}/authors", data=data))
    assert "tối đa 5 tác giả mỗi hồ sơ; hồ sơ đang có 6" in page
    assert len(the_entry(people["entrant"]).authors) == 1


def test_technical_details_step_asks_where_and_since_when(client, login, people, technical, tree):
    entry = make_entry(technical, people["entrant"], tree["yen_son"], complete=False)
    login(people["entrant"])
    page = text_of(client.get(f"/my/entries/{entry.id}/details"))
    assert "Ngày bắt đầu áp dụng vào thực tế" in page and "01/01/2020" in page
    response = client.post(
        f"/my/entries/{entry.id}/details",
        data={
            "version": entry.version,
            "applied_at": "2021-06-01",
            "applied_where": "Xưởng cơ khí",
        },
    )
    assert response.status_code == 302
    entry = the_entry(people["entrant"])
    assert str(entry.applied_at) == "2021-06-01" and entry.applied_where == "Xưởng cơ khí"
    # Applied before the edition's cut-off: the review says so in Vietnamese.
    client.post(
        f"/my/entries/{entry.id}/details",
        data={"version": entry.version, "applied_at": "2018-06-01", "applied_where": "Xưởng"},
    )
    review = text_of(client.get(f"/my/entries/{entry.id}/review"))
    assert "chỉ nhận giải pháp được áp dụng từ ngày 01/01/2020" in review


def test_incomplete_entry_cannot_be_submitted(client, login, people, youth, tree):
    entry = make_entry(youth, people["entrant"], tree["yen_son"], complete=False)
    login(people["entrant"])
    review = text_of(client.get(f"/my/entries/{entry.id}/review"))
    assert "Hồ sơ chưa thể nộp" in review and "Chưa ghi đơn vị." in review
    response = client.post(
        f"/my/entries/{entry.id}/submit", data={"version": entry.version}, follow_redirects=True
    )
    assert "Hồ sơ chưa thể nộp:" in text_of(response)
    assert the_entry(people["entrant"]).status == "draft"


def test_stale_page_and_double_submit_show_the_domain_messages(client, login, people, youth, tree):
    entry = make_entry(youth, people["entrant"], tree["yen_son"])
    old_version = entry.version
    login(people["entrant"])
    # Another tab saved in between: the old page's save is refused, nothing changes.
    client.post(
        f"/my/entries/{entry.id}/edit",
        data={"version": old_version, "title": "Tab một", "field_id": entry.field_id},
    )
    response = client.post(
        f"/my/entries/{entry.id}/edit",
        data={"version": old_version, "title": "Tab hai", "field_id": entry.field_id},
        follow_redirects=True,
    )
    assert "Hồ sơ vừa được thay đổi ở nơi khác" in text_of(response)
    entry = the_entry(people["entrant"])
    assert entry.title == "Tab một"
    # Two submits of the same page: one submission, then a clear message.
    version = entry.version
    first = client.post(f"/my/entries/{entry.id}/submit", data={"version": version})
    assert first.headers["Location"].endswith("/receipt")
    second = client.post(
        f"/my/entries/{entry.id}/submit", data={"version": version}, follow_redirects=True
    )
    assert "Hồ sơ vừa được thay đổi ở nơi khác" in text_of(second)
    assert the_entry(people["entrant"]).status == "submitted"


def test_withdraw_and_resubmit_keep_the_code(client, login, people, youth, tree):
    entry = make_entry(youth, people["entrant"], tree["yen_son"], submit=True)
    code = entry.code
    login(people["entrant"])
    page = text_of(client.get(f"/my/entries/{entry.id}"))
    assert 'data-testid="withdraw"' in page
    response = client.post(
        f"/my/entries/{entry.id}/withdraw",
        data={"version": entry.version, "reason": "Sửa lại"},
        follow_redirects=True,
    )
    assert f"Đã rút hồ sơ {code}." in text_of(response)
    entry = the_entry(people["entrant"])
    assert entry.status == "withdrawn"
    review = text_of(client.get(f"/my/entries/{entry.id}/review"))
    assert "Nộp lại hồ sơ" in review
    client.post(f"/my/entries/{entry.id}/submit", data={"version": entry.version})
    entry = the_entry(people["entrant"])
    assert entry.status == "submitted" and entry.code == code


def test_delete_a_draft(client, login, people, youth, tree):
    entry = make_entry(youth, people["entrant"], tree["yen_son"], complete=False)
    login(people["entrant"])
    response = client.post(
        f"/my/entries/{entry.id}/delete", data={"version": entry.version}, follow_redirects=True
    )
    assert "Đã xoá bản nháp" in text_of(response)
    assert db.session.scalars(select(Entry)).all() == []


def test_other_entrants_entries_do_not_exist(client, login, people, youth, tree):
    entry = make_entry(youth, people["other"], tree["ham_yen"])
    login(people["entrant"])
    for path in ("", "/edit", "/authors", "/details", "/files", "/review", "/receipt"):
        assert client.get(f"/my/entries/{entry.id}{path}").status_code == 404
    for path in ("/edit", "/authors", "/details", "/submit", "/withdraw", "/delete"):
        assert client.post(f"/my/entries/{entry.id}{path}", data={}).status_code == 404
    assert the_entry(people["other"]).title == "Thước đo đa năng"


def test_save_draft_stays_and_boards_are_asked_for(client, login, people, youth, tree):
    factories.make_board(youth, "THCS", "Bảng THCS", position=1)
    login(people["entrant"])
    page = text_of(client.get(f"/my/entries/new/{youth.slug}"))
    assert 'data-testid="board"' in page and "Bảng THCS" in page
    data = {"title": "Có bảng", "field_id": youth.field_by_code("HT").id, "go": "stay"}
    page = text_of(client.post(f"/my/entries/new/{youth.slug}", data=data))
    assert "Vui lòng nhập thông tin này." in page
    assert db.session.scalars(select(Entry)).all() == []
    data["board_id"] = youth.boards[0].id
    response = client.post(f"/my/entries/new/{youth.slug}", data=data)
    entry = the_entry(people["entrant"])
    assert response.headers["Location"].endswith(f"/my/entries/{entry.id}/edit")
    assert entry.board_id == youth.boards[0].id
