"""A criterion's optional ``guidance`` (FORMATS.md): read from a definition, stored on the
criterion, exported only when not empty, and the round trip stays byte-identical."""

from __future__ import annotations

import json

from contest.contests import operations
from contest.contests.definition import export_edition, validate_definition
from contest.contests.validation import Severity
from contest.extensions import db

GUIDANCE = "Cao: giải pháp chưa từng có ở Việt Nam.\nThấp: cải tiến nhỏ một sản phẩm đã có."


def _errors(data) -> list[str]:
    _spec, problems = validate_definition(data)
    return [str(p) for p in problems if p.severity == Severity.ERROR]


def test_guidance_is_optional_and_read(example):
    example["criteria"][0]["guidance"] = GUIDANCE
    spec, _problems = validate_definition(example)
    assert _errors(example) == []
    assert spec.criteria[0].guidance == GUIDANCE
    assert spec.criteria[1].guidance == ""


def test_guidance_must_be_text(example):
    example["criteria"][1]["guidance"] = 5
    assert _errors(example) == ["criteria[1].guidance: phải là một chuỗi ký tự"]


def test_guidance_round_trips_byte_identical_and_is_exported_only_when_set(app, example):
    example["criteria"][0]["guidance"] = GUIDANCE
    operations.create_from_definition(example, None)
    db.session.commit()
    edition = operations.get_edition(example["slug"])
    assert edition.active_criteria[0].guidance == GUIDANCE
    first = export_edition(edition)
    data = json.loads(first)
    assert data["criteria"][0]["guidance"] == GUIDANCE
    assert "guidance" not in data["criteria"][1]
    db.session.delete(edition)
    db.session.commit()
    operations.create_from_definition(first, None)
    db.session.commit()
    db.session.expire_all()
    assert export_edition(operations.get_edition(example["slug"])) == first
