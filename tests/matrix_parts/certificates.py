"""Certificates (issue 7 point 4) in the role × route matrix: the organizers' pages (the
edition's certificates, generation, a batch's ZIP, one certificate's PDF) and the public
verification pages.

``extend_world`` makes sure the world's edition has a real version 1 (through the public
part's ``extend_world``, which reuses a publication made earlier), issues its certificates and
adds a finished batch with a stored ZIP: ``cert_code`` (a valid code, display form) and
``cert_batch_id``.
"""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import ORGANIZERS, only, post_only, public

    return {
        "certificates.index": only(*ORGANIZERS),
        "certificates.edition": only(*ORGANIZERS),
        "certificates.generate": post_only(*ORGANIZERS),
        "certificates.download": only(*ORGANIZERS),
        "certificates.pdf": only(*ORGANIZERS),
        "verify.lookup": public(),
        "verify.certificate": public(),  # a valid code: anyone may check it
        **entrant_matrix(),
    }


def extend_world(world: dict, users: dict) -> None:
    """A valid certificate and a finished batch of the world's edition (module docstring)."""
    import io
    import zipfile
    from datetime import date

    from contest.certificates import operations as certificates
    from contest.certificates.models import CertificateBatch
    from contest.contests.operations import get_edition
    from contest.extensions import db
    from contest.publication import operations as pub
    from contest.storage import get_storage
    from contest.timeutil import utcnow
    from tests.matrix_parts import public

    public.extend_world(world, users)
    edition = get_edition(world["slug"])
    publication = pub.latest_publication(edition)
    certificates.issue_for(publication, users["organizer"])
    issued = certificates.certificates_of(publication)
    assert issued, "the world's publication has no winner to certify"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("giay-chung-nhan.txt", "thử")
    stored = get_storage().save_bytes(buffer.getvalue(), "certificates", "application/zip")
    batch = CertificateBatch(
        publication_id=publication.id,
        place="Tuyên Quang",
        certificate_date=date(2026, 12, 15),
        signatory_title="TRƯỞNG BAN",
        signatory_name="Phạm Minh Đức",
        zip_key=stored.key,
        zip_size=stored.size,
        certificate_count=len(issued),
        created_by_id=users["organizer"].id,
        finished_at=utcnow(),
    )
    db.session.add(batch)
    db.session.commit()
    world["cert_code"] = issued[0].display_code
    world["cert_batch_id"] = batch.id


def entrant_matrix() -> dict:
    """The entrants' own download: organizers and the entry's owner; 404 for anyone else."""
    from tests.test_access_matrix import ORGANIZERS, only

    return {
        "my_certificates.pdf": only(*ORGANIZERS, coordinator=404, judge=404, entrant=404),
    }
