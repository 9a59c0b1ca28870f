"""Demo certificates for ``contest demo``: the past youth edition published by
:mod:`contest.publication.demo` gets its certificates (a ``certificates.generate`` job: it runs
after the caller's commit, in-process without Redis, so the ZIP is there when the demo
serves). Flushes, the caller commits."""

from __future__ import annotations

from datetime import timedelta

from ..accounts.operations import find_user
from ..contests.models import Edition
from ..extensions import db
from ..publication import operations as publish
from ..publication.demo import DEMO_ORGANIZER
from ..timeutil import LOCAL_TZ
from .models import CertificateBatch
from .tasks import create_generate_job


def seed_certificates(editions: list[Edition]) -> None:
    """Issue the certificates of the youth editions among ``editions`` (just published) and
    add the job that renders them into a ZIP."""
    organizer = find_user(DEMO_ORGANIZER)
    if organizer is None:
        return
    for edition in editions:
        publication = publish.latest_publication(edition)
        if edition.kind != "youth" or publication is None:
            continue
        batch = CertificateBatch(
            publication_id=publication.id,
            place="Tuyên Quang",
            certificate_date=(publication.published_at + timedelta(days=20))
            .astimezone(LOCAL_TZ)
            .date(),
            signatory_title="TM. BAN TỔ CHỨC\nTRƯỞNG BAN",
            signatory_name="Nguyễn Văn Hùng",
            organizing_units=edition.organizing_units or "",
            created_by_id=organizer.id,
        )
        db.session.add(batch)
        db.session.flush()
        create_generate_job(batch, edition, organizer)
