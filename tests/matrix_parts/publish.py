"""The publication workflow's routes in the role × route matrix: the organizers' publication
pages and the entrants' complaint pages. The world gets version 1 of the world's edition (in
its posting period) and one complaint of the world's entrant about the world's entry."""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import ORGANIZERS, only, post_only

    return {
        "publication.index": only(*ORGANIZERS),
        "publication.edition": only(*ORGANIZERS),
        "publication.publish": post_only(*ORGANIZERS),
        "publication.version": only(*ORGANIZERS),
        "publication.complaints": only(*ORGANIZERS),
        "publication.answer": post_only(*ORGANIZERS),
        "complaints.index": only("entrant"),
        "complaints.new": only("entrant"),
    }


def extend_world(world: dict, users: dict) -> None:
    """Version 1 of the world's edition (reused when another part made one) and a complaint;
    adds ``version`` and ``complaint_id``."""
    from datetime import timedelta

    from contest.contests.operations import get_edition
    from contest.entries.models import Entry
    from contest.extensions import db
    from contest.publication import operations as pub
    from contest.publication.models import Complaint, Publication
    from contest.results.compile import latest_run
    from contest.results.config_from_edition import ordered_rounds
    from contest.results.models import ResultsRun
    from contest.timeutil import utcnow

    edition = get_edition(world["slug"])
    publication = pub.latest_publication(edition)
    if publication is None:
        round_ = ordered_rounds(edition)[-1]
        run = latest_run(round_)
        if run is None:
            run = ResultsRun(
                edition_id=edition.id,
                round_id=round_.id,
                number=1,
                fingerprint="0" * 64,
                engine_version="matrix",
            )
            db.session.add(run)
            db.session.flush()
        now = utcnow()
        publication = Publication(
            edition_id=edition.id,
            round_id=round_.id,
            run_id=run.id,
            version=1,
            posting_days=15,
            published_at=now,
            posting_ends_at=now + timedelta(days=15),
            published_by_id=users["organizer"].id,
        )
        db.session.add(publication)
        db.session.flush()
    entry = db.session.get(Entry, world["entry_id"])
    complaint = Complaint(
        publication_id=publication.id,
        entry_id=entry.id,
        user_id=users["entrant"].id,
        text="Khiếu nại thử",
    )
    db.session.add(complaint)
    db.session.commit()
    world.setdefault("version", publication.version)
    world["complaint_id"] = complaint.id
