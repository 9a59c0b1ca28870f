"""Demo editions for ``contest demo``: one edition of each contest in Tuyên Quang."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..timeutil import LOCAL_TZ, utcnow
from . import operations
from .models import Edition
from .templates import template_spec

YOUTH_SLUG = "ttnnd-tuyen-quang-8"
TECHNICAL_SLUG = "stkt-tuyen-quang-10"
ORGANIZERS = (
    "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Tuyên Quang; Sở Giáo dục và Đào tạo; "
    "Tỉnh đoàn Tuyên Quang"
)

DESCRIPTIONS = {
    "youth": "Khơi dậy niềm đam mê nghiên cứu khoa học, sáng tạo kỹ thuật của thanh thiếu niên, "
    "nhi đồng; chọn sản phẩm tiêu biểu tham dự Cuộc thi toàn quốc.",
    "technical": "Tôn vinh các giải pháp sáng tạo kỹ thuật đã được áp dụng vào thực tiễn sản "
    "xuất và đời sống trên địa bàn tỉnh.",
}


def _local_day_at(days_ahead: int, at: time, now: datetime) -> datetime:
    """``at`` o'clock, Vietnam time, ``days_ahead`` days after ``now``'s local date."""
    day = now.astimezone(LOCAL_TZ).date() + timedelta(days=days_ahead)
    return datetime.combine(day, at, tzinfo=LOCAL_TZ)


def seed_editions(now: datetime | None = None, actor=None) -> list[Edition]:
    """Create the two demo editions if absent (idempotent: existing slugs are left alone);
    both open now, the youth deadline 4 weeks ahead, the technical one 8 weeks. Flushes."""
    now = now or utcnow()
    editions = []
    for slug, kind, title, number, weeks in (
        (
            YOUTH_SLUG,
            "youth",
            "Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Tuyên Quang lần thứ 8 (2025–2026)",
            8,
            4,
        ),
        (
            TECHNICAL_SLUG,
            "technical",
            "Hội thi Sáng tạo Kỹ thuật tỉnh Tuyên Quang lần thứ X (2025–2026)",
            10,
            8,
        ),
    ):
        edition = operations.get_edition(slug)
        if edition is None:
            deadline = _local_day_at(7 * weeks, time(17, 0), now)
            spec = template_spec(kind, slug, title, deadline)
            spec.opens_at = _local_day_at(-14, time(7, 30), now)
            spec.number = number
            spec.organizing_units = ORGANIZERS
            spec.description = DESCRIPTIONS[kind]
            if kind == "technical":
                spec.applied_since = date(deadline.year - 3, 1, 1)
            spec.national_max = 6 if kind == "technical" else 10
            edition = operations.create_edition(spec, actor, source="demo")
        editions.append(edition)
    return editions
