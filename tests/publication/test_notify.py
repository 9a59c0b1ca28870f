"""E-mails when results are published (issue 7 point 6): publish → commit → the job (run
in-process here) → exactly the expected messages, each at most once; corrections; rollbacks.
Failures of the mail server: ``test_notify_failures.py``; a real worker: ``test_notify_worker``.
"""

from __future__ import annotations

from sqlalchemy import func, select

from contest.accounts.models import User
from contest.extensions import db
from contest.jobs import operations
from contest.jobs.models import Job, JobStatus
from contest.publication import notify
from contest.publication import operations as pub
from contest.publication.models import Publication, SentNotification
from contest.results import decisions
from contest.results.compile import latest_run
from tests.publication.helpers import entry_id
from tests.publication.notify_helpers import (
    EDITION_TITLE,
    FIRST_VERSION,
    author,
    body_to,
    claimed_keys,
    notify_jobs,
    prepare,
    sent,
)


def test_publishing_sends_each_recipient_the_right_mail_once(runner, tmp_path, users, outbox):
    edition = prepare(runner, tmp_path, users)
    publication = pub.publish(edition, users["organizer"], posting_days=15)
    publication_id = publication.id
    [job] = notify_jobs_in_session()
    assert job.params == {"publication_id": publication_id, "attempt": 1}
    assert job.status == JobStatus.PENDING and outbox == []  # nothing before the commit

    operations.commit()

    assert sent(outbox) == FIRST_VERSION
    [job] = notify_jobs()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {
        "publication_id": publication_id,
        "version": 1,
        "messages": 8,
        "sent": 8,
        "already_sent": 0,
        "missing_address": 1,  # A5's author
        "invalid_address": 1,  # A4's author
        "inactive_account": 1,  # judge gk2
    }
    assert (job.progress, job.total) == (8, 8)

    prize = body_to(outbox, "chung@example.vn", "mã hồ sơ A3")
    assert prize.startswith("Xin chào Trần Thị Chung,")
    assert (
        f"Chúc mừng bạn đã đạt Giải Nhì tại {EDITION_TITLE} với giải pháp “Giải pháp A3” "
        "(mã hồ sơ A3, lĩnh vực Công nghệ thông tin)." in prize
    )
    assert "http://127.0.0.1:5000/results/stkt-review" in prize
    assert "niêm yết công khai đến" in prize and "gửi khiếu nại" in prize
    assert "http://127.0.0.1:5000/complaints/stkt-review/new" in prize
    # The address that is an author of two entries got one e-mail about each.
    assert "mã hồ sơ A2" in body_to(outbox, "chung@example.vn", "Giải pháp A2")
    # Two authors of one entry sharing an address: one e-mail greeting both.
    assert body_to(outbox, "b1@example.vn").startswith("Xin chào Nguyễn Văn An, Lê Văn Bình,")
    thanks = body_to(outbox, "a6@example.vn")
    assert "Cảm ơn bạn đã tham gia" in thanks and "chưa có tên trong danh sách đạt giải" in thanks
    assert "Chúc mừng" not in thanks
    owner = body_to(outbox, "entrant@example.vn")
    assert "- A5 “Giải pháp A5”: đạt Giải Khuyến khích" in owner
    assert "- A6 “Giải pháp A6”: chưa có tên trong danh sách đạt giải" in owner
    judge = body_to(outbox, "gk1@example.vn")
    assert "cảm ơn bạn đã tham gia Ban Giám khảo" in judge and "6 hồ sơ đạt giải" in judge
    assert "http://127.0.0.1:5000/results/stkt-review" in judge

    a1, a2, chung2, a3 = author("A1"), author("A2"), author("A2", 2), author("A3")
    a6, b1 = author("A6"), author("B1")
    judge_id = db.session.scalar(select_user_id("gk1@example.vn"))
    pid = publication_id
    assert claimed_keys() == {
        *(f"publication:{pid}:author:{a.id}" for a in (a1, a2, chung2, a3, a6, b1)),
        f"publication:{pid}:owner:{users['entrant'].id}",
        f"publication:{pid}:judge:{judge_id}",
    }


