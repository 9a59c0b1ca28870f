"""An XLSX whose XML is refused by the parser (entity bomb, external entity, broken XML)
gets the import's ordinary "cannot read the file" message, from every importer, and nothing
is written."""

from __future__ import annotations

import io

import pytest

from contest.entries.import_rows import ImportFailed
from contest.judging.score_rows import read_file as read_scores_file
from contest.tabular import TableError, read_table
from tests.security import xlsx_craft as x

UNREADABLE = "Không đọc được tệp XLSX."

CRAFTED = {
    "entity bomb in a sheet": lambda: x.with_sheet(x.padded([["A1", x.BOMB_REF]]), x.BOMB_DTD),
    "external entity in a sheet": lambda: x.with_sheet(
        x.padded([["A1", x.EXTERNAL_REF]]), x.EXTERNAL_DTD
    ),
    "broken XML in a sheet": lambda: x.with_sheet(x.padded([["A1", "<b>"]])),
    "invalid character reference": lambda: x.with_sheet(x.padded([["A1", "a&#1;b"]])),
    "entity bomb in shared strings": lambda: x.with_shared_strings(
        f"<si><t>{x.BOMB_REF}</t></si>", x.BOMB_DTD
    ),
    "external entity in shared strings": lambda: x.with_shared_strings(
        f"<si><t>{x.EXTERNAL_REF}</t></si>", x.EXTERNAL_DTD
    ),
}


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_reader_says_unreadable(app, name):
    with pytest.raises(TableError) as caught:
        read_table(io.BytesIO(CRAFTED[name]()))
    assert str(caught.value) == UNREADABLE
    assert "passwd" not in str(caught.value) and "root:" not in str(caught.value)


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_score_import_says_unreadable(app, name):
    with pytest.raises(ImportFailed) as caught:
        read_scores_file(io.BytesIO(CRAFTED[name]()))
    assert [str(p) for p in caught.value.problems] == [UNREADABLE]


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_entries_import_says_unreadable_and_writes_nothing(app, users, name):
    from sqlalchemy import func, select

    from contest.contests.demo import seed_editions
    from contest.entries.imports import import_entries
    from contest.entries.models import Entry
    from contest.extensions import db

    edition = seed_editions()[0]
    db.session.commit()
    with pytest.raises(ImportFailed) as caught:
        import_entries(edition, io.BytesIO(CRAFTED[name]()), "x.xlsx", users["organizer"])
    assert [str(p) for p in caught.value.problems] == [UNREADABLE]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Entry.id))) == 0


def test_a_sound_crafted_file_still_reads(app):
    """The crafting helper itself makes readable files (so the cases above test the XML)."""
    table = read_table(io.BytesIO(x.with_sheet(x.padded([["B1", "Trần Bình"]]))))
    assert table.rows[-1].values == {"ma": "B1", "ho_ten": "Trần Bình"}
