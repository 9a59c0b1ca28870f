"""The result flags: one enum, stored sorted and ``;``-joined, read back in SQL as a set
(``flags.has_flag``) on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import literal, select

from contest.extensions import db
from contest.results.flags import Flag, decode, encode, has_flag


@pytest.mark.parametrize(
    ("stored", "flag", "expected"),
    [
        ("ADVANCED", Flag.ADVANCED, True),
        ("ADVANCED;DISCREPANCY", Flag.ADVANCED, True),
        ("ADVANCED;DISCREPANCY", Flag.DISCREPANCY, True),
        ("ADVANCED;DISCREPANCY;PANEL_SCORE", Flag.PANEL_SCORE, True),
        ("DISCREPANCY;PANEL_SCORE", Flag.ADVANCED, False),
        ("", Flag.ADVANCED, False),
        ("INCOMPLETE", Flag.TIE_AT_QUOTA, False),
    ],
)
def test_has_flag_reads_the_stored_flags_as_a_set(app, stored, flag, expected):
    assert db.session.scalar(select(has_flag(literal(stored), flag))) is expected


def test_encode_and_decode_round_trip():
    flags = {Flag.PANEL_SCORE, Flag.ADVANCED, Flag.DISCREPANCY}
    assert encode(flags) == "ADVANCED;DISCREPANCY;PANEL_SCORE"
    assert decode(encode(flags)) == sorted(flags)
    assert encode([]) == "" and decode("") == []
    assert Flag.blocking() == (Flag.DISCREPANCY, Flag.TIE_AT_QUOTA)
