"""Entry codes: format, per-field numbering, stability, skipping taken codes, and no
duplicate under concurrent submissions (two sessions in two threads)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from contest.accounts.models import User
from contest.contests.models import Edition
from contest.entries import codes, intake, operations
from contest.entries.models import Entry
from contest.extensions import db
from contest.jobs.operations import commit
from tests import factories
from tests.entries.conftest import BEFORE, make_draft


@pytest.mark.parametrize(
    ("kind", "deadline", "prefix"),
    [
        ("technical", datetime(2025, 7, 31, 10, 0, tzinfo=UTC), "STKT25"),
        ("youth", datetime(2025, 7, 31, 10, 0, tzinfo=UTC), "STTN25"),
        # 31/12/2025 17:00 UTC is already 1/1/2026 in Vietnam: the local year counts
        ("technical", datetime(2025, 12, 31, 17, 0, tzinfo=UTC), "STKT26"),
    ],
)
def test_prefix_uses_the_local_year_of_the_deadline(kind, deadline, prefix):
    assert codes.code_prefix(Edition(kind=kind, submission_deadline=deadline)) == prefix


@pytest.mark.parametrize(
    ("number", "code"),
    [
        (1, "STKT25-CNTT-001"),
        (7, "STKT25-CNTT-007"),
        (999, "STKT25-CNTT-999"),
        (1000, "STKT25-CNTT-1000"),
    ],
)
def test_format(number, code):
    assert codes.format_code("STKT25", "CNTT", number) == code


def test_numbers_run_per_field_and_stay_through_reclassification(youth, people):
    entrant, organizer = people["entrant"], people["organizer"]
    made = [
        make_draft(youth, entrant, field=field, title=f"Sản phẩm {i}")
        for i, field in enumerate(["HT", "PM", "HT", "HT"])
    ]
    for entry in made:
        operations.submit(entry, entrant, now=BEFORE)
    assert [e.code for e in made] == [
        "STTN26-HT-001",
        "STTN26-PM-001",
        "STTN26-HT-002",
        "STTN26-HT-003",
    ]
    intake.reclassify(made[0], organizer, youth.field_by_code("MT"))
    assert made[0].field.code == "MT" and made[0].code == "STTN26-HT-001"
    again = make_draft(youth, entrant, field="HT", title="Sản phẩm mới")
    operations.submit(again, entrant, now=BEFORE)
    assert again.code == "STTN26-HT-004"  # numbers are never reused


def test_codes_taken_by_imported_entries_are_skipped(youth, people):
    factories.make_entry(youth, "STTN26-HT-001", "HT", title="Hồ sơ giấy", summary="", authors=())
    entry = make_draft(youth, people["entrant"])
    operations.submit(entry, people["entrant"], now=BEFORE)
    assert entry.code == "STTN26-HT-002"


def _in_thread(app, work, results, key):
    def run():
        with app.app_context():
            try:
                results[key] = work()
            except Exception as exc:  # reported to the test
                results[key] = exc
                db.session.rollback()
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_concurrent_submissions_get_distinct_codes(app, youth, people):
    """Transaction A takes a number and holds its transaction open; B submits meanwhile and
    must wait for A (counter row lock on PostgreSQL, write lock on SQLite), then take the
    next number — never the same one."""
    first = make_draft(youth, people["entrant"], title="Một")
    second = make_draft(youth, people["other"], title="Hai")
    ids = {"a": (first.id, people["entrant"].id), "b": (second.id, people["other"].id)}
    a_has_number, results = threading.Event(), {}

    def submit(key, hold=False):
        entry_id, user_id = ids[key]
        entry = db.session.get(Entry, entry_id)
        operations.submit(entry, db.session.get(User, user_id), now=BEFORE)
        if hold:
            a_has_number.set()
            threading.Event().wait(0.5)  # keep the transaction (and its locks) open
        commit()
        return entry.code

    thread_a = _in_thread(app, lambda: submit("a", hold=True), results, "a")
    assert a_has_number.wait(10)
    thread_b = _in_thread(app, lambda: submit("b"), results, "b")
    thread_a.join(20)
    thread_b.join(20)
    assert results == {"a": "STTN26-HT-001", "b": "STTN26-HT-002"}


def test_two_tabs_racing_on_the_same_draft_submit_once(app, youth, people, outbox):
    entry = make_draft(youth, people["entrant"])
    entry_id, user_id = entry.id, people["entrant"].id
    barrier, results = threading.Barrier(2), {}

    def tab():
        draft = db.session.get(Entry, entry_id)
        user = db.session.get(User, user_id)
        assert draft.status == "draft"
        barrier.wait(10)
        operations.submit(draft, user, now=BEFORE)
        commit()
        return draft.code

    threads = [_in_thread(app, tab, results, key) for key in ("one", "two")]
    for thread in threads:
        thread.join(30)
    outcomes = sorted(results.values(), key=lambda r: isinstance(r, Exception))
    assert outcomes[0] == "STTN26-HT-001"
    assert isinstance(outcomes[1], operations.EntryError), outcomes[1]
    db.session.expire_all()
    assert db.session.get(Entry, entry_id).status == "submitted"
    assert len(outbox) == 1
