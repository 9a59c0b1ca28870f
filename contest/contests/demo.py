"""Demo editions for ``contest demo``: one edition of each contest in Tuyên Quang, at two
stages of the season so that every demo login has something to do now:

* the youth edition is open for entries (deadline 4 weeks ahead);
* the technical edition is inside its judging window: submissions closed 10 days ago,
  judging opened 2 days ago and runs 3 more weeks (its judging is seeded by
  :mod:`contest.judging.demo`)."""

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
    the youth one open now, the technical one being judged now (module docstring). Flushes."""
    now = now or utcnow()
    editions = []
    for slug, kind, title, number in (
        (
            YOUTH_SLUG,
            "youth",
            "Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Tuyên Quang lần thứ 8 (2025–2026)",
            8,
        ),
        (
            TECHNICAL_SLUG,
            "technical",
            "Hội thi Sáng tạo Kỹ thuật tỉnh Tuyên Quang lần thứ X (2025–2026)",
            10,
        ),
    ):
        edition = operations.get_edition(slug)
        if edition is None:
            if kind == "youth":  # open: deadline 4 weeks ahead
                opens, deadline = -14, 28
            else:  # being judged: closed 10 days ago, judging from 2 days ago for 3 weeks
                opens, deadline = -70, -10
            deadline_at = _local_day_at(deadline, time(17, 0), now)
            spec = template_spec(kind, slug, title, deadline_at)
            spec.opens_at = _local_day_at(opens, time(7, 30), now)
            if kind == "technical":
                spec.judging_starts_at = _local_day_at(-2, time(8, 0), now)
                spec.judging_ends_at = _local_day_at(21, time(17, 0), now)
                spec.applied_since = date(deadline_at.year - 3, 1, 1)
            spec.number = number
            spec.organizing_units = ORGANIZERS
            spec.description = DESCRIPTIONS[kind]
            spec.national_max = 6 if kind == "technical" else 10
            edition = operations.create_edition(spec, actor, source="demo")
        editions.append(edition)
    return editions
