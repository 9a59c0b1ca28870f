"""The daily digest of the panel's discussion, run as the real job (``jobs.run`` through
Celery, in-process here): who receives what (comments by others since the last digest,
masked, with a link to each thread), at most one digest a day per judge, and the beat task."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import delete, select

from contest.extensions import db
from contest.jobs.models import Job
from contest.jobs.operations import commit
from contest.judging import discussion
from contest.judging.discussion_digest import KIND, queue_digest
from contest.judging.models_discussion import DigestMark
from contest.judging.tasks import discussion_digest
from contest.publication.models import SentNotification
from contest.timeutil import utcnow
from tests.judging_ui import judge_fixtures
from tests.judging_ui.discussion_fixtures import AUTHOR, cast

judges = judge_fixtures.judges
open_edition = judge_fixtures.open_edition
assigned = judge_fixtures.assigned
__all__ = ["cast"]  # the fixture


@pytest.fixture()
def morning():
    """07:00 Vietnam time tomorrow (00:00 UTC): when the beat runs the digest."""
    now = utcnow()
    return now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def _post(cast, who: str, entry, round_, body: str, at) -> None:
    discussion.post_comment(cast[who], entry, round_, body, now=at)
    db.session.commit()


def _run_job(at) -> Job:
    """Add the digest job and run it (the real job, through Celery) at ``at``."""
    with time_machine.travel(at, tick=False):
        job = queue_digest()
        commit()
    db.session.expire_all()
    return db.session.get(Job, job.id)


def _mails(outbox) -> dict[str, str]:
    return {m["To"]: m.get_content() for m in outbox}


def test_each_judge_gets_the_comments_of_others_masked_with_links(
    app, open_edition, final, assigned, cast, outbox, morning
):
    assigned.title = f"Mô hình tưới cây của {AUTHOR}"
    db.session.commit()
    evening = morning - timedelta(hours=10)
    _post(cast, "assigned", assigned, final, f"Tác giả {AUTHOR} có xin thêm thời gian.", evening)
    _post(cast, "panel", assigned, final, "Tôi đề nghị họp tiểu ban.", evening)
    _post(cast, "organizer", assigned, final, "Ban Tổ chức đồng ý.", evening)
    job = _run_job(morning)
    assert job.status == "succeeded" and job.result["digests"] == 3
    mails = _mails(outbox)
    assert set(mails) == {"gk1@example.vn", "gk2@example.vn", "gk3@example.vn"}  # not Dũng, Giang
    an, binh, chi = mails["gk1@example.vn"], mails["gk2@example.vn"], mails["gk3@example.vn"]
    assert "có xin thêm thời gian" not in an  # An's own comment
    assert "Tôi đề nghị họp tiểu ban." in an and "Ban Tổ chức đồng ý." in an
    assert "Có 2 bình luận mới" in an
    assert "Có 3 bình luận mới" in binh and "Tôi đề nghị họp tiểu ban." not in chi
    for body in mails.values():
        assert AUTHOR not in body and "Kín" not in body
        assert f"/judge/entries/{assigned.id}/discussion/{final.id}" in body
        assert assigned.code in body
    assert "Tác giả [đã ẩn] có xin thêm thời gian." in binh
    assert "Mô hình tưới cây của [đã ẩn]" in binh
    subject = next(m["Subject"] for m in outbox if m["To"] == "gk2@example.vn")
    assert subject == "Thảo luận của tiểu ban: 3 bình luận mới"


def test_at_most_once_a_day_per_judge_with_the_real_job_twice(
    app, open_edition, final, assigned, cast, outbox, morning
):
    _post(cast, "assigned", assigned, final, "Ý kiến thứ nhất", morning - timedelta(hours=3))
    first = _run_job(morning)
    second = _run_job(morning + timedelta(minutes=5))  # a duplicate job the same morning
    assert first.result == {"digests": 2, "already_sent": 0}
    assert second.status == "succeeded" and second.result == {"digests": 0, "already_sent": 0}
    assert sorted(m["To"] for m in outbox) == ["gk2@example.vn", "gk3@example.vn"]
    # A comment later that day: An (no digest yet today) gets it, Bình waits for tomorrow.
    _post(cast, "panel", assigned, final, "Ý kiến thứ hai", morning + timedelta(hours=1))
    evening = _run_job(morning + timedelta(hours=12))
    assert evening.result == {"digests": 1, "already_sent": 1}
    assert [m["To"] for m in outbox[2:]] == ["gk1@example.vn"]
    keys = db.session.scalars(select(SentNotification.key)).all()
    day = (morning + timedelta(hours=7)).date().isoformat()
    assert sorted(keys) == sorted(
        f"panel-digest:{cast[who].id}:{day}" for who in ("assigned", "assigned2", "panel")
    )
    # Tomorrow Bình gets only what is new since the last digest he received.
    _run_job(morning + timedelta(days=1))
    tomorrow = _mails(outbox[3:])
    assert list(tomorrow) == ["gk2@example.vn"]
    assert "Ý kiến thứ hai" in tomorrow["gk2@example.vn"]
    assert "Ý kiến thứ nhất" not in tomorrow["gk2@example.vn"]


def test_a_run_that_lost_its_record_sends_nothing_twice_the_same_day(
    app, open_edition, final, assigned, cast, outbox, morning
):
    """The record of what digests covered is written after sending: a worker dying between
    the two leaves it unmoved, and the next run that day still sends nothing (send_once)."""
    _post(cast, "assigned", assigned, final, "Ý kiến", morning - timedelta(hours=3))
    assert _run_job(morning).result == {"digests": 2, "already_sent": 0}
    db.session.execute(delete(DigestMark))
    db.session.commit()
    again = _run_job(morning + timedelta(minutes=10))
    assert again.result == {"digests": 0, "already_sent": 2} and len(outbox) == 2


def test_hidden_and_just_written_comments_are_left_out(
    app, open_edition, final, assigned, cast, outbox, morning
):
    _post(cast, "assigned", assigned, final, "Sẽ bị ẩn", morning - timedelta(hours=2))
    hidden = discussion.post_comment(
        cast["assigned"], assigned, final, "Cũng bị ẩn", now=morning - timedelta(hours=2)
    )
    discussion.set_hidden(hidden, True, cast["organizer"])
    first = db.session.scalars(select(discussion.Comment).order_by(discussion.Comment.id)).first()
    discussion.set_hidden(first, True, cast["organizer"])
    db.session.commit()
    _post(cast, "assigned", assigned, final, "Vừa viết", morning - timedelta(seconds=10))
    assert _run_job(morning).result == {"digests": 0, "already_sent": 0}
    assert outbox == []
    _run_job(morning + timedelta(days=1))  # the young comment goes into the next digest
    assert sorted(m["To"] for m in outbox) == ["gk2@example.vn", "gk3@example.vn"]
    assert all("Vừa viết" in m.get_content() and "bị ẩn" not in m.get_content() for m in outbox)


def test_the_beat_task_adds_the_job(app, open_edition, final, assigned, cast, outbox, morning):
    schedule = app.extensions["celery"].conf.beat_schedule["judging-discussion-digest"]
    assert schedule["task"] == discussion_digest.name == "judging.discussion_digest"
    _post(cast, "panel", assigned, final, "Ý kiến", morning - timedelta(hours=1))
    with time_machine.travel(morning, tick=False):
        job_id = discussion_digest.delay().get()
    job = db.session.get(Job, job_id)
    assert job.kind == KIND and job.status == "succeeded"
    assert sorted(m["To"] for m in outbox) == ["gk1@example.vn", "gk2@example.vn"]
