"""Fixtures of the editions tests."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path

import pytest

from contest.accounts.models import Role
from contest.timeutil import LOCAL_TZ
from tests import factories

DATA = Path(__file__).parent / "data"
EXAMPLE_TEXT = (DATA / "formats_example.json").read_text(encoding="utf-8")


def local(*args) -> datetime:
    """An aware Vietnam-time datetime."""
    return datetime(*args, tzinfo=LOCAL_TZ)


HANDMADE = {
    "slug": "ttnnd-binh-dinh-2026",
    "title": "Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Bình Định lần thứ 12 (2026)",
    "number": 12,
    "contest": "youth",
    "description": "Thể lệ tóm tắt.\nDòng thứ hai.",
    "organizing_units": "Liên hiệp các Hội KH&KT tỉnh; Tỉnh đoàn",
    "opens_at": "2026-02-01T07:30:00+07:00",
    "submission_deadline": "2026-07-31T17:00:00+07:00",
    "reference_date": "2026-07-31",
    "age": {"min": 6, "max": 18},
    "max_authors": 3,
    "applied_since": None,
    "judges_per_entry": 3,
    "discrepancy_threshold": 17.5,
    "judging_starts_at": "2026-08-05T08:00:00+07:00",
    "judging_ends_at": "2026-08-30T17:00:00+07:00",
    "fields": [
        {
            "code": "PM",
            "name": "Phần mềm tin học",
            "attachments": ["description", "source_code", "installer", "instructions"],
        },
        {"code": "HT", "name": "Đồ dùng dành cho học tập"},
    ],
    "boards": [
        {"code": "THPT", "name": "Bảng THPT"},
        {"code": "THCS", "name": "Bảng THCS và Tiểu học"},
    ],
    "criteria": [
        {"code": "novelty", "name": "Tính mới", "max_points": 40},
        {"code": "effect", "name": "Hiệu quả", "max_points": 30.5},
        {"code": "design", "name": "Mỹ thuật", "max_points": 29.5},
    ],
    "tiebreak": ["effect", "novelty"],
    "rounds": [
        {"code": "prelim", "name": "Vòng sơ khảo", "cutoff": 60.25},
        {"code": "final", "name": "Vòng chung khảo", "cutoff": None},
    ],
    "prizes": [
        {
            "code": "special",
            "name": "Giải Đặc biệt",
            "min_score": None,
            "quota": 1,
            "scope": "field",
            "amount_vnd": None,
            "automatic": False,
        },
        {
            "code": "first",
            "name": "Giải Nhất",
            "min_score": 85,
            "quota": 1,
            "scope": "field",
            "amount_vnd": 5000000,
        },
        {
            "code": "second",
            "name": "Giải Nhì",
            "min_score": 72.5,
            "quota": None,
            "scope": "field",
            "amount_vnd": 3000000,
        },
    ],
    "national_max": 7,
}


@pytest.fixture()
def example() -> dict:
    """The FORMATS.md example definition, decoded."""
    return json.loads(EXAMPLE_TEXT)


@pytest.fixture()
def handmade() -> dict:
    """A hand-made youth definition with boards, a preliminary round and every extra key."""
    return copy.deepcopy(HANDMADE)


@pytest.fixture()
def organizer(app):
    """A committed organizer."""
    return factories.make_user(email="btc@example.vn", roles=(Role.ORGANIZER,))
