"""``contest demo`` seeds last year's editions published (issue 7 point 8): the youth one
final with a special prize, certificates in a ZIP and a national selection with results; the
technical one in its posting period with an entry of the demo entrant."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest.accounts.models import User
from contest.certificates.models import Certificate, CertificateBatch
from contest.contests.operations import get_edition
from contest.demo import seed_demo
from contest.entries.models import Entry
from contest.extensions import db
from contest.national import selection as national
from contest.publication import operations as publish
from contest.publication.demo import TECHNICAL_PAST_SLUG, YOUTH_PAST_SLUG


@pytest.mark.slow
def test_demo_publishes_last_years_editions(app, client):
    seed_demo()
    youth, technical = get_edition(YOUTH_PAST_SLUG), get_edition(TECHNICAL_PAST_SLUG)
    final, posting = publish.latest_publication(youth), publish.latest_publication(technical)
    assert publish.state(final) == publish.State.FINAL
    assert publish.state(posting) == publish.State.POSTING
    owners = db.session.scalars(
        select(User.email)
        .join(Entry, Entry.owner_id == User.id)
        .where(Entry.edition_id == technical.id)
    ).all()
    assert owners == ["thisinh@demo.vn"]  # may lodge a complaint during the posting period
    assert "special" in {e.prize_code for e in final.entries}
    assert final.entries and posting.entries

    certificates = db.session.scalars(select(Certificate)).all()
    assert len(certificates) == sum(len(e.authors) for e in final.entries)
    batch = db.session.scalars(select(CertificateBatch)).one()
    assert batch.zip_key and batch.certificate_count == len(certificates)

    chosen = national.selection(youth)
    assert len(chosen.items) == youth.national_max
    assert chosen.removed and any(i.choice is not None for i in chosen.items)
    assert len(national.results(youth)) == 3

    page = client.get(f"/results/{YOUTH_PAST_SLUG}")
    assert page.status_code == 200 and final.entries[0].title in page.get_data(as_text=True)
    verify = client.get(f"/verify/{certificates[0].code}", follow_redirects=True)
    assert verify.status_code == 200 and certificates[0].author_name in verify.get_data(
        as_text=True
    )

    counts = db.session.execute(select(func.count()).select_from(Certificate)).scalar()
    seed_demo()  # idempotent
    assert db.session.execute(select(func.count()).select_from(Certificate)).scalar() == counts
