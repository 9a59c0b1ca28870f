"""Issue 15: the review page builds the explanation sentences only for the rows it shows
(``explain()`` cost most of the page at 5,000 entries when it ran for every row); the data
of the review still holds every row, and each row's explanation, read, is ``explain()``'s."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from contest.contests.operations import get_edition
from contest.results import review, views
from contest.results.compile import latest_run
from contest.results.review import build_review, explain, run_rows
from tests.results_review.helpers import SHEETS, SLUG, build, compile_now

URL = f"/organizer/results/{SLUG}"
PER_PAGE = 3  # fewer than the 7 entries of the edition: three pages (3, 3, 1 rows)


@pytest.fixture()
def calls(monkeypatch):
    """The entry codes ``review.explain`` was called for, in order."""
    seen: list[str] = []

    def counting(row, names, threshold):
        seen.append(row.entry_code)
        return explain(row, names, threshold)

    monkeypatch.setattr(review, "explain", counting)
    return seen


def _shown(page_html: str) -> dict[str, str]:
    """Entry code → the text of its explanation cell, for the rows of the page."""
    out = {}
    for code, row in re.findall(r'<tr data-testid="row-([^"]+)">(.*?)</tr>', page_html, re.S):
        cell = re.search(r'data-testid="explanation">(.*?)</td>', row, re.S).group(1)
        out[code] = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
    return out


def test_build_review_explains_no_row_until_one_is_read(runner, tmp_path, calls):
    edition = build(runner, tmp_path)
    compile_now(edition)
    edition = get_edition(SLUG)
    round_ = edition.rounds[-1]

    data = build_review(edition, round_)
    items = [item for g in data.groups for item in g.rows]
    assert len(items) == len(SHEETS) and calls == []  # every row, no explanation yet

    names = {p.code: p.name for p in edition.prizes}
    expected = {
        row.entry_code: explain(row, names, edition.discrepancy_threshold)
        for row, _title in run_rows(latest_run(round_))
    }
    for item in items:  # read twice: built once
        assert (item.explanation, item.details) == expected[item.row.entry_code]
        assert (item.explanation, item.details) == expected[item.row.entry_code]
        sums = [j.total for j in item.judges]
        assert item.spread == (max(sums) - min(sums) if sums else None)
        assert item.stale is False  # nothing changed since the compile
    assert sorted(calls) == sorted(SHEETS)
    spreads = {item.row.entry_code: item.spread for item in items}
    assert spreads["A5"] == 40 and spreads["A1"] == 0


def test_the_page_explains_only_the_rows_it_shows(
    runner, tmp_path, client, login, users, monkeypatch, calls
):
    edition = build(runner, tmp_path)
    compile_now(edition)
    monkeypatch.setattr(views, "REVIEW_PER_PAGE", PER_PAGE)
    login(users["organizer"])
    edition = get_edition(SLUG)
    names = {p.code: p.name for p in edition.prizes}
    threshold = edition.discrepancy_threshold
    rows = {row.entry_code: row for row, _t in run_rows(latest_run(edition.rounds[-1]))}

    seen_codes: list[str] = []
    for number, size in ((1, PER_PAGE), (2, PER_PAGE), (3, len(SHEETS) - 2 * PER_PAGE)):
        calls.clear()
        response = client.get(f"{URL}?page={number}")
        assert response.status_code == 200
        shown = _shown(response.get_data(as_text=True))
        assert len(shown) == size
        assert sorted(calls) == sorted(shown)  # one explain() per row shown, none else
        for code, text in shown.items():
            main, details = explain(rows[code], names, threshold)
            assert text == " ".join(" ".join([main, *details]).split())
        seen_codes += shown
    assert sorted(seen_codes) == sorted(SHEETS)  # the pages still hold every row once


def test_the_page_reads_the_judges_totals_and_stored_rows_of_its_rows_only(
    runner, tmp_path, client, login, users, monkeypatch
):
    """One query for the judges' sheet totals of the rows shown and one for their stored
    rows, not for every entry (at 5,000 entries those reads cost more than the rest of the
    page), and the totals shown are those of the whole round's query."""
    edition = build(runner, tmp_path)
    compile_now(edition)
    monkeypatch.setattr(views, "REVIEW_PER_PAGE", PER_PAGE)
    login(users["organizer"])
    edition = get_edition(SLUG)
    round_ = edition.rounds[-1]
    everything = review.judge_totals(round_)
    code_of = {row.entry_id: row.entry_code for row, _t in run_rows(latest_run(round_))}
    asked: list = []
    real = review.judge_totals

    def recording(round_, entry_ids=None):
        asked.append(None if entry_ids is None else sorted(code_of[i] for i in entry_ids))
        return real(round_, entry_ids)

    monkeypatch.setattr(review, "judge_totals", recording)
    rows_asked: list = []
    real_rows = review.run_rows

    def recording_rows(run, entry_ids=None):
        rows_asked.append(None if entry_ids is None else sorted(code_of[i] for i in entry_ids))
        return real_rows(run, entry_ids)

    monkeypatch.setattr(review, "run_rows", recording_rows)
    for number in (1, 3):
        asked.clear()
        rows_asked.clear()
        page_html = client.get(f"{URL}?page={number}").get_data(as_text=True)
        shown = sorted(_shown(page_html))
        assert asked == [shown]
        assert rows_asked == [shown]  # (one compile: no previous run to compare with)
        for code in shown:
            entry_id = next(i for i, c in code_of.items() if c == code)
            row = re.search(rf'<tr data-testid="row-{code}">(.*?)</tr>', page_html, re.S)[1]
            cells = re.findall(r'data-testid="judge-total">([^<]*)<', row)
            assert cells == [review.band_text(j.total) for j in everything[entry_id]]


def test_values_are_read_once_also_for_entries_without_one():
    """A shown entry without sheets has no judges' totals: asking for it again must not read
    again (one read for the page's entries, one for everything when asked outside them)."""
    reads: list = []

    def read(ids):
        reads.append(None if ids is None else sorted(ids))
        everything = {1: "one", 3: "three"}
        return everything if ids is None else {i: everything[i] for i in ids if i in everything}

    values = review._ReadWhenShown(read)
    values.wanted |= {1, 2}  # what ShownRows.want does
    assert [values.of(i, "—") for i in (1, 2, 2, 1)] == ["one", "—", "—", "one"]
    assert reads == [[1, 2]]
    assert values.of(3) == "three" and values.of(2, "—") == "—" and values.of(4) is None
    assert reads == [[1, 2], None]
