"""Edition definitions as JSON: strict validation naming each key, and exact round trips."""

# ruff: noqa: E501 - the table of errors reads best one case per line

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from contest.contests import operations
from contest.contests.definition import export_edition, load_definition, validate_definition
from contest.contests.validation import Severity
from contest.extensions import db
from tests.contests.conftest import EXAMPLE_TEXT, local


def messages(problems, severity=Severity.ERROR):
    return [str(p) for p in problems if p.severity == severity]


def errors_of(data):
    _spec, problems = validate_definition(data)
    return messages(problems)


def test_formats_example_is_accepted_as_is():
    spec, problems = load_definition(EXAMPLE_TEXT)
    assert problems == []
    assert spec.slug == "stkt-2025"
    assert spec.submission_deadline == local(2025, 7, 31, 17, 0)
    assert spec.tiebreak == ["effect", "novelty", "applicability"]
    assert [p.amount_vnd for p in spec.prizes] == [30000000, 25000000, 15000000, 8000000]
    assert all(p.automatic for p in spec.prizes)
    # A field without a checklist gets the contest's default one.
    assert spec.fields[0].attachments == ["description", "full_text", "photos", "unit_confirmation"]


def test_quota_message_names_the_key(example):
    example["prizes"][2]["quota"] = -1
    assert errors_of(example) == ["prizes[2].quota: phải là số nguyên ≥ 0"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("slug"), "slug: thiếu khóa bắt buộc"),
        (
            lambda d: d["criteria"][1].pop("max_points"),
            "criteria[1].max_points: thiếu khóa bắt buộc",
        ),
        (lambda d: d.update(colour="red"), "colour: khóa không được hỗ trợ"),
        (lambda d: d["prizes"][0].update(bonus=1), "prizes[0].bonus: khóa không được hỗ trợ"),
        (lambda d: d.update(contest="science"), "contest: phải là một trong: youth, technical"),
        (lambda d: d.update(max_authors="10"), "max_authors: phải là số nguyên ≥ 1"),
        (lambda d: d.update(max_authors=True), "max_authors: phải là số nguyên ≥ 1"),
        (lambda d: d.update(judges_per_entry=0), "judges_per_entry: phải là số nguyên ≥ 1"),
        (lambda d: d.update(discrepancy_threshold="20"), "discrepancy_threshold: phải là một số"),
        (lambda d: d.update(reference_date="31/07/2025"), "reference_date: phải là một ngày"),
        (
            lambda d: d.update(submission_deadline="2025-07-31T17:00:00"),
            "submission_deadline: phải là thời điểm có múi giờ",
        ),
        (
            lambda d: d.update(submission_deadline="2025-07-31"),
            "submission_deadline: phải là thời điểm có múi giờ",
        ),
        (lambda d: d.update(age={"min": 6}), "age.max: thiếu khóa bắt buộc"),
        (lambda d: d.update(age=[6, 19]), "age: phải là một đối tượng JSON"),
        (lambda d: d.update(fields={}), "fields: phải là một danh sách"),
        (lambda d: d["fields"].append("HT"), "fields[1]: phải là một đối tượng JSON"),
        (
            lambda d: d["fields"][0].update(attachments=["photos", "selfie"]),
            "fields[0].attachments[1]: phải là một trong:",
        ),
        (
            lambda d: d["prizes"][1].update(scope="nation"),
            "prizes[1].scope: phải là một trong: field, edition",
        ),
        (
            lambda d: d["prizes"][1].update(automatic="no"),
            "prizes[1].automatic: phải là true hoặc false",
        ),
        (
            lambda d: d["rounds"][0].update(cutoff=50),
            "rounds[0].cutoff: vòng cuối không có điểm sàn",
        ),
        (lambda d: d.update(title=""), "title: không được để trống"),
        (lambda d: d.update(slug="STKT 2025"), "slug: chỉ gồm chữ thường"),
        (lambda d: d["fields"][0].update(code="C NTT"), "fields[0].code: mã chỉ gồm"),
        (
            lambda d: (d.pop("tiebreak"), d["criteria"][2].update(code="novelty")),
            "criteria[2].code: mã 'novelty' bị trùng",
        ),
        (
            lambda d: d["criteria"][0].update(max_points=30.25),
            "criteria[0].max_points: phải là bội số của 0,5",
        ),
        (lambda d: d["criteria"][0].update(max_points=0), "criteria[0].max_points: phải lớn hơn 0"),
        (
            lambda d: d.update(tiebreak=["effect", "beauty"]),
            "tiebreak[1]: không có tiêu chí mã 'beauty'",
        ),
        (lambda d: d.update(tiebreak=["effect", "effect"]), "tiebreak[1]: mã 'effect' bị trùng"),
        (
            lambda d: d["prizes"][2].update(min_score=80),
            "prizes[2].min_score: mức điểm phải thấp hơn",
        ),
        (lambda d: d["prizes"][1].update(min_score=101), "prizes[1].min_score: phải từ 0 đến 100"),
        (
            lambda d: d["prizes"][1].update(min_score=75.125),
            "prizes[1].min_score: tối đa 2 chữ số thập phân",
        ),
        (lambda d: d.update(fields=[]), "fields: cần ít nhất một mục"),
        (lambda d: d.update(rounds=[]), "rounds: cần ít nhất một mục"),
        (
            lambda d: d.update(applied_since="2026-01-01"),
            "applied_since: phải trước ngày tham chiếu",
        ),
        (
            lambda d: d.update(opens_at="2025-08-01T07:00:00+07:00"),
            "submission_deadline: hạn nộp hồ sơ phải sau",
        ),
        (
            lambda d: d.update(judging_starts_at="2025-07-30T08:00:00+07:00"),
            "judging_starts_at: việc chấm phải bắt đầu sau hạn nộp",
        ),
        (
            lambda d: d.update(judging_ends_at="2025-08-30T08:00:00+07:00"),
            "judging_ends_at: cần có thời điểm bắt đầu chấm",
        ),
        (lambda d: d.update(national_max=-2), "national_max: phải là số nguyên ≥ 0"),
        (lambda d: d.update(number=0), "number: phải là số nguyên ≥ 1"),
        (lambda d: d.update(age={"min": 12, "max": 6}), "age.max: tuổi tối đa phải lớn hơn"),
    ],
)
def test_each_error_names_its_key(example, change, expected):
    change(example)
    errors = errors_of(example)
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected), errors


