"""The organizer's judging pages: a conflict by area (named alone or with its parents, an
ambiguous or unknown name refused), and the bulk per-judge manual assignment (conflicted
entries refused one by one with the reason, the others assigned)."""

from __future__ import annotations

from sqlalchemy import select

from contest.areas.models import AreaLevel
from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.judging.models import Assignment, Conflict
from tests import factories
from tests.judging.conftest import make_entry


def _url(edition, page: str) -> str:
    return f"/organizer/judging/{edition.slug}/{page}"


def _pairs() -> set[tuple[int, int]]:
    db.session.expire_all()
    return {tuple(r) for r in db.session.execute(select(Assignment.entry_id, Assignment.judge_id))}


def test_area_conflict_from_the_organizer_ui(
    client, login, organizer, edition, panel, judges, places
):
    in_yen_son = make_entry(edition, "CNTT-010", area=places["my_bang"])  # under Yên Sơn
    elsewhere = make_entry(edition, "CNTT-011", area=places["ham_yen"])
    login(organizer)
    page = client.get(_url(edition, "conflicts")).get_data(as_text=True)
    assert 'value="area"' in page
    response = client.post(
        _url(edition, "conflicts/add"),
        data={"judge_id": judges[1].id, "kind": "area", "target": "tuyên quang / YÊN SƠN"},
    )
    assert response.status_code == 302
    conflict = db.session.scalars(select(Conflict)).one()
    assert (conflict.kind, conflict.area_id) == ("area", places["yen_son"].id)
    page = client.get(_url(edition, "conflicts")).get_data(as_text=True)
    assert "đã khai xung đột với địa bàn Yên Sơn" in page and "CNTT-010" in page
    assert "CNTT-011" not in page
    # The area conflict bars the judge from the entry in the area, not from the other one.
    client.post(
        _url(edition, "assignment/bulk"),
        data={"judge_id": judges[1].id, "entry_ids": [in_yen_son.id, elsewhere.id]},
    )
    assert _pairs() == {(elsewhere.id, judges[1].id)}


def test_area_conflict_unknown_or_ambiguous_name(
    client, login, organizer, edition, panel, judges, places
):
    # A second "Yên Sơn" under another province makes the bare name ambiguous.
    other = factories.make_area("Tỉnh Khác", AreaLevel.PROVINCE)
    factories.make_area("Yên Sơn", AreaLevel.DISTRICT, parent=other)
    login(organizer)
    for target, message in (
        ("Nơi Không Có", "Không có địa bàn “Nơi Không Có”"),
        ("Yên Sơn", "Có 2 địa bàn tên “Yên Sơn”"),
    ):
        response = client.post(
            _url(edition, "conflicts/add"),
            data={"judge_id": judges[0].id, "kind": "area", "target": target},
            follow_redirects=True,
        )
        assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(Conflict)).all() == []
    client.post(
        _url(edition, "conflicts/add"),
        data={"judge_id": judges[0].id, "kind": "area", "target": "Tỉnh Khác / Yên Sơn"},
    )
    assert db.session.scalars(select(Conflict)).one().area.parent.name == "Tỉnh Khác"


def test_bulk_assignment_refuses_conflicts_per_entry(
    client, login, organizer, edition, panel, entries, judges
):
    third = make_entry(edition, "CNTT-003", authors=("Lý Thị Ba",))
    login(organizer)
    page = client.get(_url(edition, "assignment")).get_data(as_text=True)
    assert 'data-testid="bulk-assign-form"' in page and f'value="{third.id}"' in page
    client.post(
        _url(edition, "conflicts/add"),
        data={"judge_id": judges[0].id, "kind": "entry", "target": "CNTT-002"},
    )
    response = client.post(
        _url(edition, "assignment/bulk"),
        data={"judge_id": judges[0].id, "entry_ids": [e.id for e in (*entries, third)]},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Đã phân công TS. Lê Văn An chấm thêm 2 hồ sơ." in html
    assert "không được chấm hồ sơ CNTT-002: đã khai xung đột với hồ sơ này" in html
    assert _pairs() == {(entries[0].id, judges[0].id), (third.id, judges[0].id)}
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "judging.assign")
    ).one()
    assert sorted(audit.details["pairs"]) == sorted(
        [[entries[0].id, judges[0].id], [third.id, judges[0].id]]
    )
    # Again with the same entries: nothing new, the conflict still refused.
    response = client.post(
        _url(edition, "assignment/bulk"),
        data={"judge_id": judges[0].id, "entry_ids": [entries[0].id, entries[1].id]},
        follow_redirects=True,
    )
    assert "chấm thêm 0 hồ sơ" in response.get_data(as_text=True)
    assert len(_pairs()) == 2


def test_bulk_assignment_needs_entries_of_the_edition(
    client, login, organizer, edition, panel, entries, judges
):
    login(organizer)
    response = client.post(
        _url(edition, "assignment/bulk"), data={"judge_id": judges[0].id}, follow_redirects=True
    )
    assert "Hãy chọn ít nhất một hồ sơ." in response.get_data(as_text=True)
    response = client.post(
        _url(edition, "assignment/bulk"), data={"judge_id": judges[0].id, "entry_ids": [99999]}
    )
    assert response.status_code == 404
    assert _pairs() == set()
