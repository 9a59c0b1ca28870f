"""Statement counting and a judged, compiled, published technical edition of any size, built
through the real commands (issue 15): entries import, scores import, panels, automatic
assignment, compile, publish."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from contest.accounts.models import Role
from contest.accounts.operations import find_user
from contest.contests.operations import get_edition
from contest.extensions import db
from contest.jobs.operations import commit
from contest.publication import operations as pub
from contest.timeutil import utcnow
from tests import factories
from tests.results_compile.helpers import (
    JUDGES,
    create_edition,
    definition,
    import_entries,
    import_scores,
    invoke_ok,
)
from tests.results_review.helpers import compile_now

SLUG = "stkt-perf"
FIELDS = ("CNTT", "CK")


class StatementCounter:
    """Counts the SQL statements sent to the database while active (``before_cursor_execute``
    on the engine), keeping their text for the failure message."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)

    def report(self) -> str:
        return "\n".join(f"{i}: {s[:160]}" for i, s in enumerate(self.statements, start=1))


@contextmanager
def counting():
    """``with counting() as counter:`` — every statement run inside is counted."""
    engine = db.engine
    counter = StatementCounter()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter)


def codes(size: int) -> list[tuple[str, str]]:
    """``size`` entry codes alternating between the two fields: ``[(code, field)]``."""
    return [(f"E{i:05d}", FIELDS[i % 2]) for i in range(1, size + 1)]


def build(runner, tmp_path, size: int, *, publish: bool = True):
    """The edition with ``size`` accepted entries, two submitted sheets each (judges gk1 and
    gk2 of both panels, gk3 on the panels too), assigned, one declared conflict, compiled,
    published (override) when ``publish``; judging window open now. Returns the edition."""
    create_edition(runner, tmp_path, definition(SLUG))
    for i, email in enumerate(JUDGES, start=1):
        if find_user(email) is None:
            factories.make_user(email, (Role.JUDGE,), full_name=f"Giám khảo {i}")
    entries = codes(size)
    import_entries(runner, tmp_path, SLUG, [(c, f, "accepted") for c, f in entries])
    sheets = {}
    for i, (code, _field) in enumerate(entries):
        a, b = 20 + i % 15, 30 + (i * 7) % 25
        sheets[code] = [{"novelty": a, "effect": b}, {"novelty": a + 1, "effect": b}]
    import_scores(runner, tmp_path, SLUG, sheets)
    for field in FIELDS:
        invoke_ok(runner, "panel", "add", SLUG, "--field", field, *JUDGES)
    invoke_ok(runner, "judging", "assign", SLUG)
    edition = get_edition(SLUG)
    now = utcnow()
    edition.judging_starts_at = now - timedelta(days=1)
    edition.judging_ends_at = now + timedelta(days=10)
    judge = find_user(JUDGES[2])
    factories.make_conflict(judge, edition, "person", name="Nguyễn Văn An")
    compile_now(edition)
    if publish:
        organizer = organizer_user()
        pub.publish(edition, organizer, override_reason="Thử hiệu năng")
        commit()
    db.session.expire_all()
    return get_edition(SLUG)


def organizer_user():
    """The organizer of the perf tests (created once)."""
    user = find_user("btc-perf@example.vn")
    if user is None:
        user = factories.make_user(
            "btc-perf@example.vn", (Role.ORGANIZER,), full_name="Ban Tổ chức"
        )
    return user