def test_running_again_sends_nothing(runner, tmp_path, users, outbox):
    edition = prepare(runner, tmp_path, users)
    publication_id = pub.publish(edition, users["organizer"], posting_days=0).id
    operations.commit()
    assert len(outbox) == 8
    [first] = notify_jobs()
    assert "Kết quả này là kết quả chính thức." in body_to(outbox, "a6@example.vn")

    # The same job's message delivered again: the job has finished, nothing runs.
    again = operations.run(first.id, redelivered=True)
    assert again.status == JobStatus.SUCCEEDED and again.attempts == 1
    # A second job for the same publication (a duplicated publish hook, a manual re-run).
    job = operations.create_job(notify.KIND, {"publication_id": publication_id})
    operations.commit()
    assert len(outbox) == 8
    job = db.session.get(Job, job.id, populate_existing=True)
    assert job.status == JobStatus.SUCCEEDED
    assert (job.result["sent"], job.result["already_sent"]) == (0, 8)
    assert db.session.scalar(select_count(SentNotification)) == 8


def test_nothing_is_sent_when_the_publish_transaction_rolls_back(runner, tmp_path, users, outbox):
    edition = prepare(runner, tmp_path, users)
    pub.publish(edition, users["organizer"])
    assert len(notify_jobs_in_session()) == 1
    db.session.rollback()  # e.g. the view failed after publishing

    assert operations.commit() == []  # the rolled-back job is not dispatched
    assert outbox == []
    assert notify_jobs() == [] and db.session.scalar(select_count(Publication)) == 0
    assert claimed_keys() == set()


def test_a_correction_notifies_only_the_changed_entries(runner, tmp_path, users, outbox):
    organizer = users["organizer"]
    edition = prepare(runner, tmp_path, users, a4_email="a4@example.vn")
    round_ = edition.rounds[-1]
    run = latest_run(round_)
    decisions.decide(edition, round_, run, entry_id("A4"), None, "Chưa áp dụng", organizer)
    db.session.commit()
    v1 = pub.publish(edition, organizer, posting_days=15)
    operations.commit()
    assert ("a4@example.vn", f"Kết quả {EDITION_TITLE}") in sent(outbox)
    outbox.clear()

    # Version 2: A4 added (Giải Ba), A5 removed, B1 Nhất → Đặc biệt; A1 only renamed.
    decision = decisions.active_decisions(round_)[entry_id("A4")]
    decisions.withdraw(edition, decision, "Đã xác minh áp dụng", organizer)
    decisions.decide(edition, round_, run, entry_id("A5"), None, "Trùng giải pháp", organizer)
    decisions.decide(edition, round_, run, entry_id("B1"), "special", "Xuất sắc", organizer)
    author("A1").entry.title = "Giải pháp A1 (tên đúng)"
    db.session.commit()
    v2 = pub.publish(edition, organizer, posting_days=10, note="Sửa theo khiếu nại số 3")
    changes = {d.entry_code: d.changes for d in pub.differences(v1, v2)}
    assert changes["A1"] == ("title",)  # changed, but not its result: nobody is told
    operations.commit()

    subject = f"Đính chính kết quả – {EDITION_TITLE} (phiên bản 2)"
    assert sent(outbox) == sorted(
        [
            ("a4@example.vn", subject),
            ("b1@example.vn", subject),
            ("entrant@example.vn", subject),  # A5's owner: A5's author has no address
        ]
    )
    added = body_to(outbox, "a4@example.vn")
    assert "phiên bản 2" in added and "thay thế phiên bản 1" in added
    assert "Lý do đính chính: Sửa theo khiếu nại số 3" in added
    assert "Nay đạt Giải Ba (phiên bản trước: không có trong danh sách đạt giải)." in added
    assert "Đổi từ Giải Nhất thành Giải Đặc biệt." in body_to(outbox, "b1@example.vn")
    owner = body_to(outbox, "entrant@example.vn")
    assert (
        "- A5 “Giải pháp A5”: Không còn trong danh sách đạt giải "
        "(phiên bản trước: Giải Khuyến khích)." in owner
    )
    assert "A6" not in owner
    [_, job] = notify_jobs()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["sent"] == 3 and job.result["version"] == 2


# ---------------------------------------------------------------- small helpers


def notify_jobs_in_session() -> list[Job]:
    """The notification jobs as the current (uncommitted) transaction sees them."""
    return list(db.session.scalars(select(Job).where(Job.kind == notify.KIND)))


def select_count(model):
    return select(func.count()).select_from(model)


def select_user_id(email: str):
    return select(User.id).where(User.email == email)
