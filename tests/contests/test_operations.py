"""Edition operations: audited updates with diffs, the judging freeze and its override,
confirmations, deadline extensions, criteria retirement and deletion, cloning."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from contest.areas.models import AreaLevel
from contest.audit.models import AuditEntry
from contest.contests import apply, operations
from contest.contests.definition import export_edition
from contest.contests.models import DeadlineExtension, Edition
from contest.contests.timeline import Phase
from contest.contests.validation import InvalidEdition
from contest.extensions import db
from tests import factories
from tests.contests.conftest import local

OPENS = local(2026, 3, 1, 7, 30)
DEADLINE = local(2026, 7, 31, 17, 0)
BEFORE_DEADLINE = local(2026, 6, 1, 12, 0)


def audits(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


@pytest.fixture()
def technical(app, organizer):
    edition = operations.create_from_template(
        "technical", "stkt-2026", "Hội thi lần thứ X", DEADLINE, organizer, opens_at=OPENS
    )
    db.session.commit()
    return edition


@pytest.fixture()
def guard():
    """Register a deletion guard for criteria (as the judging feature will), then remove it."""
    scored = set()

    def has_scores(criterion):
        return "đã có điểm chấm" if criterion.code in scored else None

    apply.add_delete_guard(has_scores, "criteria")
    yield scored
    apply.DELETE_GUARDS["criteria"].remove(has_scores)


def test_create_is_audited_with_its_definition(technical, organizer):
    [entry] = audits("edition.create")
    assert entry.actor_id == organizer.id
    assert entry.object_id == str(technical.id)
    assert entry.details["source"] == "template:technical"
    assert entry.details["definition"]["slug"] == "stkt-2026"
    assert technical.created_by_id == organizer.id


def test_update_records_a_field_by_field_diff(technical, organizer):
    criteria = json.loads(export_edition(technical))["criteria"]
    criteria[0]["max_points"] = 35
    criteria[1]["max_points"] = 25
    diff = operations.update_edition(
        technical,
        {"title": "Hội thi lần thứ XI", "criteria": criteria, "national_max": 5},
        organizer,
        now=BEFORE_DEADLINE,
    )
    db.session.commit()
    assert diff == {
        "title": {"before": "Hội thi lần thứ X", "after": "Hội thi lần thứ XI"},
        "criteria[novelty].max_points": {"before": 30, "after": 35},
        "criteria[applicability].max_points": {"before": 30, "after": 25},
        "national_max": {"before": None, "after": 5},
    }
    [entry] = audits("edition.update")
    assert entry.actor_id == organizer.id
    assert entry.details["changes"] == diff
    assert entry.details["override"] is False
    assert entry.at is not None
    db.session.expire_all()
    assert technical.criteria[0].max_points == Decimal(35)


def test_update_without_change_writes_no_audit(technical, organizer):
    assert operations.update_edition(technical, {"title": technical.title}, organizer) == {}
    assert audits("edition.update") == []


def test_update_adds_removes_and_reorders_children(technical, organizer):
    fields = json.loads(export_edition(technical))["fields"]
    fields = [fields[1], fields[0], {"code": "NN", "name": "Ngoại ngữ", "attachments": []}]
    ids = {f.code: f.id for f in technical.fields}
    diff = operations.update_edition(technical, {"fields": fields}, organizer, now=BEFORE_DEADLINE)
    assert [f.code for f in technical.fields] == ["CK", "CNTT", "NN"]
    assert technical.field_by_code("CNTT").id == ids["CNTT"]  # updated in place, id kept
    assert diff["fields.order"] == {"before": ["CNTT", "CK"], "after": ["CK", "CNTT"]}
    assert diff["fields[NN]"]["before"] is None
    assert diff["fields[VL]"]["after"] is None


def test_invalid_update_changes_nothing(technical, organizer):
    prizes = json.loads(export_edition(technical))["prizes"]
    prizes[2]["min_score"] = 90
    with pytest.raises(InvalidEdition) as caught:
        operations.update_edition(technical, {"prizes": prizes}, organizer, now=BEFORE_DEADLINE)
    assert [str(p).split(":")[0] for p in caught.value.errors] == ["prizes[2].min_score"]
    db.session.rollback()
    assert technical.prizes[2].min_score == 75
    assert audits("edition.update") == []


def test_slug_cannot_change_and_kind_only_in_draft(technical, organizer):
    with pytest.raises(InvalidEdition, match="slug"):
        operations.update_edition(technical, {"slug": "other"}, organizer, now=BEFORE_DEADLINE)
    with pytest.raises(InvalidEdition, match="contest"):
        operations.update_edition(technical, {"contest": "youth"}, organizer, now=BEFORE_DEADLINE)
    draft_time = OPENS - timedelta(days=1)
    operations.update_edition(technical, {"contest": "youth"}, organizer, now=draft_time)
    assert technical.kind == "youth"


def test_criteria_sum_warning_needs_confirmation(technical, organizer):
    criteria = json.loads(export_edition(technical))["criteria"]
    criteria[2]["max_points"] = 30
    with pytest.raises(InvalidEdition) as caught:
        operations.update_edition(technical, {"criteria": criteria}, organizer)
    assert caught.value.errors == []
    assert [p.path for p in caught.value.warnings] == ["criteria"]
    assert "là 90, không phải 100" in caught.value.warnings[0].message
    operations.update_edition(technical, {"criteria": criteria}, organizer, confirm=True)
    [entry] = audits("edition.update")
    assert entry.details["confirmed_warnings"][0].startswith("criteria: tổng điểm")


def test_rubric_and_prizes_are_frozen_once_judging_started(technical, organizer):
    operations.update_edition(
        technical,
        {"judging_starts_at": "2026-08-05T08:00:00+07:00"},
        organizer,
        now=BEFORE_DEADLINE,
    )
    during = local(2026, 8, 6, 9, 0)
    assert operations.edition_phase(technical, during) == Phase.JUDGING
    data = json.loads(export_edition(technical))
    data["criteria"][0]["name"] = "Tính mới"
    data["prizes"][1]["quota"] = 2
    changes = {"criteria": data["criteria"], "prizes": data["prizes"]}
    with pytest.raises(InvalidEdition) as caught:
        operations.update_edition(technical, changes, organizer, now=during)
    assert sorted(p.path for p in caught.value.overrides) == ["criteria", "prizes"]
    # Other settings still change freely.
    operations.update_edition(technical, {"description": "Cập nhật"}, organizer, now=during)
    diff = operations.update_edition(
        technical, changes, organizer, override=True, now=during, reason="Sai chính tả"
    )
    assert set(diff) == {"criteria[novelty].name", "prizes[first].quota"}
    entry = audits("edition.update")[-1]
    assert entry.details["override"] is True
    assert entry.details["overridden"] == ["criteria", "prizes"]
    assert entry.details["phase"] == "judging"
    assert entry.details["reason"] == "Sai chính tả"


def test_stale_version_is_refused(technical, organizer):
    version = technical.version
    operations.update_edition(technical, {"title": "A"}, organizer, expected_version=version)
    db.session.commit()
    assert technical.version == version + 1
    with pytest.raises(InvalidEdition, match="người khác"):
        operations.update_edition(technical, {"title": "B"}, organizer, expected_version=version)


def test_duplicate_slug_is_an_error(technical):
    with pytest.raises(InvalidEdition) as caught:
        operations.create_from_template("youth", "stkt-2026", "Khác", DEADLINE)
    assert [str(p) for p in caught.value.errors] == ["slug: đã có lần thi với mã 'stkt-2026'"]


# --- criteria ------------------------------------------------------------------------------


def test_retired_criterion_is_kept_but_not_exported(technical, organizer):
    operations.retire_criterion(technical, "applicability", organizer, confirm=True)
    db.session.commit()
    codes = [c.code for c in technical.criteria]
    assert codes == ["novelty", "applicability", "effect"]
    assert [c.code for c in technical.active_criteria] == ["novelty", "effect"]
    assert [c["code"] for c in json.loads(export_edition(technical))["criteria"]] == [
        "novelty",
        "effect",
    ]
    assert audits("edition.retire_criterion")[0].details["criterion"] == "applicability"
    # The code stays taken.
    data = json.loads(export_edition(technical))
    data["criteria"].append({"code": "applicability", "name": "Lại", "max_points": 30})
    with pytest.raises(InvalidEdition, match="đã ngừng dùng"):
        operations.update_edition(technical, {"criteria": data["criteria"]}, organizer)


def test_retiring_leaves_a_sum_warning_to_confirm(technical, organizer):
    with pytest.raises(InvalidEdition) as caught:
        operations.retire_criterion(technical, "effect", organizer)
    assert [p.path for p in caught.value.warnings] == ["criteria"]


def test_delete_criterion_refused_once_scored(technical, organizer, guard):
    guard.add("novelty")
    with pytest.raises(InvalidEdition) as caught:
        operations.delete_criterion(technical, "novelty", organizer, confirm=True)
    assert "đã có điểm chấm" in str(caught.value)
    db.session.rollback()
    operations.retire_criterion(technical, "novelty", organizer, confirm=True)
    operations.delete_criterion(technical, "effect", organizer, confirm=True)
    assert [c.code for c in technical.criteria] == ["applicability", "novelty"]


def test_delete_criterion_updates_tiebreak(technical, organizer):
    operations.update_edition(technical, {"tiebreak": ["effect", "novelty"]}, organizer)
    assert [c.code for c in technical.tiebreak_order()] == ["effect", "novelty", "applicability"]
    operations.delete_criterion(technical, "effect", organizer, confirm=True)
    assert json.loads(export_edition(technical))["tiebreak"] == ["novelty"]


# --- deadlines -----------------------------------------------------------------------------


@pytest.fixture()
def areas(app):
    province = factories.make_area("Tuyên Quang", AreaLevel.PROVINCE)
    son_duong = factories.make_area("Sơn Dương", AreaLevel.DISTRICT, province)
    commune = factories.make_area("Xã Tân Trào", AreaLevel.COMMUNE, son_duong)
    na_hang = factories.make_area("Na Hang", AreaLevel.DISTRICT, province)
    return {"province": province, "district": son_duong, "commune": commune, "other": na_hang}


def test_extend_deadline_for_one_district(technical, organizer, areas):
    later = DEADLINE + timedelta(days=10)
    operations.extend_deadline(technical, areas["district"], later, "Mưa lũ", organizer)
    db.session.commit()
    after = DEADLINE + timedelta(hours=1)
    assert operations.edition_phase(technical, after, areas["commune"]) == Phase.OPEN
    assert operations.edition_phase(technical, after, areas["district"]) == Phase.OPEN
    assert operations.edition_phase(technical, after, areas["other"]) == Phase.CLOSED
    assert operations.edition_phase(technical, after) == Phase.CLOSED
    assert operations.deadline_for(technical, areas["commune"]) == later
    operations.ensure_submissions_open(technical, areas["commune"], after)
    with pytest.raises(operations.SubmissionsClosed):
        operations.ensure_submissions_open(technical, areas["other"], after)
    [entry] = audits("edition.extend_deadline")
    assert entry.actor_id == organizer.id
    assert entry.details == {
        "area_id": areas["district"].id,
        "area": "Sơn Dương",
        "before": "2026-07-31T17:00:00+07:00",
        "after": "2026-08-10T17:00:00+07:00",
        "reason": "Mưa lũ",
    }


def test_extend_deadline_rules(technical, organizer, areas):
    with pytest.raises(InvalidEdition) as caught:
        operations.extend_deadline(technical, None, DEADLINE - timedelta(days=1), " ", organizer)
    assert sorted(p.path for p in caught.value.errors) == ["new_deadline", "reason"]
    operations.extend_deadline(technical, None, DEADLINE + timedelta(days=5), "COVID-19", organizer)
    # A district cannot get less than the whole edition already has.
    with pytest.raises(InvalidEdition, match="hạn mới phải sau hạn hiện tại"):
        operations.extend_deadline(
            technical, areas["district"], DEADLINE + timedelta(days=3), "Lũ", organizer
        )
    operations.update_edition(technical, {"judging_starts_at": "2026-08-20T08:00:00+07:00"}, None)
    with pytest.raises(InvalidEdition, match="trước thời điểm bắt đầu chấm"):
        operations.extend_deadline(
            technical, areas["district"], local(2026, 8, 21, 17), "Lũ", organizer
        )
    with pytest.raises(InvalidEdition, match="không thể gia hạn"):
        operations.extend_deadline(
            technical, None, local(2026, 8, 19, 17), "Lũ", organizer, now=local(2026, 8, 20, 9)
        )
    assert db.session.scalar(select(db.func.count()).select_from(DeadlineExtension)) == 1


# --- cloning -------------------------------------------------------------------------------


def test_clone_shifts_every_date_and_copies_everything(app, organizer, handmade, areas):
    source = operations.create_from_definition(handmade, organizer)
    operations.extend_deadline(
        source,
        areas["district"],
        local(2026, 8, 2, 17),
        "Mưa lũ",
        organizer,
        now=local(2026, 7, 1),
    )
    source.rules_document_path = "rules/2026.pdf"
    db.session.commit()
    clone = operations.clone_edition(
        source, "ttnnd-binh-dinh-2027", "Lần thứ 13", organizer, years=1
    )
    db.session.commit()
    old, new = json.loads(export_edition(source)), json.loads(export_edition(clone))
    assert new["slug"] == "ttnnd-binh-dinh-2027" and new["title"] == "Lần thứ 13"
    assert new["number"] == 13
    assert new["opens_at"] == "2027-02-01T07:30:00+07:00"
    assert new["submission_deadline"] == "2027-07-31T17:00:00+07:00"
    assert new["reference_date"] == "2027-07-31"
    assert new["judging_starts_at"] == "2027-08-05T08:00:00+07:00"
    assert new["judging_ends_at"] == "2027-08-30T17:00:00+07:00"
    dated = {
        "slug",
        "title",
        "number",
        "opens_at",
        "submission_deadline",
        "reference_date",
        "judging_starts_at",
        "judging_ends_at",
    }
    assert {k: v for k, v in new.items() if k not in dated} == {
        k: v for k, v in old.items() if k not in dated
    }
    assert clone.extensions == [] and clone.rules_document_path is None
    assert clone.published_at is None and clone.archived_at is None
    [entry] = [a for a in audits("edition.create") if a.object_id == str(clone.id)]
    assert entry.details["source"] == "clone:ttnnd-binh-dinh-2026"


def test_clone_by_offset_and_leap_day(app, example):
    example["reference_date"] = "2024-02-29"
    example["submission_deadline"] = "2024-02-29T17:00:00+07:00"
    example["applied_since"] = "2019-01-01"
    source = operations.create_from_definition(example, None)
    by_year = operations.clone_edition(source, "a-2025", "A", years=1)
    assert by_year.reference_date.isoformat() == "2025-02-28"
    assert by_year.submission_deadline == local(2025, 2, 28, 17)
    by_days = operations.clone_edition(source, "b-2024", "B", offset=timedelta(days=10))
    assert by_days.submission_deadline == local(2024, 3, 10, 17)
    assert by_days.applied_since.isoformat() == "2019-01-11"
    assert db.session.scalar(select(db.func.count()).select_from(Edition)) == 3


def test_clone_to_an_existing_slug_fails(technical):
    with pytest.raises(InvalidEdition, match="đã có lần thi"):
        operations.clone_edition(technical, "stkt-2026", "Lặp", years=2)


def test_update_accepts_python_values_from_forms(technical, organizer):
    new_deadline = local(2026, 8, 15, 11, 0)
    diff = operations.update_edition(
        technical,
        {"submission_deadline": new_deadline, "discrepancy_threshold": Decimal("15.5")},
        organizer,
        now=BEFORE_DEADLINE,
    )
    assert diff["submission_deadline"] == {
        "before": "2026-07-31T17:00:00+07:00",
        "after": "2026-08-15T11:00:00+07:00",
    }
    assert diff["discrepancy_threshold"] == {"before": 20, "after": 15.5}
    assert technical.submission_deadline == new_deadline


def test_database_enforces_ranges_and_unique_codes(technical):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    statements = [
        "UPDATE criteria SET max_points = 0 WHERE edition_id = :id",
        "UPDATE prize_levels SET quota = -1 WHERE edition_id = :id",
        "UPDATE prize_levels SET scope = 'nation' WHERE edition_id = :id",
        "UPDATE rounds SET cutoff = 101 WHERE edition_id = :id",
        "UPDATE editions SET judges_per_entry = 0 WHERE id = :id",
        "UPDATE editions SET kind = 'science' WHERE id = :id",
        "UPDATE editions SET age_min = 10, age_max = 6 WHERE id = :id",
        "UPDATE edition_fields SET code = 'CNTT' WHERE edition_id = :id",
    ]
    for statement in statements:
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.execute(text(statement), {"id": technical.id})
    db.session.rollback()


def test_an_accepted_warning_is_not_asked_again_for_other_changes(technical, organizer):
    criteria = json.loads(export_edition(technical))["criteria"]
    criteria[2]["max_points"] = 30
    operations.update_edition(technical, {"criteria": criteria}, organizer, confirm=True)
    operations.update_edition(technical, {"title": "Tên mới"}, organizer)
    criteria[2]["max_points"] = 31
    with pytest.raises(InvalidEdition, match="là 91"):
        operations.update_edition(technical, {"criteria": criteria}, organizer)
