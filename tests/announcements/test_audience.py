"""Audience selection: the exact recipients of each audience, with area and field filters."""

from __future__ import annotations

import pytest

from contest.announcements.audience import AudienceError, select_recipients
from contest.announcements.models import Audience

CASES = [
    # audience, area, field, expected (user names or raw addresses)
    (Audience.DRAFTS, None, None, ["e1", "e2"]),
    (Audience.DRAFTS, "A", None, ["e1"]),
    (Audience.DRAFTS, None, "PM", ["e2"]),
    (Audience.DRAFTS, "A", "PM", []),
    (Audience.SUBMITTED, None, None, ["e3", "e4"]),
    (Audience.SUBMITTED, "A", None, ["e3"]),
    (Audience.SUBMITTED, "B", "HT", ["e4"]),
    # a1: its author with an address (not the owner e5); a2: no author address → owner e1
    (Audience.ACCEPTED_AUTHORS, None, None, ["tacgia1@example.vn", "e1"]),
    (Audience.ACCEPTED_AUTHORS, "A", None, ["tacgia1@example.vn"]),
    (Audience.ACCEPTED_AUTHORS, None, "HT", ["e1"]),
    # coordinators of the areas with (not withdrawn) entries and of the areas above them;
    # cC's only entry is withdrawn; c_off is deactivated
    (Audience.COORDINATORS, None, None, ["cA", "cA1", "cB", "cP"]),
    (Audience.COORDINATORS, "B", None, ["cB", "cP"]),
    (Audience.COORDINATORS, None, "PM", ["cA", "cA1", "cB", "cP"]),
    (Audience.COORDINATORS, "A", "HT", ["cA", "cA1", "cP"]),
    (Audience.COORDINATORS, "C", None, []),
    (Audience.ALL_COORDINATORS, None, None, ["cA", "cA1", "cB", "cC", "cP"]),
    (Audience.ALL_COORDINATORS, "B", None, ["cB", "cP"]),
    (Audience.ALL_COORDINATORS, "A", None, ["cA", "cA1", "cP"]),
    (Audience.JUDGES, None, None, ["j1", "j2"]),
    (Audience.JUDGES, None, "HT", ["j1"]),
]


def _address(season, name: str) -> str:
    return name if "@" in name else season[name].email


@pytest.mark.parametrize(("audience", "area", "field", "expected"), CASES)
def test_each_audience_reaches_exactly_its_recipients(season, audience, area, field, expected):
    edition = season["edition"]
    chosen_area = season[area] if area else None
    chosen_field = edition.field_by_code(field) if field else None
    selection = select_recipients(edition, audience, chosen_area, chosen_field)
    got = [r.email for r in selection.recipients]
    assert got == sorted(_address(season, n) for n in expected)
    assert selection.count == len(expected)


def test_unusable_addresses_are_skipped_and_counted(season):
    edition = season["edition"]
    season["e5"].email = "khong-hop-le"  # the owner of a1 (has an author address: unused)
    season["a2"].authors[0].email = "sai@@dia-chi"
    from contest.extensions import db

    db.session.commit()
    selection = select_recipients(edition, Audience.ACCEPTED_AUTHORS)
    # a2: its only author's address is malformed → its owner e1
    assert [r.email for r in selection.recipients] == ["e1@example.vn", "tacgia1@example.vn"]
    assert (selection.missing_address, selection.invalid_address) == (1, 1)


def test_an_address_is_written_to_once_whatever_its_case(season):
    edition = season["edition"]
    season["a1"].authors[1].email = "E1@Example.VN"  # the same person as e1, the owner of a2
    from contest.extensions import db

    db.session.commit()
    selection = select_recipients(edition, Audience.ACCEPTED_AUTHORS)
    assert sorted(r.email.casefold() for r in selection.recipients) == [
        "e1@example.vn",
        "tacgia1@example.vn",
    ]


@pytest.mark.parametrize(
    ("audience", "area", "field", "problem"),
    [
        (Audience.JUDGES, "A", None, "area"),
        (Audience.ALL_COORDINATORS, None, "HT", "field"),
    ],
)
def test_a_filter_the_audience_has_no_use_for_is_refused(season, audience, area, field, problem):
    edition = season["edition"]
    with pytest.raises(AudienceError) as caught:
        select_recipients(
            edition,
            audience,
            season[area] if area else None,
            edition.field_by_code(field) if field else None,
        )
    assert [name for name, _m in caught.value.problems] == [problem]
