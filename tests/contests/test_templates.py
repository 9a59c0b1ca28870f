"""The built-in templates match RULES.md value for value (§1, §2, §4, §5.6)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contest.contests import operations
from contest.contests.definition import spec_from_edition
from contest.contests.templates import template_spec
from tests.contests.conftest import local

DEADLINE = local(2026, 7, 31, 17, 0)

# Transcribed from RULES.md, independently of contest/contests/templates.py.
RULES_TECHNICAL_FIELDS = [
    "Công nghệ thông tin, điện tử, viễn thông",
    "Cơ khí tự động hóa, xây dựng, giao thông vận tải",
    "Vật liệu, hóa chất, năng lượng",
    "Nông lâm ngư nghiệp, tài nguyên và môi trường",
    "Y dược",
    "Giáo dục và đào tạo",
]
RULES_YOUTH_FIELDS = [
    "Đồ dùng dành cho học tập",
    "Phần mềm tin học",
    "Sản phẩm thân thiện với môi trường",
    "Các dụng cụ sinh hoạt gia đình và đồ chơi trẻ em",
    "Các giải pháp kỹ thuật nhằm ứng phó với biến đổi khí hậu, bảo vệ môi trường và "
    "phát triển kinh tế",
]
RULES_TECHNICAL_CRITERIA = [
    ("Tính mới, tính sáng tạo", 30),
    ("Khả năng áp dụng", 30),
    ("Hiệu quả kinh tế – kỹ thuật – xã hội", 40),
]
RULES_YOUTH_CRITERIA = [
    ("Tính mới, tính sáng tạo", 40),
    ("Hiệu quả và khả năng áp dụng", 30),
    ("Tính mỹ thuật, công nghệ, tự động hóa, thông minh", 20),
    ("Nguyên vật liệu, năng lượng sử dụng", 10),
]
# (name, band, quota, automatic)
RULES_TECHNICAL_PRIZES = [
    ("Giải Đặc biệt", None, None, False),
    ("Giải Nhất", 85, 1, True),
    ("Giải Nhì", 75, 2, True),
    ("Giải Ba", 65, 4, True),
    ("Giải Khuyến khích", 55, 8, True),
    ("Giải phong trào", None, None, False),
]
RULES_YOUTH_PRIZES = [
    ("Giải Đặc biệt", None, None, False),
    ("Giải Nhất", 85, 5, True),
    ("Giải Nhì", 75, 10, True),
    ("Giải Ba", 65, 30, True),
    ("Giải Khuyến khích", 55, 60, True),
    ("Giải phong trào", None, None, False),
]


def _check(spec, kind):
    youth = kind == "youth"
    assert spec.kind == kind
    expected_fields = RULES_YOUTH_FIELDS if youth else RULES_TECHNICAL_FIELDS
    assert [f.name for f in spec.fields] == expected_fields
    expected_criteria = RULES_YOUTH_CRITERIA if youth else RULES_TECHNICAL_CRITERIA
    assert [(c.name, c.max_points) for c in spec.criteria] == [
        (n, Decimal(m)) for n, m in expected_criteria
    ]
    assert sum(c.max_points for c in spec.criteria) == 100
    expected_prizes = RULES_YOUTH_PRIZES if youth else RULES_TECHNICAL_PRIZES
    assert [(p.name, p.min_score, p.quota, p.automatic) for p in spec.prizes] == [
        (n, None if b is None else Decimal(b), q, a) for n, b, q, a in expected_prizes
    ]
    assert {p.scope for p in spec.prizes} == {"edition" if youth else "field"}
    assert (spec.age_min, spec.age_max) == ((6, 19) if youth else (None, None))
    assert spec.max_authors == (5 if youth else 10)
    assert spec.judges_per_entry == 2
    assert spec.discrepancy_threshold == 20
    assert [(r.code, r.cutoff) for r in spec.rounds] == [("final", None)]
    assert spec.tiebreak is None
    assert spec.reference_date == DEADLINE.date()


@pytest.mark.parametrize("kind", ["youth", "technical"])
def test_template_spec_matches_rules(kind):
    _check(template_spec(kind, "x", "X", DEADLINE), kind)


@pytest.mark.parametrize("kind", ["youth", "technical"])
def test_edition_created_from_template_stores_the_rules(app, kind):
    edition = operations.create_from_template(kind, f"{kind}-2026", "Lần thử", DEADLINE)
    _check(spec_from_edition(edition), kind)
    assert edition.submission_deadline == DEADLINE
    assert edition.opens_at is None


def test_template_codes_are_stable():
    technical = template_spec("technical", "t", "T", DEADLINE)
    youth = template_spec("youth", "y", "Y", DEADLINE)
    assert [f.code for f in technical.fields] == ["CNTT", "CK", "VL", "NLN", "YD", "GD"]
    assert [f.code for f in youth.fields] == ["HT", "PM", "MT", "GD", "BDKH"]
    assert [c.code for c in technical.criteria] == ["novelty", "applicability", "effect"]
    assert [c.code for c in youth.criteria] == ["novelty", "effect", "design", "materials"]
    codes = ["special", "first", "second", "third", "merit", "movement"]
    assert [p.code for p in technical.prizes] == codes == [p.code for p in youth.prizes]


def test_template_dossier_checklists():
    youth = {f.code: f.attachments for f in template_spec("youth", "y", "Y", DEADLINE).fields}
    assert set(youth["PM"]) >= {"source_code", "installer", "instructions", "description"}
    assert "source_code" not in youth["HT"]
    assert all("unit_confirmation" in kinds for kinds in youth.values())
    technical = template_spec("technical", "t", "T", DEADLINE)
    assert all("full_text" in f.attachments for f in technical.fields)


def test_templates_have_no_validation_problem():
    from contest.contests.validation import check_spec

    for kind in ("youth", "technical"):
        assert check_spec(template_spec(kind, "abc-1", "Tên", DEADLINE)) == []
