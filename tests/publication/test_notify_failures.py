"""Publication e-mails when the mail server fails: the unsent messages stay claimable, the job
fails, and the retry (``notify.retry_failed``) sends exactly the rest. Only the SMTP delivery
is simulated (``notifications.deliver`` replaced by one that raises for some messages and
otherwise delivers for real to the memory outbox); the database and the jobs are real."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
import time_machine

from contest.jobs import operations
from contest.jobs.models import JobStatus
from contest.mail import deliver as real_deliver
from contest.publication import notifications, notify
from contest.publication import operations as pub
from contest.results import decisions
from contest.results.compile import latest_run
from contest.timeutil import utcnow
from tests.publication.helpers import entry_id
from tests.publication.notify_helpers import (
    FIRST_VERSION,
    claimed_keys,
    notify_jobs,
    prepare,
    sent,
)


@pytest.fixture()
def failing_smtp(monkeypatch):
    """``failing_smtp(refuse=…, down_after=…)``: the server refuses every message to the
    addresses in ``refuse`` (550), and/or is unreachable after ``down_after`` messages."""

    def _install(refuse=(), down_after=None):
        state = {"delivered": 0}

        def deliver(msg):
            if str(msg["To"]) in refuse:
                raise smtplib.SMTPRecipientsRefused({str(msg["To"]): (550, b"No such user")})
            if down_after is not None and state["delivered"] >= down_after:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            state["delivered"] += 1
            real_deliver(msg)

        monkeypatch.setattr(notifications, "deliver", deliver)

    yield _install
    monkeypatch.setattr(notifications, "deliver", real_deliver)


def _later(seconds: int):
    return utcnow() + timedelta(seconds=seconds)


def test_a_refused_address_fails_the_job_and_the_retry_sends_exactly_it(
    app, runner, tmp_path, users, outbox, failing_smtp, monkeypatch
):
    edition = prepare(runner, tmp_path, users)
    failing_smtp(refuse={"chung@example.vn"})  # author of A2 and A3: two messages refused
    pub.publish(edition, users["organizer"])
    operations.commit()

    expected_rest = [m for m in FIRST_VERSION if m[0] != "chung@example.vn"]
    assert sent(outbox) == expected_rest  # the others went out: one bad address blocks nobody
    [job] = notify_jobs()
    assert job.status == JobStatus.FAILED
    assert "2 thư bị máy chủ thư từ chối (6 thư đã gửi)" in job.error_summary
    assert len(claimed_keys()) == 6  # the refused messages' claims were released

    assert notify.retry_failed(now=_later(60)) == []  # not before its delay
    monkeypatch.setattr(notifications, "deliver", real_deliver)  # the mailbox exists now
    celery = app.extensions["celery"]
    assert (
        celery.conf.beat_schedule["publication-notify-retry"]["task"] == "publication.notify_retry"
    )
    with time_machine.travel(_later(notify.RETRY_DELAYS[0] + 1), tick=False):
        assert celery.tasks["publication.notify_retry"].delay().get() == 1  # beat's task

    assert sent(outbox) == FIRST_VERSION  # exactly the two missing ones were added
    [_, retry] = notify_jobs()
    assert retry.status == JobStatus.SUCCEEDED, retry.error
    assert retry.params["attempt"] == 2 and retry.params["retry_of"] == job.id
    assert (retry.result["sent"], retry.result["already_sent"]) == (2, 6)
    assert notify.retry_failed(now=_later(10**6)) == []  # the latest job succeeded


def test_an_unreachable_server_stops_the_job_and_the_retry_sends_the_rest(
    runner, tmp_path, users, outbox, failing_smtp, monkeypatch
):
    edition = prepare(runner, tmp_path, users)
    failing_smtp(down_after=3)
    pub.publish(edition, users["organizer"])
    operations.commit()

    assert len(outbox) == 3  # stopped at the first connection error, not 5 more timeouts
    [job] = notify_jobs()
    assert job.status == JobStatus.FAILED
    assert "Dừng gửi thư sau 3 thư vì lỗi máy chủ thư" in job.error_summary
    assert len(claimed_keys()) == 3

    monkeypatch.setattr(notifications, "deliver", real_deliver)
    assert len(notify.retry_failed(now=_later(notify.RETRY_DELAYS[0] + 1))) == 1
    operations.commit()
    assert sent(outbox) == FIRST_VERSION  # each recipient exactly once
    assert len(claimed_keys()) == 8


def test_retries_are_bounded(runner, tmp_path, users, outbox, failing_smtp):
    organizer = users["organizer"]
    edition = prepare(runner, tmp_path, users)
    failing_smtp(refuse={"chung@example.vn"})  # refused for good
    pub.publish(edition, organizer)
    operations.commit()
    now = utcnow()
    for delay in notify.RETRY_DELAYS:
        now += timedelta(seconds=delay + 1)
        assert len(notify.retry_failed(now=now)) == 1
        operations.commit()
    jobs = notify_jobs()
    assert [j.params["attempt"] for j in jobs] == [1, 2, 3, 4, 5, 6]
    assert all(j.status == JobStatus.FAILED for j in jobs)
    assert notify.retry_failed(now=now + timedelta(days=1)) == []  # given up
    assert sent(outbox) == [m for m in FIRST_VERSION if m[0] != "chung@example.vn"]


def test_a_superseded_version_is_not_retried(runner, tmp_path, users, outbox, failing_smtp):
    organizer = users["organizer"]
    edition = prepare(runner, tmp_path, users)
    failing_smtp(refuse={"chung@example.vn"})
    pub.publish(edition, organizer)
    operations.commit()
    [v1_job] = notify_jobs()
    assert v1_job.status == JobStatus.FAILED
    round_ = edition.rounds[-1]
    run = latest_run(round_)
    decisions.decide(edition, round_, run, entry_id("B1"), "special", "Xuất sắc", organizer)
    pub.publish(edition, organizer, note="Đính chính giải của B1")
    operations.commit()
    assert notify_jobs()[-1].status == JobStatus.SUCCEEDED

    # v1's correction is out: its failed messages are not sent any more.
    assert notify.retry_failed(now=_later(10**5)) == []
