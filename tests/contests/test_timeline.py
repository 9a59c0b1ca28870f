"""The timeline is a pure function of the dates: each boundary, just before / at / after, and
area-specific extensions (no database, no clock)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from contest.contests.timeline import (
    Phase,
    effective_deadline,
    judging_started,
    phase,
    submissions_open,
)
from tests.contests.conftest import local

OPENS = local(2026, 3, 1, 7, 30)
DEADLINE = local(2026, 7, 31, 17, 0)
JUDGING = local(2026, 8, 5, 8, 0)
JUDGING_ENDS = local(2026, 8, 30, 17, 0)
PUBLISHED = local(2026, 9, 10, 9, 0)
ARCHIVED = local(2027, 1, 1, 0, 0)
TICK = timedelta(microseconds=1)

PROVINCE, DISTRICT_A, COMMUNE_A1, DISTRICT_B, COMMUNE_B1 = 1, 10, 100, 20, 200
ANCESTORS = {
    DISTRICT_A: [PROVINCE],
    COMMUNE_A1: [DISTRICT_A, PROVINCE],
    DISTRICT_B: [PROVINCE],
    COMMUNE_B1: [DISTRICT_B, PROVINCE],
}


def edition(extensions=(), **dates):
    values = dict(
        opens_at=OPENS,
        submission_deadline=DEADLINE,
        judging_starts_at=JUDGING,
        judging_ends_at=JUDGING_ENDS,
        published_at=PUBLISHED,
        archived_at=ARCHIVED,
    )
    values.update(dates)
    return SimpleNamespace(extensions=list(extensions), **values)


def ext(area_id, when):
    return SimpleNamespace(area_id=area_id, new_deadline=when)


@pytest.mark.parametrize(
    ("boundary", "before", "at"),
    [
        (OPENS, Phase.DRAFT, Phase.OPEN),
        (DEADLINE, Phase.OPEN, Phase.CLOSED),
        (JUDGING, Phase.CLOSED, Phase.JUDGING),
        (JUDGING_ENDS, Phase.JUDGING, Phase.REVIEW),
        (PUBLISHED, Phase.REVIEW, Phase.PUBLISHED),
        (ARCHIVED, Phase.PUBLISHED, Phase.ARCHIVED),
    ],
)
def test_each_boundary_just_before_at_and_after(boundary, before, at):
    e = edition()
    assert phase(e, boundary - TICK) == before
    assert phase(e, boundary) == at
    assert phase(e, boundary + TICK) == at


def test_phases_are_ordered():
    assert [p.order for p in Phase] == list(range(7))
    assert [p.value for p in Phase] == [
        "draft",
        "open",
        "closed",
        "judging",
        "review",
        "published",
        "archived",
    ]
    assert Phase.JUDGING.order > Phase.CLOSED.order


def test_no_opening_date_is_a_draft():
    e = edition(
        opens_at=None,
        judging_starts_at=None,
        judging_ends_at=None,
        published_at=None,
        archived_at=None,
    )
    assert phase(e, DEADLINE - timedelta(days=30)) == Phase.DRAFT
    assert phase(e, DEADLINE + timedelta(days=30)) == Phase.DRAFT


def test_unset_later_dates_keep_the_edition_closed():
    e = edition(judging_starts_at=None, judging_ends_at=None, published_at=None, archived_at=None)
    assert phase(e, DEADLINE + timedelta(days=365)) == Phase.CLOSED


def test_deadline_is_compared_in_absolute_time():
    # 17:00 in Hà Nội is 10:00 UTC.
    from datetime import UTC, datetime

    e = edition()
    assert phase(e, datetime(2026, 7, 31, 9, 59, 59, tzinfo=UTC)) == Phase.OPEN
    assert phase(e, datetime(2026, 7, 31, 10, 0, 0, tzinfo=UTC)) == Phase.CLOSED


def test_district_extension_applies_to_its_commune_not_to_another_district():
    extended = DEADLINE + timedelta(days=3)
    e = edition([ext(DISTRICT_A, extended)])
    just_after = DEADLINE + TICK
    for area in (DISTRICT_A, COMMUNE_A1):
        assert effective_deadline(e, area, ANCESTORS[area]) == extended
        assert phase(e, just_after, area, ANCESTORS[area]) == Phase.OPEN
        assert phase(e, extended - TICK, area, ANCESTORS[area]) == Phase.OPEN
        assert phase(e, extended, area, ANCESTORS[area]) == Phase.CLOSED
    for area in (DISTRICT_B, COMMUNE_B1):
        assert effective_deadline(e, area, ANCESTORS[area]) == DEADLINE
        assert phase(e, just_after, area, ANCESTORS[area]) == Phase.CLOSED
    # The edition as a whole keeps its deadline.
    assert effective_deadline(e) == DEADLINE
    assert phase(e, just_after) == Phase.CLOSED


def test_commune_extension_does_not_apply_to_its_district():
    extended = DEADLINE + timedelta(days=2)
    e = edition([ext(COMMUNE_A1, extended)])
    assert effective_deadline(e, COMMUNE_A1, ANCESTORS[COMMUNE_A1]) == extended
    assert effective_deadline(e, DISTRICT_A, ANCESTORS[DISTRICT_A]) == DEADLINE


def test_province_extension_reaches_every_area():
    extended = DEADLINE + timedelta(days=1)
    e = edition([ext(PROVINCE, extended)])
    for area, ancestors in ANCESTORS.items():
        assert effective_deadline(e, area, ancestors) == extended


def test_whole_edition_extension_applies_everywhere():
    extended = DEADLINE + timedelta(days=4)
    e = edition([ext(None, extended)])
    assert effective_deadline(e) == extended
    assert effective_deadline(e, COMMUNE_B1, ANCESTORS[COMMUNE_B1]) == extended
    assert phase(e, extended - TICK) == Phase.OPEN


def test_latest_applicable_extension_wins():
    district = DEADLINE + timedelta(days=20)
    whole = DEADLINE + timedelta(days=10)
    e = edition([ext(DISTRICT_A, district), ext(None, whole)])
    # A later whole-edition extension never shortens the district's longer one.
    assert effective_deadline(e, COMMUNE_A1, ANCESTORS[COMMUNE_A1]) == district
    assert effective_deadline(e, COMMUNE_B1, ANCESTORS[COMMUNE_B1]) == whole
    e2 = edition([ext(DISTRICT_A, district), ext(DISTRICT_A, district + timedelta(days=1))])
    assert effective_deadline(e2, DISTRICT_A, [PROVINCE]) == district + timedelta(days=1)


def test_judging_overrides_an_extension_still_running():
    e = edition([ext(DISTRICT_A, JUDGING + timedelta(days=1))])
    assert phase(e, JUDGING, DISTRICT_A, [PROVINCE]) == Phase.JUDGING


def test_submissions_open_and_judging_started_helpers():
    e = edition([ext(DISTRICT_A, DEADLINE + timedelta(days=3))])
    assert submissions_open(e, DEADLINE - TICK)
    assert not submissions_open(e, DEADLINE)
    assert submissions_open(e, DEADLINE, COMMUNE_A1, ANCESTORS[COMMUNE_A1])
    assert not submissions_open(e, DEADLINE, COMMUNE_B1, ANCESTORS[COMMUNE_B1])
    assert not submissions_open(e, OPENS - TICK)
    assert not judging_started(e, JUDGING - TICK)
    assert judging_started(e, JUDGING)
    assert judging_started(e, ARCHIVED)
