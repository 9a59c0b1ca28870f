"""Set-ups for the publication workflow tests (publish, posting period, complaints): the
review tests' edition (see ``helpers``), published through the real operation, entrants who
own entries, and a correction that changes the list."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from contest.accounts.models import Role
from contest.entries.models import Entry
from contest.extensions import db
from contest.jobs.operations import commit
from contest.publication import operations as pub
from contest.publication.models import Publication
from contest.results import decisions
from contest.results.compile import latest_run
from tests import factories
from tests.publication.helpers import SLUG, compiled_edition, entry_id, resolve_flags

__all__ = ["SLUG", "T0", "correct", "entrant_owning", "published", "ready_edition"]

# A fixed moment (10:00 in Vietnam) for tests that travel in time.
T0 = datetime(2026, 9, 1, 3, 0, tzinfo=UTC)


def ready_edition(runner, tmp_path, organizer):
    """The compiled edition with its flags resolved (A3 second by decision, A5 panel score)."""
    edition = compiled_edition(runner, tmp_path)
    resolve_flags(edition, organizer)
    return edition


def published(runner, tmp_path, organizer, posting_days: int = 15, now=None):
    """The edition published as version 1 (committed); returns ``(edition, v1)``."""
    edition = ready_edition(runner, tmp_path, organizer)
    v1 = pub.publish(edition, organizer, posting_days=posting_days, now=now)
    commit()
    return edition, v1


def correct(edition, organizer) -> None:
    """Change the list after version 1: A4 takes the second prize instead of A3 (the tie is
    decided the other way); commits."""
    round_ = edition.rounds[-1]
    run = latest_run(round_)
    active = decisions.active_decisions(round_)
    decisions.withdraw(edition, active[entry_id("A3")], "Bốc thăm lại", organizer)
    decisions.decide(edition, round_, run, entry_id("A4"), "second", "Bốc thăm lại", organizer)
    commit()


def entrant_owning(*codes: str, email: str | None = None):
    """A new entrant who owns the entries ``codes`` (committed)."""
    user = factories.make_user(email=email, roles=(Role.ENTRANT,), full_name="Trần Thị Bình")
    for code in codes:
        entry = db.session.scalar(select(Entry).where(Entry.code == code))
        entry.owner_id = user.id
    commit()
    return user


def version(edition, number: int) -> Publication:
    return db.session.scalar(
        select(Publication).where(
            Publication.edition_id == edition.id, Publication.version == number
        )
    )
