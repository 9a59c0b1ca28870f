"""A small season for the announcement tests (built directly, committed): an area tree, an
open youth edition, entries in every status, coordinators, judges on two panels.

Tree: Tuyên Quang (P) → Yên Sơn (A) → Xã Mỹ Bằng (A1); Hàm Yên (B); Sơn Dương (C).
Entries (field, area, owner): draft d1 (HT, A1, e1), draft d2 (PM, B, e2), submitted s1 (HT,
A, e3), received r1 (HT, B, e4), accepted a1 (PM, A1, e5; authors with and without e-mail),
accepted a2 (HT, B, e1; no author e-mail), withdrawn w1 (HT, C, e2).
"""

from __future__ import annotations

from datetime import datetime

from contest.accounts.models import Role
from contest.areas.models import AreaLevel
from contest.contests import operations as editions
from contest.extensions import db
from contest.judging.models import Panel, PanelMember
from contest.timeutil import LOCAL_TZ
from tests import factories


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


OPENS = local(2026, 3, 1, 7, 30)
DEADLINE = local(2026, 7, 31, 17, 0)
BEFORE = local(2026, 6, 1, 9, 0)
SLUG = "ttn-2026"


def _entry(edition, code, field, area, owner, status, authors=()):
    return factories.make_entry(
        edition,
        code if status != "draft" else None,
        field,
        status=status,
        source="web",
        title=f"Sản phẩm {code}",
        summary="",
        authors=[
            {"full_name": name, "email": email, "is_representative": False}
            for name, email in authors
        ],
        area=area,
        owner=owner,
        commit=False,
    )


def build_season() -> dict:
    """The season of the module docstring; returns its objects by name."""
    mk = factories.make_area
    p = mk("Tuyên Quang", AreaLevel.PROVINCE)
    a = mk("Yên Sơn", AreaLevel.DISTRICT, parent=p)
    a1 = mk("Xã Mỹ Bằng", AreaLevel.COMMUNE, parent=a)
    b = mk("Hàm Yên", AreaLevel.DISTRICT, parent=p)
    c = mk("Sơn Dương", AreaLevel.DISTRICT, parent=p)
    user = factories.make_user
    w = {"P": p, "A": a, "A1": a1, "B": b, "C": c}
    w["organizer"] = user("btc@example.vn", (Role.ORGANIZER,), full_name="Ban Tổ chức")
    for n in range(1, 6):
        w[f"e{n}"] = user(f"e{n}@example.vn", (Role.ENTRANT,), full_name=f"Thí sinh {n}")
    for name, area in (("cP", p), ("cA", a), ("cA1", a1), ("cB", b), ("cC", c)):
        w[name] = user(f"{name.lower()}@example.vn", (Role.COORDINATOR,), area=area)
    w["c_off"] = user("off@example.vn", (Role.COORDINATOR,), area=a, active=False)
    w["j1"] = user("j1@example.vn", (Role.JUDGE,), full_name="Giám khảo 1")
    w["j2"] = user("j2@example.vn", (Role.JUDGE,), full_name="Giám khảo 2")
    w["j3"] = user("j3@example.vn", (Role.JUDGE,), full_name="Giám khảo không ngồi tiểu ban")
    edition = editions.create_from_template(
        "youth", SLUG, "Cuộc thi TTN-NĐ 2026", DEADLINE, w["organizer"], opens_at=OPENS
    )
    db.session.flush()
    w["edition"] = edition
    w["d1"] = _entry(edition, "D1", "HT", a1, w["e1"], "draft")
    w["d2"] = _entry(edition, "D2", "PM", b, w["e2"], "draft")
    w["s1"] = _entry(edition, "TTN-HT-001", "HT", a, w["e3"], "submitted")
    w["r1"] = _entry(edition, "TTN-HT-002", "HT", b, w["e4"], "received")
    w["a1"] = _entry(
        edition, "TTN-PM-001", "PM", a1, w["e5"], "accepted",
        [("Tác giả Một", "tacgia1@example.vn"), ("Tác giả Hai", "")],
    )  # fmt: skip
    w["a2"] = _entry(edition, "TTN-HT-003", "HT", b, w["e1"], "accepted", [("Tác giả Ba", "")])
    w["w1"] = _entry(edition, "TTN-HT-004", "HT", c, w["e2"], "withdrawn")
    round_ = edition.rounds[0]
    for judge, field in ((w["j1"], "HT"), (w["j2"], "PM")):
        panel = Panel(edition_id=edition.id, field_id=edition.field_by_code(field).id,
                      round_id=round_.id)  # fmt: skip
        panel.members.append(PanelMember(judge_id=judge.id))
        db.session.add(panel)
    db.session.commit()
    return w


def emails(*users) -> list[str]:
    return sorted(u.email for u in users)
