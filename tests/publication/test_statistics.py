"""Statistics of an edition (contest/reports/statistics.py) on the hand-built edition of
``statistics_helpers`` (its docstring has the table the numbers below are worked out from):
every breakdown with exact numbers, per entry or per author, the headline numbers, the
comparison with the previous edition, the choice of the previous edition (and none), a
technical edition (no school level) and an unpublished one (no prize columns); the counts
are set-based (the number of queries does not grow with the entries)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import event

from contest.contests import operations
from contest.contests.models import Edition
from contest.extensions import db
from contest.reports import statistics as st
from tests.publication.statistics_helpers import (
    PREVIOUS_SLUG,
    add_entry,
    build_edition,
    build_previous,
)


def table(breakdown: st.Breakdown) -> list[tuple]:
    """``(label, submitted, accepted, {prize: n})`` per row."""
    return [
        (r.label, r.counts.submitted, r.counts.accepted, dict(r.counts.prizes))
        for r in breakdown.rows
    ]


def test_every_breakdown_on_the_hand_built_edition(runner, tmp_path, users):
    edition, areas = build_edition(runner, tmp_path, organizer=users["organizer"])
    stats = st.edition_statistics(edition)
    assert stats.publication is not None and stats.publication.version == 1
    assert [p.code for p in stats.prize_columns] == ["first", "second", "third", "merit"]
    assert [b.key for b in stats.breakdowns] == [
        "area", "field", "level", "author_level", "gender", "ethnicity",
    ]  # fmt: skip
    per = {b.key: b.per for b in stats.breakdowns}
    assert per == {"area": "entry", "field": "entry", "level": "entry",
                   "author_level": "author", "gender": "author", "ethnicity": "author"}  # fmt: skip

    # Per entry. A commune counts for its district (E1 Tân Trào → Sơn Dương, E4 Lang Quán →
    # Yên Sơn); the withdrawn E8 and the draft E9 are not counted; E7 has no area.
    area = stats.breakdown("area")
    assert table(area) == [
        ("Hàm Yên", 2, 1, {}),
        ("Sơn Dương", 2, 2, {"first": 1, "second": 1}),
        ("Yên Sơn", 2, 2, {"third": 1, "merit": 1}),
        ("Chưa rõ địa bàn", 1, 0, {}),
    ]
    assert [r.key for r in area.rows] == [
        areas["ham_yen"].id, areas["son_duong"].id, areas["yen_son"].id, None,
    ]  # fmt: skip
    assert (area.total.submitted, area.total.accepted, area.total.prized) == (7, 5, 4)
    assert table(stats.breakdown("field")) == [
        ("Đồ dùng dành cho học tập", 4, 3, {"first": 1, "second": 1}),
        ("Phần mềm tin học", 3, 2, {"third": 1, "merit": 1}),
    ]
    # An entry's level is its highest author's: E2 (lớp 11 + Lớp 9A) is THPT, E5 (age 18 +
    # a teacher with no birth date) is THPT, E6 "5C" is Tiểu học whatever the age (13).
    assert table(stats.breakdown("level")) == [
        ("Tiểu học", 2, 1, {"third": 1}),  # E3 (age 10), E6 (5C)
        ("THCS", 2, 2, {"first": 1, "merit": 1}),  # E1 (6A, 7B), E4 (age 11)
        ("THPT", 2, 2, {"second": 1}),  # E2, E5
        ("Khác", 1, 0, {}),  # E7 (age 26)
    ]

    # Per author (author rows of the counted entries: 10).
    assert table(stats.breakdown("author_level")) == [
        ("Tiểu học", 2, 1, {"third": 1}),  # Đức, Khoa
        ("THCS", 4, 4, {"first": 2, "second": 1, "merit": 1}),  # Hoa, Bình, Cường, Lan
        ("THPT", 2, 2, {"second": 1}),  # Mai, Giang
        ("Khác", 2, 1, {}),  # Hằng (teacher), Nga (26)
    ]
    assert table(stats.breakdown("gender")) == [
        ("Nam", 5, 4, {"first": 1, "second": 1, "third": 1}),
        ("Nữ", 4, 3, {"first": 1, "second": 1, "merit": 1}),
        ("Không rõ", 1, 1, {}),
    ]
    # "kinh" merges with Kinh, "Dân tộc Tày" with Tày; Kinh first, then by number, then name.
    assert table(stats.breakdown("ethnicity")) == [
        ("Kinh", 4, 3, {"first": 1, "second": 1}),
        ("Tày", 3, 3, {"first": 1, "second": 1}),
        ("Dao", 1, 1, {"third": 1}),
        ("Nùng", 1, 0, {}),
        ("Không rõ", 1, 1, {"merit": 1}),
    ]
    assert stats.summary == st.Summary(
        entries_submitted=7, entries_accepted=5, entries_rejected=1, entries_withdrawn=1,
        authors=10, authors_female=4, authors_minority=5, areas=3, units=5, prizes=4,
    )  # fmt: skip
    assert stats.previous is None and stats.comparison is None  # no earlier youth edition

    names = [
        [e.entry_code for e in items] for _name, items in st.winners_by_level(stats.publication)
    ]
    assert [n for n, _items in st.winners_by_level(stats.publication)] == [
        "Giải Nhất", "Giải Nhì", "Giải Ba", "Giải Khuyến khích",
    ]  # fmt: skip
    assert names == [["E1"], ["E2"], ["E3"], ["E4"]]


def test_comparison_with_the_previous_edition(runner, tmp_path, users):
    edition, areas = build_edition(runner, tmp_path, organizer=users["organizer"])
    build_previous(runner, tmp_path, areas)
    stats = st.edition_statistics(edition)
    assert stats.previous.slug == PREVIOUS_SLUG
    c = stats.comparison

    def rows(items):
        return [
            (r.label, r.entries.previous, r.entries.current, r.entries.difference,
             r.entries.percent, r.authors.previous, r.authors.current, r.authors.percent)
            for r in items
        ]  # fmt: skip

    assert rows(c.by_area) == [
        ("Hàm Yên", 0, 2, 2, None, 0, 3, None),  # P4 withdrawn: not counted
        ("Sơn Dương", 2, 2, 0, 0.0, 2, 4, 100.0),  # P2 (Xã Tân Trào), P3
        ("Yên Sơn", 1, 2, 1, 100.0, 2, 2, 0.0),
        ("Chưa rõ địa bàn", 0, 1, 1, None, 0, 1, None),
    ]
    assert rows(c.by_field) == [
        ("Đồ dùng dành cho học tập", 1, 4, 3, 300.0, 2, 7, 250.0),
        ("Phần mềm tin học", 1, 3, 2, 200.0, 1, 3, 200.0),
        ("Sản phẩm thân thiện với môi trường (chỉ có ở lần trước)", 1, 0, -1, -100.0, 1, 0, -100.0),
    ]
    assert rows([c.total]) == [("Tổng cộng", 3, 7, 4, 133.3, 4, 10, 150.0)]


def _edition(slug, kind="youth", number=None, deadline=(2026, 3, 31), opens=None) -> Edition:
    edition = Edition(
        slug=slug, title=slug, kind=kind, number=number, max_authors=5,
        submission_deadline=datetime(*deadline, 10, tzinfo=UTC),
        opens_at=datetime(*opens, tzinfo=UTC) if opens else None,
        reference_date=date(*deadline),
    )  # fmt: skip
    db.session.add(edition)
    db.session.flush()
    return edition


def test_the_previous_edition_is_the_predecessor_never_any_edition(app, users):
    current = _edition("now", number=5, deadline=(2026, 3, 31))
    _edition("four", number=4, deadline=(2025, 3, 31))
    _edition("test", number=None, deadline=(2025, 12, 1))
    # Earlier editions of the same kind (even numbered 4) are not taken by themselves.
    assert st.previous_edition(current) is None
    chosen = _edition("chosen", number=2, deadline=(2023, 3, 31))
    current.predecessor_id = chosen.id
    db.session.flush()
    assert st.previous_edition(current) == chosen
    db.session.commit()


def test_a_cloned_edition_is_compared_with_its_source(runner, users):
    created = runner.invoke(
        args=[
            "edition", "create", "--template", "youth", "--slug", "ttn-7",
            "--title", "Lần thứ 7", "--deadline", "2026-03-31",
        ]
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    source = operations.get_edition("ttn-7")
    clone = operations.clone_edition(source, "ttn-8", "Lần thứ 8", users["organizer"], years=1)
    db.session.commit()
    assert clone.predecessor_id == source.id and st.previous_edition(clone) == source


def test_technical_edition_has_no_school_level_and_unpublished_has_no_prizes(
    runner, tmp_path, users
):
    from contest.contests.operations import get_edition
    from tests.results_compile.helpers import create_edition, definition

    create_edition(runner, tmp_path, definition("stkt-tk"))
    edition = get_edition("stkt-tk")
    add_entry(edition, "T1", "CNTT", "accepted", None,
              [("Kỹ sư Hà", date(1980, 1, 1), "F", "Mường", "Trưởng phòng kỹ thuật")])  # fmt: skip
    db.session.commit()
    stats = st.edition_statistics(edition)
    assert stats.breakdown("level") is None and stats.breakdown("author_level") is None
    assert stats.publication is None and stats.prize_columns == []
    assert table(stats.breakdown("ethnicity")) == [
        ("Kinh", 0, 0, {}), ("Mường", 1, 1, {}), ("Không rõ", 0, 0, {}),
    ]  # fmt: skip
    assert stats.summary.prizes == 0 and stats.summary.authors_minority == 1


def test_counts_are_set_based(runner, tmp_path, users):
    """The number of SQL statements does not depend on the number of entries."""
    edition, areas = build_edition(runner, tmp_path, organizer=users["organizer"])

    def statements() -> int:
        seen = []
        engine = db.engine

        def count(*_args, **_kwargs):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            db.session.expire_all()
            st.edition_statistics(db.session.get(Edition, edition.id))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    before = statements()
    for n in range(30):
        author = (f"Tác giả {n}", date(2012, 1, 1), "M", f"Dân tộc {n}", f"Lớp {n % 12 + 1}A")
        add_entry(edition, f"X{n}", "PM", "accepted", areas["ham_yen"], [author])
    db.session.commit()
    assert statements() == before
