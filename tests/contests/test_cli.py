"""``contest edition …`` commands: create from a file or a template, export, list, clone."""

from __future__ import annotations

import json

from sqlalchemy import select

from contest.contests import operations
from contest.contests.cli import parse_local_moment
from contest.contests.models import Edition
from contest.extensions import db
from tests.contests.conftest import EXAMPLE_TEXT, local


def editions():
    return list(db.session.scalars(select(Edition.slug).order_by(Edition.slug)))


def write(tmp_path, text, name="edition.json"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_create_from_file_then_export_round_trips(runner, tmp_path):
    result = runner.invoke(args=["edition", "create", "--file", write(tmp_path, EXAMPLE_TEXT)])
    assert result.exit_code == 0, result.output
    assert "Đã tạo lần thi stkt-2025" in result.output
    exported = runner.invoke(args=["edition", "export", "stkt-2025"])
    assert exported.exit_code == 0
    assert json.loads(exported.output)["national_max"] == 4
    # export → create → export is byte-identical
    db.session.delete(operations.get_edition("stkt-2025"))
    db.session.commit()
    again = runner.invoke(args=["edition", "create", "--file", write(tmp_path, exported.output)])
    assert again.exit_code == 0, again.output
    assert runner.invoke(args=["edition", "export", "stkt-2025"]).output == exported.output


def test_file_with_bom_is_accepted(runner, tmp_path):
    path = tmp_path / "bom.json"
    path.write_text(EXAMPLE_TEXT, encoding="utf-8-sig")
    result = runner.invoke(args=["edition", "create", "--file", str(path)])
    assert result.exit_code == 0, result.output


def test_invalid_file_is_rejected_whole_with_key_paths(runner, tmp_path):
    data = json.loads(EXAMPLE_TEXT)
    data["prizes"][2]["quota"] = -1
    data["judges_per_entry"] = 0
    del data["title"]  # required (``boards`` may be left out: FORMATS)
    result = runner.invoke(args=["edition", "create", "--file", write(tmp_path, json.dumps(data))])
    assert result.exit_code == 1
    assert "Lỗi: title: thiếu khóa bắt buộc" in result.output
    assert "Lỗi: prizes[2].quota: phải là số nguyên ≥ 0" in result.output
    assert "Lỗi: judges_per_entry: phải là số nguyên ≥ 1" in result.output
    assert "Không có gì được ghi." in result.output
    assert editions() == []


def test_warning_needs_confirm_flag(runner, tmp_path):
    data = json.loads(EXAMPLE_TEXT)
    data["criteria"][2]["max_points"] = 20
    path = write(tmp_path, json.dumps(data, ensure_ascii=False))
    result = runner.invoke(args=["edition", "create", "--file", path])
    assert result.exit_code == 1
    assert "Cảnh báo: criteria: tổng điểm tối đa của các tiêu chí là 80" in result.output
    assert "--confirm" in result.output
    assert editions() == []
    result = runner.invoke(args=["edition", "create", "--file", path, "--confirm"])
    assert result.exit_code == 0, result.output
    assert editions() == ["stkt-2025"]


def test_not_json_and_missing_file(runner, tmp_path):
    result = runner.invoke(args=["edition", "create", "--file", write(tmp_path, "{oops")])
    assert result.exit_code == 1
    assert "tệp không phải JSON hợp lệ: dòng 1" in result.output
    result = runner.invoke(args=["edition", "create", "--file", str(tmp_path / "none.json")])
    assert result.exit_code == 1
    assert "không đọc được tệp" in result.output


def test_slug_exists_is_an_error(runner, tmp_path):
    path = write(tmp_path, EXAMPLE_TEXT)
    assert runner.invoke(args=["edition", "create", "--file", path]).exit_code == 0
    result = runner.invoke(args=["edition", "create", "--file", path])
    assert result.exit_code == 1
    assert "slug: đã có lần thi với mã 'stkt-2025'" in result.output
    result = runner.invoke(
        args=[
            "edition",
            "create",
            "--template",
            "youth",
            "--slug",
            "stkt-2025",
            "--title",
            "T",
            "--deadline",
            "2026-07-31",
        ]
    )
    assert result.exit_code == 1
    assert editions() == ["stkt-2025"]


def test_create_from_template(runner):
    result = runner.invoke(
        args=[
            "edition",
            "create",
            "--template",
            "youth",
            "--slug",
            "ttnnd-8",
            "--title",
            "Cuộc thi lần thứ 8",
            "--deadline",
            "2026-03-31",
        ]
    )
    assert result.exit_code == 0, result.output
    edition = operations.get_edition("ttnnd-8")
    assert edition.kind == "youth" and edition.title == "Cuộc thi lần thứ 8"
    assert edition.submission_deadline == local(2026, 3, 31, 17, 0)  # date alone: 17:00 local
    assert edition.reference_date.isoformat() == "2026-03-31"
    assert edition.opens_at is None
    assert [f.code for f in edition.fields] == ["HT", "PM", "MT", "GD", "BDKH"]


def test_create_from_template_with_time_and_opening(runner):
    result = runner.invoke(
        args=[
            "edition",
            "create",
            "--template",
            "technical",
            "--slug",
            "stkt-10",
            "--title",
            "Hội thi",
            "--deadline",
            "2026-07-31T11:30",
            "--opens",
            "2026-03-01",
        ]
    )
    assert result.exit_code == 0, result.output
    edition = operations.get_edition("stkt-10")
    assert edition.submission_deadline == local(2026, 7, 31, 11, 30)
    assert edition.opens_at == local(2026, 3, 1, 17, 0)


def test_create_argument_errors(runner, tmp_path):
    cases = [
        (["edition", "create"], "đúng một trong hai"),
        (["edition", "create", "--template", "youth", "--slug", "a"], "thiếu --title, --deadline"),
        (
            [
                "edition",
                "create",
                "--template",
                "youth",
                "--slug",
                "a",
                "--title",
                "T",
                "--deadline",
                "31/07/2026",
            ],
            "--deadline: không đọc được ngày giờ",
        ),
        (
            ["edition", "create", "--file", write(tmp_path, EXAMPLE_TEXT), "--slug", "x"],
            "chỉ dùng với --template",
        ),
        (
            [
                "edition",
                "create",
                "--template",
                "youth",
                "--slug",
                "Có Dấu",
                "--title",
                "T",
                "--deadline",
                "2026-07-31",
            ],
            "slug: chỉ gồm chữ thường",
        ),
    ]
    for args, expected in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 1, args
        assert expected in result.output, (args, result.output)
    assert editions() == []


def test_export_unknown_slug(runner):
    result = runner.invoke(args=["edition", "export", "nope"])
    assert result.exit_code == 1
    assert "không có lần thi mã 'nope'" in result.output


def test_list_and_clone(runner, tmp_path):
    runner.invoke(args=["edition", "create", "--file", write(tmp_path, EXAMPLE_TEXT)])
    result = runner.invoke(
        args=[
            "edition",
            "clone",
            "stkt-2025",
            "--slug",
            "stkt-2027",
            "--title",
            "Lần XI",
            "--shift-years",
            "2",
        ]
    )
    assert result.exit_code == 0, result.output
    clone = operations.get_edition("stkt-2027")
    assert clone.submission_deadline == local(2027, 7, 31, 17)
    assert clone.applied_since.isoformat() == "2021-01-01"
    listing = runner.invoke(args=["edition", "list"]).output.splitlines()
    assert [line.split("\t")[0] for line in listing] == ["stkt-2027", "stkt-2025"]
    assert listing[1].split("\t")[1:4] == ["technical", "draft", "31/07/2025 17:00"]
    again = runner.invoke(
        args=["edition", "clone", "stkt-2025", "--slug", "stkt-2027", "--title", "X"]
    )
    assert again.exit_code == 1 and "đã có lần thi" in again.output
    missing = runner.invoke(args=["edition", "clone", "nope", "--slug", "a", "--title", "X"])
    assert missing.exit_code == 1


def test_parse_local_moment():
    assert parse_local_moment("2026-07-31") == local(2026, 7, 31, 17, 0)
    assert parse_local_moment("2026-07-31T08:00") == local(2026, 7, 31, 8, 0)
    assert parse_local_moment("2026-07-31T10:00:00+00:00") == local(2026, 7, 31, 17, 0)
