"""The settings pages: each saves through the audited domain update, shows the domain's
Vietnamese messages on the right inputs, and saves nothing when refused. The criteria
sum-to-100 warning needs the confirmation box; after judging started, a rubric or prize
change needs the override box and a reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.extensions import db
from tests.editions_ui.conftest import (
    CRITERION_KEYS,
    FIELD_KEYS,
    PRIZE_KEYS,
    definition_of,
    form_moment,
    grid_data,
)


def url(edition, page: str) -> str:
    return f"/organizer/editions/{edition.slug}/{page}"


def updates() -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "edition.update").order_by(AuditEntry.id)
        )
    )


def general_data(edition, **overrides) -> dict:
    data = {
        "version": str(edition.version),
        "title": edition.title,
        "number": str(edition.number or ""),
        "description": edition.description,
        "organizing_units": edition.organizing_units,
        "opens_at": form_moment(edition.opens_at),
        "submission_deadline": form_moment(edition.submission_deadline),
    }
    data.update(overrides)
    return data


def criteria_items(edition) -> list[dict]:
    return [dict(item) for item in definition_of(edition)["criteria"]]


# --- General and eligibility ------------------------------------------------------------------


def test_general_settings_are_saved_and_audited(client, organizer, open_edition):
    response = client.post(
        url(open_edition, "general"),
        data=general_data(
            open_edition, title="Tên mới của lần thi", organizing_units="BTC\nTỉnh đoàn"
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert open_edition.title == "Tên mới của lần thi"
    [entry] = updates()
    assert entry.actor_id == organizer.id
    assert entry.details["changes"]["title"]["after"] == "Tên mới của lần thi"


def test_deadline_before_opening_is_refused(client, organizer, open_edition):
    before = open_edition.submission_deadline
    response = client.post(
        url(open_edition, "general"),
        data=general_data(open_edition, submission_deadline=form_moment(open_edition.opens_at)),
    )
    assert response.status_code == 400
    assert "hạn nộp hồ sơ phải sau thời điểm mở nhận hồ sơ" in response.get_data(as_text=True)
    db.session.expire_all()
    assert open_edition.submission_deadline == before
    assert updates() == []


def test_a_stale_form_is_refused(client, organizer, open_edition):
    stale = general_data(open_edition, title="Bản của người thứ nhất")
    fresh = general_data(open_edition, title="Bản của người thứ hai")
    assert client.post(url(open_edition, "general"), data=fresh).status_code == 302
    response = client.post(url(open_edition, "general"), data=stale)
    assert response.status_code == 400
    assert "lần thi vừa được người khác sửa" in response.get_data(as_text=True)
    db.session.expire_all()
    assert open_edition.title == "Bản của người thứ hai"


def test_eligibility_is_saved(client, organizer, open_edition):
    data = {
        "version": str(open_edition.version),
        "reference_date": "2026-05-31",
        "age_min": "6",
        "age_max": "18",
        "max_authors": "3",
        "applied_since": "",
    }
    assert client.post(url(open_edition, "eligibility"), data=data).status_code == 302
    db.session.expire_all()
    assert (open_edition.age_min, open_edition.age_max, open_edition.max_authors) == (6, 18, 3)
    assert str(open_edition.reference_date) == "2026-05-31"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"age_min": "6", "age_max": ""}, "Nhập cả tuổi tối thiểu và tuổi tối đa"),
        ({"age_min": "19", "age_max": "6"}, "tuổi tối đa phải lớn hơn hoặc bằng tuổi tối thiểu"),
        ({"max_authors": "0"}, "phải là số nguyên ≥ 1"),
        ({"reference_date": "31/02/2026"}, "Ngày không hợp lệ"),
        ({"max_authors": ""}, "Vui lòng nhập thông tin này."),
    ],
)
def test_eligibility_errors(client, organizer, open_edition, changes, message):
    data = {
        "version": str(open_edition.version),
        "reference_date": "2026-05-31",
        "age_min": "6",
        "age_max": "19",
        "max_authors": "5",
        **changes,
    }
    response = client.post(url(open_edition, "eligibility"), data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert updates() == []


# --- Fields and boards ------------------------------------------------------------------------


def test_fields_rename_add_reorder_remove_and_checklist(client, organizer, open_edition):
    items = [dict(item) for item in definition_of(open_edition)["fields"]]
    ids = {f.code: f.id for f in open_edition.fields}
    items[0]["name"] = "Đồ dùng học tập (đổi tên)"
    items[1]["position"] = 0  # PM first
    items[2]["remove"] = True  # MT
    items.append({"code": "NN", "name": "Ngoại ngữ", "attachments": ["description", "video"]})
    data = grid_data(items, FIELD_KEYS, open_edition.version)
    response = client.post(url(open_edition, "fields"), data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    db.session.expire_all()
    assert [f.code for f in open_edition.fields] == ["PM", "HT", "GD", "BDKH", "NN"]
    assert open_edition.field_by_code("HT").name == "Đồ dùng học tập (đổi tên)"
    assert open_edition.field_by_code("HT").id == ids["HT"]
    assert open_edition.field_by_code("NN").required_attachments == ["description", "video"]
    changes = updates()[0].details["changes"]
    assert "fields[MT]" in changes and "fields[NN]" in changes and "fields.order" in changes


def test_a_new_field_with_a_bad_code_is_refused_on_its_row(client, organizer, open_edition):
    items = [dict(item) for item in definition_of(open_edition)["fields"]]
    items.append({"code": "mã có dấu", "name": "Lĩnh vực mới"})
    response = client.post(
        url(open_edition, "fields"), data=grid_data(items, FIELD_KEYS, open_edition.version)
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "mã chỉ gồm chữ cái không dấu" in html
    assert 'value="mã có dấu"' in html  # the row keeps what was typed
    db.session.expire_all()
    assert len(open_edition.fields) == 5


def test_the_spare_row_left_blank_is_ignored(client, organizer, open_edition):
    items = [dict(item) for item in definition_of(open_edition)["fields"]]
    items.append({"code": "", "name": "", "attachments": ["description"]})
    response = client.post(
        url(open_edition, "fields"), data=grid_data(items, FIELD_KEYS, open_edition.version)
    )
    assert response.status_code == 302
    assert updates() == []  # nothing changed


def test_every_field_removed_is_refused(client, organizer, open_edition):
    items = [{**item, "remove": True} for item in definition_of(open_edition)["fields"]]
    response = client.post(
        url(open_edition, "fields"), data=grid_data(items, FIELD_KEYS, open_edition.version)
    )
    assert response.status_code == 400
    assert "cần ít nhất một mục" in response.get_data(as_text=True)


def test_boards_are_added(client, organizer, open_edition):
    items = [
        {"code": "THPT", "name": "Bảng THPT"},
        {"code": "THCS", "name": "Bảng THCS và Tiểu học"},
    ]
    data = grid_data(items, ("code", "name"), open_edition.version)
    assert client.post(url(open_edition, "boards"), data=data).status_code == 302
    db.session.expire_all()
    assert [b.code for b in open_edition.boards] == ["THPT", "THCS"]
    page = client.get(url(open_edition, "boards")).get_data(as_text=True)
    assert page.count('data-testid="row"') == 3  # two boards and the spare row


# --- Criteria: the sum-to-100 confirmation, tie-break, retire ---------------------------------


def test_criteria_not_summing_to_100_need_confirmation(client, organizer, open_edition):
    items = criteria_items(open_edition)
    items[0]["max_points"] = "45"  # 45 + 30 + 20 + 10 = 105
    data = grid_data(items, CRITERION_KEYS, open_edition.version)
    response = client.post(url(open_edition, "criteria"), data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "tổng điểm tối đa của các tiêu chí là 105, không phải 100" in html
    assert 'data-testid="confirm"' in html
    db.session.expire_all()
    assert open_edition.criteria[0].max_points == 40
    assert updates() == []

    response = client.post(url(open_edition, "criteria"), data={**data, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert open_edition.criteria[0].max_points == 45
    [entry] = updates()
    assert entry.details["changes"]["criteria[novelty].max_points"] == {"before": 40, "after": 45}
    assert "105" in entry.details["confirmed_warnings"][0]


def test_criteria_summing_to_100_save_without_confirmation(client, organizer, open_edition):
    items = criteria_items(open_edition)
    items[0]["max_points"] = "35,5"
    items[1]["max_points"] = "34.5"
    items[1]["name"] = "Hiệu quả, khả năng áp dụng"
    data = grid_data(items, CRITERION_KEYS, open_edition.version)
    assert client.post(url(open_edition, "criteria"), data=data).status_code == 302
    db.session.expire_all()
    assert [c.max_points for c in open_edition.criteria] == [
        Decimal("35.5"),
        Decimal("34.5"),
        20,
        10,
    ]
    assert open_edition.criteria[1].name == "Hiệu quả, khả năng áp dụng"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "phải lớn hơn 0 và không quá 100"),
        ("20,3", "phải là bội số của 0,5"),
        ("abc", "Vui lòng nhập một số"),
    ],
)
def test_bad_maximum_points(client, organizer, open_edition, value, message):
    items = criteria_items(open_edition)
    items[3]["max_points"] = value
    data = grid_data(items, CRITERION_KEYS, open_edition.version)
    response = client.post(url(open_edition, "criteria"), data={**data, "confirm": "y"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert updates() == []


def test_tiebreak_order(client, organizer, open_edition):
    items = criteria_items(open_edition)
    items[2]["tiebreak"] = 1  # design first, then effect
    items[1]["tiebreak"] = 2
    data = grid_data(items, CRITERION_KEYS, open_edition.version)
    assert client.post(url(open_edition, "criteria"), data=data).status_code == 302
    db.session.expire_all()
    assert [c.code for c in open_edition.tiebreak_order()] == [
        "design",
        "effect",
        "novelty",
        "materials",
    ]
    page = client.get(url(open_edition, "criteria")).get_data(as_text=True)
    assert 'name="rows-2-tiebreak" type="text" value="1"' in page


def test_retire_a_criterion(client, organizer, open_edition):
    response = client.post(url(open_edition, "criteria/materials/retire"), data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [c.code for c in open_edition.active_criteria] == ["novelty", "effect", "design"]
    page = client.get(url(open_edition, "criteria")).get_data(as_text=True)
    assert 'data-testid="retired-criteria"' in page
    assert client.get(url(open_edition, "criteria/materials/retire")).status_code == 404


def test_retiring_asks_to_confirm_the_sum_warning(client, organizer, open_edition):
    response = client.post(url(open_edition, "criteria/materials/retire"), data={})
    assert response.status_code == 400
    assert "tổng điểm tối đa của các tiêu chí là 90" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(open_edition.active_criteria) == 4


# --- After judging started: the audited override ----------------------------------------------


def test_rubric_change_after_judging_needs_override_and_reason(client, organizer, judging_edition):
    items = criteria_items(judging_edition)
    items[0]["max_points"] = "35"
    items[1]["max_points"] = "25"
    data = grid_data(items, CRITERION_KEYS, judging_edition.version)
    page = client.get(url(judging_edition, "criteria")).get_data(as_text=True)
    assert 'data-testid="override-box"' in page  # shown up front once judging started

    response = client.post(url(judging_edition, "criteria"), data=data)
    assert response.status_code == 400
    assert "việc chấm đã bắt đầu" in response.get_data(as_text=True)

    response = client.post(url(judging_edition, "criteria"), data={**data, "override": "y"})
    assert response.status_code == 400
    assert "Vui lòng ghi rõ lý do ghi đè." in response.get_data(as_text=True)
    db.session.expire_all()
    assert judging_edition.criteria[0].max_points == 30
    assert updates() == []

    reason = "Hội đồng thống nhất điều chỉnh theo biên bản số 12"
    response = client.post(
        url(judging_edition, "criteria"), data={**data, "override": "y", "reason": reason}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert judging_edition.criteria[0].max_points == 35
    [entry] = updates()
    assert entry.details["override"] is True and entry.details["reason"] == reason


def test_prize_change_after_judging_needs_override(client, organizer, judging_edition):
    items = [dict(item) for item in definition_of(judging_edition)["prizes"]]
    items[1]["amount_vnd"] = "30.000.000"
    data = grid_data(items, PRIZE_KEYS, judging_edition.version)
    assert client.post(url(judging_edition, "prizes"), data=data).status_code == 400
    response = client.post(
        url(judging_edition, "prizes"), data={**data, "override": "y", "reason": "Bổ sung kinh phí"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert judging_edition.prizes[1].amount_vnd == 30_000_000


def test_retire_after_judging_needs_override(client, organizer, judging_edition):
    path = url(judging_edition, "criteria/effect/retire")
    assert 'data-testid="override-box"' in client.get(path).get_data(as_text=True)
    assert client.post(path, data={"confirm": "y"}).status_code == 400
    response = client.post(path, data={"confirm": "y", "override": "y", "reason": "Theo biên bản"})
    assert response.status_code == 302
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "edition.retire_criterion")
    )
    assert entry.details["override"] is True and entry.details["reason"] == "Theo biên bản"


def test_non_rubric_changes_need_no_override_after_judging(client, organizer, judging_edition):
    response = client.post(
        url(judging_edition, "general"),
        data=general_data(judging_edition, description="Mô tả mới")
        | {"judging_starts_at": form_moment(judging_edition.judging_starts_at)},
    )
    assert response.status_code == 302


# --- Rounds and prizes ------------------------------------------------------------------------


def rounds_data(edition, **overrides) -> dict:
    data = {
        "version": str(edition.version),
        "preliminary_name": "Vòng sơ khảo",
        "cutoff": "60",
        "final_name": "Vòng chung khảo",
        "judges_per_entry": "2",
        "discrepancy_threshold": "20",
    }
    data.update(overrides)
    return data


def test_add_and_remove_a_preliminary_round(client, organizer, open_edition):
    data = rounds_data(open_edition, has_preliminary="y", cutoff="62,5", judges_per_entry="3")
    assert client.post(url(open_edition, "rounds"), data=data).status_code == 302
    db.session.expire_all()
    assert [(r.code, r.cutoff) for r in open_edition.rounds] == [
        ("prelim", Decimal("62.5")),
        ("final", None),
    ]
    assert open_edition.judges_per_entry == 3
    page = client.get(url(open_edition, "rounds")).get_data(as_text=True)
    assert 'name="has_preliminary" type="checkbox" value="y"' in page and "checked" in page

    data = rounds_data(open_edition, judges_per_entry="3")
    assert client.post(url(open_edition, "rounds"), data=data).status_code == 302
    db.session.expire_all()
    assert [r.code for r in open_edition.rounds] == ["final"]


def test_a_preliminary_round_cutoff_defaults_to_60_and_is_checked(client, organizer, open_edition):
    data = rounds_data(open_edition, has_preliminary="y", cutoff="")
    assert client.post(url(open_edition, "rounds"), data=data).status_code == 302
    db.session.expire_all()
    prelim = sorted(open_edition.rounds, key=lambda r: r.position)[0]
    assert prelim.cutoff is None and prelim.pass_mark == 60  # RULES §4 default
    data = rounds_data(open_edition, has_preliminary="y", cutoff="120")
    assert "phải từ 0 đến 100" in client.post(url(open_edition, "rounds"), data=data).get_data(
        as_text=True
    )


def test_prizes_amounts_quotas_and_national_quota(client, organizer, open_edition):
    items = [dict(item) for item in definition_of(open_edition)["prizes"]]
    items[1]["amount_vnd"] = "30.000.000"
    items[2]["amount_vnd"] = "25 000 000 đ"
    items[1]["quota"] = "3"
    data = grid_data(items, PRIZE_KEYS, open_edition.version, national_max="6")
    response = client.post(url(open_edition, "prizes"), data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    assert [p.amount_vnd for p in open_edition.prizes][:3] == [None, 30_000_000, 25_000_000]
    assert open_edition.prizes[1].quota == 3 and open_edition.national_max == 6
    page = client.get(url(open_edition, "prizes")).get_data(as_text=True)
    assert 'value="30.000.000"' in page


@pytest.mark.parametrize(
    ("index", "key", "value", "message"),
    [
        (2, "min_score", "90", "mức điểm phải thấp hơn mức của giải đứng trước"),
        (1, "quota", "-1", "phải là số nguyên ≥ 0"),
        (1, "amount_vnd", "ba mươi triệu", "Vui lòng nhập số tiền bằng chữ số"),
    ],
)
def test_prize_errors(client, organizer, open_edition, index, key, value, message):
    items = [dict(item) for item in definition_of(open_edition)["prizes"]]
    items[index][key] = value
    response = client.post(
        url(open_edition, "prizes"), data=grid_data(items, PRIZE_KEYS, open_edition.version)
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert updates() == []


def test_a_prize_level_is_added_by_hand(client, organizer, open_edition):
    items = [dict(item) for item in definition_of(open_edition)["prizes"]]
    items.append(
        {
            "code": "unit",
            "name": "Giải tập thể",
            "scope": "edition",
            "automatic": False,
            "quota": "2",
        }
    )
    data = grid_data(items, PRIZE_KEYS, open_edition.version)
    assert client.post(url(open_edition, "prizes"), data=data).status_code == 302
    db.session.expire_all()
    prize = open_edition.prizes[-1]
    assert (prize.code, prize.automatic, prize.quota, prize.min_score) == ("unit", False, 2, None)


def test_retire_page_warns_about_the_remaining_total_up_front(client, organizer, open_edition):
    html = client.get(url(open_edition, "criteria/materials/retire")).get_data(as_text=True)
    assert "tổng điểm tối đa của các tiêu chí còn lại là 90" in html
    assert 'data-testid="confirm"' in html