def test_every_problem_is_reported_at_once(example):
    example.pop("title")
    example["prizes"][0]["quota"] = "one"
    example["prizes"][3]["min_score"] = 90  # band above the previous one
    example["criteria"][0]["max_points"] = 20  # sum 90: a warning
    spec, problems = validate_definition(example)
    assert messages(problems) == [
        "title: thiếu khóa bắt buộc",
        "prizes[0].quota: phải là số nguyên ≥ 0",
        "prizes[3].min_score: mức điểm phải thấp hơn mức của giải đứng trước (65, prizes[2]); "
        "giải cao hơn đứng trước",
    ]
    assert messages(problems, Severity.WARNING) == [
        "criteria: tổng điểm tối đa của các tiêu chí là 90, không phải 100; "
        "hãy kiểm tra lại hoặc xác nhận để lưu"
    ]


def test_a_rejected_value_is_not_reported_twice(example):
    example["criteria"] = "three"
    assert errors_of(example) == ["criteria: phải là một danh sách […]"]


def test_not_an_object_and_json_syntax_errors():
    assert errors_of([1, 2]) == [": phải là một đối tượng JSON {…}"[2:]]
    _spec, problems = load_definition('{"slug": "a",\n "title": }')
    assert len(problems) == 1 and str(problems[0]).startswith("tệp không phải JSON hợp lệ: dòng 2")
    _spec, problems = load_definition(
        EXAMPLE_TEXT.replace('"max_authors": 10', '"max_authors": NaN')
    )
    assert len(problems) == 1
    twice = EXAMPLE_TEXT.replace('"national_max": 4', '"national_max": 4, "national_max": 5')
    _spec, problems = load_definition(twice)
    assert messages(problems) == ["national_max: khóa bị lặp lại"]


def test_bands_ignore_null_and_must_strictly_decrease(example):
    example["prizes"][1]["min_score"] = None
    assert errors_of(example) == []
    example["prizes"][2]["min_score"] = 85  # equal to the first prize's band
    assert errors_of(example) == [
        "prizes[2].min_score: mức điểm phải thấp hơn mức của giải đứng trước (85, prizes[0]); "
        "giải cao hơn đứng trước"
    ]


def test_preliminary_round_cutoff_defaults_and_range(example):
    example["rounds"] = [{"code": "prelim", "cutoff": None}, {"code": "final", "cutoff": None}]
    assert errors_of(example) == []  # RULES §4: no cutoff means the default 60 (pass_mark)
    example["rounds"][0]["cutoff"] = 120
    assert errors_of(example) == ["rounds[0].cutoff: phải từ 0 đến 100"]
    example["rounds"][0]["cutoff"] = 60
    assert errors_of(example) == []


