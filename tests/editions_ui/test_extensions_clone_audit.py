"""Deadline extensions (whole edition or one area), cloning ("Tổ chức lần tiếp theo") and the
audit log page."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from contest.audit.models import AuditEntry
from contest.contests import operations
from contest.contests.models import DeadlineExtension, Edition
from contest.extensions import db
from contest.timeutil import LOCAL_TZ, utcnow
from tests.editions_ui.conftest import definition_of, form_moment, grid_data


def extend(client, edition, area, new_deadline, reason="Ảnh hưởng của bão số 3"):
    return client.post(
        f"/organizer/editions/{edition.slug}/extensions",
        data={
            "area": str(area.id) if area else "",
            "new_deadline": form_moment(new_deadline),
            "reason": reason,
        },
    )


# --- Extensions -------------------------------------------------------------------------------


def test_extension_for_one_district_changes_only_its_deadline(
    client, organizer, open_edition, areas
):
    original = open_edition.submission_deadline
    later = original + timedelta(days=7)
    response = extend(client, open_edition, areas["yen_son"], later)
    assert response.status_code == 302
    db.session.expire_all()
    assert operations.deadline_for(open_edition, areas["yen_son"]) == later
    assert operations.deadline_for(open_edition, areas["commune"]) == later  # inherited
    assert operations.deadline_for(open_edition, areas["son_duong"]) == original
    assert operations.deadline_for(open_edition) == original
    [extension] = open_edition.extensions
    assert extension.reason == "Ảnh hưởng của bão số 3" and extension.created_by_id == organizer.id
    audit = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "edition.extend_deadline")
    )
    assert audit.details["area"] == "Yên Sơn"

    page = client.get(f"/organizer/editions/{open_edition.slug}/extensions").get_data(as_text=True)
    assert 'data-area="Yên Sơn"' in page and "Ảnh hưởng của bão số 3" in page
    public = client.get(f"/editions/{open_edition.slug}").get_data(as_text=True)
    assert 'data-testid="area-extensions"' in public and "Yên Sơn" in public


def test_extension_for_the_whole_edition(client, organizer, open_edition, areas):
    later = open_edition.submission_deadline + timedelta(days=3)
    assert extend(client, open_edition, None, later).status_code == 302
    db.session.expire_all()
    assert operations.deadline_for(open_edition) == later
    assert operations.deadline_for(open_edition, areas["son_duong"]) == later
    page = client.get(f"/editions/{open_edition.slug}").get_data(as_text=True)
    assert f'data-deadline="{later.isoformat()}"' in page


def test_the_area_select_lists_the_tree(client, organizer, open_edition, areas):
    page = client.get(f"/organizer/editions/{open_edition.slug}/extensions").get_data(as_text=True)
    assert '<option value="">Toàn bộ lần thi</option>' in page
    assert f'<option value="{areas["yen_son"].id}">— Yên Sơn</option>' in page
    assert f'<option value="{areas["commune"].id}">— — Trung Môn</option>' in page


def test_extension_refusals_are_explained_and_nothing_is_saved(
    client, organizer, open_edition, areas
):
    earlier = open_edition.submission_deadline - timedelta(days=1)
    response = extend(client, open_edition, areas["yen_son"], earlier)
    assert response.status_code == 400
    assert "hạn mới phải sau hạn hiện tại" in response.get_data(as_text=True)
    response = extend(client, open_edition, None, earlier + timedelta(days=9), reason="")
    assert response.status_code == 400
    assert "Vui lòng nhập thông tin này." in response.get_data(as_text=True)
    response = client.post(
        f"/organizer/editions/{open_edition.slug}/extensions",
        data={"area": "999999", "new_deadline": "2030-01-01T17:00", "reason": "x"},
    )
    assert response.status_code == 400
    assert "Lựa chọn không hợp lệ." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(DeadlineExtension.id))) == 0


def test_no_extension_once_judging_started(client, organizer, judging_edition):
    response = extend(client, judging_edition, None, utcnow() + timedelta(days=1))
    assert response.status_code == 400
    assert "việc chấm đã bắt đầu" in response.get_data(as_text=True)


# --- Clone ------------------------------------------------------------------------------------


def test_clone_launches_the_next_edition(client, organizer, open_edition):
    page = client.get(f"/organizer/editions/{open_edition.slug}/clone").get_data(as_text=True)
    assert 'value="ttnnd-tq-9"' in page  # the suggested slug: the number goes up
    response = client.post(
        f"/organizer/editions/{open_edition.slug}/clone",
        data={"slug": "ttnnd-tq-9", "title": "Lần thứ 9", "years": "1", "days": "0"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organizer/editions/ttnnd-tq-9")
    new = db.session.scalar(select(Edition).where(Edition.slug == "ttnnd-tq-9"))
    assert new.number == 9 and new.title == "Lần thứ 9"
    old_local = open_edition.submission_deadline.astimezone(LOCAL_TZ)
    new_local = new.submission_deadline.astimezone(LOCAL_TZ)
    assert (new_local.year, new_local.month, new_local.day, new_local.hour) == (
        old_local.year + 1,
        old_local.month,
        old_local.day,
        old_local.hour,
    )
    assert [f.code for f in new.fields] == [f.code for f in open_edition.fields]
    assert new.reference_date.year == open_edition.reference_date.year + 1
    audit = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "edition.create", AuditEntry.object_id == str(new.id)
        )
    )
    assert audit.details["source"] == f"clone:{open_edition.slug}"


def test_clone_with_a_shift_in_days(client, organizer, open_edition):
    client.post(
        f"/organizer/editions/{open_edition.slug}/clone",
        data={"slug": "ttnnd-dot-2", "title": "Đợt 2", "years": "0", "days": "30"},
    )
    new = db.session.scalar(select(Edition).where(Edition.slug == "ttnnd-dot-2"))
    assert new.submission_deadline - open_edition.submission_deadline == timedelta(days=30)


def test_clone_refusals(client, organizer, open_edition, judging_edition):
    response = client.post(
        f"/organizer/editions/{open_edition.slug}/clone",
        data={"slug": judging_edition.slug, "title": "Trùng mã", "years": "1", "days": "0"},
    )
    assert response.status_code == 400
    assert "đã có lần thi với mã" in response.get_data(as_text=True)
    response = client.post(
        f"/organizer/editions/{open_edition.slug}/clone",
        data={"slug": "moi", "title": "Mới", "years": "50", "days": "x"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Chỉ dời từ -10 đến 10 năm." in html and "Vui lòng nhập một số nguyên." in html
    assert db.session.scalar(select(func.count(Edition.id))) == 2


# --- Audit log --------------------------------------------------------------------------------


def test_audit_page_shows_who_when_and_the_diff(client, organizer, open_edition):
    items = [dict(item) for item in definition_of(open_edition)["criteria"]]
    items[0]["max_points"] = "35"
    items[1]["max_points"] = "40"  # 35 + 40 + 20 + 10 = 105: confirmed below
    items[1]["name"] = "Hiệu quả (sửa)"
    data = grid_data(items, ("code", "name", "max_points"), open_edition.version)
    assert (
        client.post(
            f"/organizer/editions/{open_edition.slug}/criteria", data={**data, "confirm": "y"}
        ).status_code
        == 302
    )
    page = client.get(f"/organizer/editions/{open_edition.slug}/audit").get_data(as_text=True)
    assert 'data-action="edition.update"' in page and 'data-action="edition.create"' in page
    assert "sửa cấu hình" in page and organizer.display_name in page
    row = re.search(r"<tr><td>Tiêu chí novelty · điểm tối đa</td>(.*?)</tr>", page)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1)) == ["40", "35"]
    assert "Tiêu chí effect · tên" in page and "Hiệu quả (sửa)" in page
    assert "Đã xác nhận cảnh báo" in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "edition.update"))
    assert entry.at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M") in page


def test_audit_page_shows_extensions_and_overrides(client, organizer, judging_edition):
    items = [dict(item) for item in definition_of(judging_edition)["criteria"]]
    items[0]["max_points"] = "35"
    items[2]["max_points"] = "35"
    data = grid_data(items, ("code", "name", "max_points"), judging_edition.version)
    client.post(
        f"/organizer/editions/{judging_edition.slug}/criteria",
        data={**data, "override": "y", "reason": "Theo biên bản họp BTC"},
    )
    page = client.get(f"/organizer/editions/{judging_edition.slug}/audit").get_data(as_text=True)
    assert "Ghi đè sau khi việc chấm đã bắt đầu." in page
    assert "Lý do: Theo biên bản họp BTC" in page


def test_audit_page_is_paginated(app, client, organizer, open_edition, areas):
    app.config["PER_PAGE"] = 2
    deadline = open_edition.submission_deadline
    for days in (1, 2, 3):
        extend(client, open_edition, areas["yen_son"], deadline + timedelta(days=days))
    first = client.get(f"/organizer/editions/{open_edition.slug}/audit").get_data(as_text=True)
    assert first.count('data-testid="audit-entry"') == 2
    assert 'data-testid="pagination"' in first
    last = client.get(f"/organizer/editions/{open_edition.slug}/audit?page=2").get_data(
        as_text=True
    )
    assert last.count('data-testid="audit-entry"') == 2  # 3 extensions + the creation
    assert "tạo lần thi" in last and "Yên Sơn" in first
    assert "Hạn nộp hồ sơ (Yên Sơn)" in first
