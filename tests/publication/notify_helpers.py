"""Set-up shared by the notification tests: the publication helpers' edition (A1…A6, B1),
flags resolved, with the authors' addresses and the entries' owners of every case the
notifications handle."""

from __future__ import annotations

from sqlalchemy import select

from contest.accounts.models import User
from contest.entries.models import Author, Entry
from contest.extensions import db
from contest.jobs.models import Job
from contest.publication import notify
from contest.publication.models import SentNotification
from tests import factories
from tests.publication.helpers import compiled_edition, entry_id, resolve_flags

EDITION_TITLE = "Hội thi Sáng tạo Kỹ thuật thử nghiệm"

#: What version 1 sends (see ``prepare``): (recipient, subject).
FIRST_VERSION = sorted(
    [
        ("an.a1@example.vn", f"Chúc mừng: A1 đạt Giải Nhất – {EDITION_TITLE}"),
        ("a2@example.vn", f"Chúc mừng: A2 đạt Giải Nhì – {EDITION_TITLE}"),
        ("chung@example.vn", f"Chúc mừng: A2 đạt Giải Nhì – {EDITION_TITLE}"),
        ("chung@example.vn", f"Chúc mừng: A3 đạt Giải Nhì – {EDITION_TITLE}"),
        ("a6@example.vn", f"Kết quả {EDITION_TITLE}"),
        ("b1@example.vn", f"Chúc mừng: B1 đạt Giải Nhất – {EDITION_TITLE}"),
        ("entrant@example.vn", f"Kết quả các hồ sơ của bạn – {EDITION_TITLE}"),
        ("gk1@example.vn", f"Thư cảm ơn giám khảo – {EDITION_TITLE}"),
    ]
)


def author(code: str, position: int = 1) -> Author:
    return db.session.scalar(
        select(Author).where(Author.entry_id == entry_id(code), Author.position == position)
    )


def prepare(runner, tmp_path, users, a4_email: str = "khong-phai-email"):
    """The edition ready to publish (v1 winners A1 Nhất, A2 Nhì, A3 Nhì, A4 Ba, A5 Khuyến
    khích, B1 Nhất; A6 INCOMPLETE, no prize), with:

    * A1's author an.a1@…, the entry owned by an account with the same address: no owner
      e-mail;
    * A2: a2@… and a second author chung@…, who is also A3's author: chung@ gets one e-mail
      per entry;
    * A4's author has a malformed address (``a4_email``), A5's none;
    * A5 and A6 owned by ``users["entrant"]``: one owner e-mail listing both (A6's author
      a6@… is not the owner);
    * B1: two authors sharing one address (b1@ / B1@): one e-mail greeting both;
    * judges gk1 and gk2 (from the scores import) — gk2's account deactivated; the ``judge``
      persona judged nothing.
    Commits; returns the edition."""
    edition = compiled_edition(runner, tmp_path)
    resolve_flags(edition, users["organizer"])
    author("A1").email = "an.a1@example.vn"
    owner_a1 = factories.make_user(email="an.a1@example.vn", full_name="Nguyễn Văn An")
    db.session.get(Entry, entry_id("A1")).owner_id = owner_a1.id
    author("A2").email = "a2@example.vn"
    a2 = db.session.get(Entry, entry_id("A2"))
    factories.make_author(a2, "Trần Thị Chung", position=2, email="chung@example.vn", commit=False)
    author("A3").full_name = "Trần Thị Chung"
    author("A3").email = " chung@example.vn "
    author("A4").email = a4_email
    author("A5").email = ""
    author("A6").email = "a6@example.vn"
    for code in ("A5", "A6"):
        db.session.get(Entry, entry_id(code)).owner_id = users["entrant"].id
    author("B1").email = "b1@example.vn"
    b1 = db.session.get(Entry, entry_id("B1"))
    factories.make_author(b1, "Lê Văn Bình", position=2, email="B1@example.vn", commit=False)
    db.session.scalar(select(User).where(User.email == "gk2@example.vn")).is_active_account = False
    db.session.commit()
    return edition


def sent(outbox) -> list[tuple[str, str]]:
    """(recipient, subject) of every message in ``outbox``, sorted."""
    return sorted((str(m["To"]), str(m["Subject"])) for m in outbox)


def body_to(outbox, to: str, contains: str = "") -> str:
    """The body of the one message to ``to`` whose body contains ``contains``."""
    bodies = [m.get_content() for m in outbox if str(m["To"]) == to]
    found = [b for b in bodies if contains in b]
    assert len(found) == 1, (to, contains, bodies)
    return found[0]


def notify_jobs() -> list[Job]:
    """The notification jobs, oldest first, as committed."""
    db.session.expire_all()
    return list(db.session.scalars(select(Job).where(Job.kind == notify.KIND).order_by(Job.id)))


def claimed_keys() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(SentNotification.key)))