def test_numbers_are_read_exactly():
    spec, problems = load_definition(
        EXAMPLE_TEXT.replace('"discrepancy_threshold": 20', '"discrepancy_threshold": 17.35')
    )
    assert problems == []
    assert spec.discrepancy_threshold == Decimal("17.35")


# --- round trips --------------------------------------------------------------------------


def _round_trip(slug: str) -> tuple[str, str]:
    """Export, delete, create from the export, export again."""
    edition = operations.get_edition(slug)
    first = export_edition(edition)
    db.session.delete(edition)
    db.session.commit()
    operations.create_from_definition(first, None)
    db.session.commit()
    db.session.expire_all()
    second = export_edition(operations.get_edition(slug))
    return first, second


@pytest.mark.parametrize("kind", ["youth", "technical"])
def test_template_round_trip_is_byte_identical(app, kind):
    operations.create_from_template(kind, f"{kind}-rt", "Lần thứ nhất", local(2026, 7, 31, 17))
    db.session.commit()
    first, second = _round_trip(f"{kind}-rt")
    assert first == second
    data = json.loads(first)
    assert data["submission_deadline"] == "2026-07-31T17:00:00+07:00"
    assert data["contest"] == kind


def test_handmade_round_trip_with_boards_and_preliminary_round(app, handmade):
    operations.create_from_definition(json.dumps(handmade, ensure_ascii=False), None)
    db.session.commit()
    first, second = _round_trip(handmade["slug"])
    assert first == second
    data = json.loads(first)
    # Every value came through, extras included.
    for key, value in handmade.items():
        if key not in ("fields", "rounds", "prizes"):
            assert data[key] == value, key
    assert [b["code"] for b in data["boards"]] == ["THPT", "THCS"]
    assert data["rounds"] == handmade["rounds"]
    assert data["fields"][0]["attachments"] == [
        "description",
        "source_code",
        "installer",
        "instructions",
    ]
    assert data["fields"][1]["attachments"] == ["description", "photos", "unit_confirmation"]
    assert data["prizes"][0]["automatic"] is False
    assert data["prizes"][2]["min_score"] == 72.5 and data["prizes"][2]["quota"] is None


def test_formats_example_round_trips(app):
    operations.create_from_definition(EXAMPLE_TEXT, None)
    db.session.commit()
    first, second = _round_trip("stkt-2025")
    assert first == second
    assert json.loads(first)["tiebreak"] == ["effect", "novelty", "applicability"]


def test_export_layout_is_stable(app, example):
    operations.create_from_definition(example, None)
    text = export_edition(operations.get_edition("stkt-2025"))
    assert text.endswith("}\n")
    assert '  "slug": "stkt-2025",\n' in text
    assert '    {"code": "novelty", "name": "Tính mới, tính sáng tạo", "max_points": 30},\n' in text
    assert "\\u" not in text  # Vietnamese is written as is


def test_keys_whose_value_may_be_null_may_be_left_out(example):
    """FORMATS.md: ``age``, ``applied_since``, ``boards``, ``tiebreak``, ``national_max``, a
    prize's ``min_score``/``quota``/``amount_vnd`` and a round's ``cutoff`` may be omitted."""
    for key in ("age", "applied_since", "boards", "tiebreak", "national_max"):
        example.pop(key, None)
    for prize in example["prizes"]:
        for key in ("min_score", "quota", "amount_vnd"):
            prize.pop(key, None)
    for round_ in example["rounds"]:
        round_.pop("cutoff", None)
    spec, problems = validate_definition(example)
    assert messages(problems) == []
    assert (spec.age_min, spec.age_max, spec.applied_since, spec.national_max) == (None,) * 4
    assert spec.boards == [] and spec.tiebreak is None
    assert all(p.quota is None and p.min_score is None for p in spec.prizes)
    assert all(r.cutoff is None for r in spec.rounds)


def test_a_youth_edition_need_not_mention_applied_since(app):
    edition = operations.create_from_template("youth", "ttn-x", "Lần thứ X", local(2026, 7, 31, 17))
    data = json.loads(export_edition(edition))
    assert data["applied_since"] is None
    data.pop("applied_since")
    data["slug"] = "ttn-y"
    _spec, problems = validate_definition(data)
    assert messages(problems) == []
