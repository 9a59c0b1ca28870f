"""A hand-built youth edition for the statistics tests, with known areas, authors (classes,
birth dates, genders, ethnicities), statuses, scores and a real publication; and the previous
edition to compare with.

The edition ``ttn-tk`` (lần thứ 5, reference date 31/3/2026) is created through ``contest
edition create``; entries and authors are written directly (to control every author fact);
scores go through ``contest scores import``, the compile job runs, and the results are
published with ``publish.publish``. Expected numbers are worked out by hand in the tests.

Areas: the ``users`` fixture's Tuyên Quang (province) and Yên Sơn (district); here also the
districts Sơn Dương and Hàm Yên, the communes Xã Tân Trào (Sơn Dương) and Xã Lang Quán
(Yên Sơn).

======  =====  ==========  ============  =====================================  =======
entry   field  status      area          authors (gender, ethnicity, class/age)  prize
======  =====  ==========  ============  =====================================  =======
E1      HT     accepted    Xã Tân Trào   Hoa F Kinh "Lớp 6A"; Bình M Tày "7B"     first
E2      HT     accepted    Sơn Dương     Mai F Tày "lớp 11"; Cường M Kinh "Lớp 9A" second
E3      PM     accepted    Yên Sơn       Đức M Dao, age 10 exactly                 third
E4      PM     accepted    Xã Lang Quán  Lan F (no ethnicity), age 11 exactly      merit
E5      HT     accepted    Hàm Yên       Giang M "kinh" "Học sinh" age 18;         —
                                         Hằng (no gender) "Dân tộc Tày" Giáo viên
E6      HT     rejected    Hàm Yên       Khoa M Nùng "5C" (age 13)                 —
E7      PM     submitted   (none)        Nga F Kinh, age 26                        —
E8      HT     withdrawn   Sơn Dương     Phúc M Kinh "lớp 10"                      —
E9      HT     draft       Yên Sơn       Quân M Kinh                               —
======  =====  ==========  ============  =====================================  =======
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from contest.areas.models import Area, AreaLevel
from contest.contests.operations import get_edition
from contest.entries.models import Entry
from contest.extensions import db
from contest.publication import operations as publish
from tests import factories
from tests.results_compile.helpers import create_edition, definition, import_scores, sheet
from tests.results_review.helpers import compile_now

SLUG = "ttn-tk"
PREVIOUS_SLUG = "ttn-tk-4"
TITLE = "Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Tuyên Quang lần thứ 5 (2025–2026)"
PREVIOUS_TITLE = "Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng tỉnh Tuyên Quang lần thứ 4"
UNITS = "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Tuyên Quang\nTỉnh Đoàn Tuyên Quang"
REFERENCE = date(2026, 3, 31)


def youth_definition(slug: str, title: str, number: int | None, deadline: str, **extra) -> dict:
    """A youth edition: fields HT then PM (MT added by ``extra``), prizes per field first ≥85
    ×1, second ≥75 ×1, third ≥65 ×2, merit ≥55 ×2."""

    def prize(code, name, band, quota):
        return {"code": code, "name": name, "min_score": band, "quota": quota,
                "scope": "field", "amount_vnd": None}  # fmt: skip

    data = definition(
        slug,
        title=title,
        contest="youth",
        age={"min": 6, "max": 19},
        applied_since=None,
        max_authors=5,
        submission_deadline=deadline,
        reference_date=deadline[:10],
        fields=[
            {"code": "HT", "name": "Đồ dùng dành cho học tập"},
            {"code": "PM", "name": "Phần mềm tin học"},
        ],
        prizes=[
            prize("first", "Giải Nhất", 85, 1),
            prize("second", "Giải Nhì", 75, 1),
            prize("third", "Giải Ba", 65, 2),
            prize("merit", "Giải Khuyến khích", 55, 2),
        ],
        number=number,
        organizing_units=UNITS,
    )
    data.update(extra)
    return data


def areas() -> dict[str, Area]:
    """The area tree (adds to the ``users`` fixture's Tuyên Quang and Yên Sơn)."""
    province = db.session.scalars(select(Area).where(Area.name == "Tuyên Quang")).one()
    yen_son = db.session.scalars(select(Area).where(Area.name == "Yên Sơn")).one()
    area = factories.make_area
    son_duong = area("Sơn Dương", AreaLevel.DISTRICT, province, commit=False)
    ham_yen = area("Hàm Yên", AreaLevel.DISTRICT, province, commit=False)
    tan_trao = area("Xã Tân Trào", AreaLevel.COMMUNE, son_duong, commit=False)
    lang_quan = area("Xã Lang Quán", AreaLevel.COMMUNE, yen_son)
    return {
        "province": province,
        "yen_son": yen_son,
        "son_duong": son_duong,
        "ham_yen": ham_yen,
        "tan_trao": tan_trao,
        "lang_quan": lang_quan,
    }


def add_entry(edition, code, field_code, status, area, authors, unit="") -> Entry:
    """An entry written directly; ``authors`` are ``(name, dob, gender, ethnicity, class)``."""
    return factories.make_entry(
        edition,
        None if status == "draft" else code,
        field_code,
        status=status,
        source="web",
        title=f"Sản phẩm {code}: Mô hình “sáng tạo” số {code[1:]}",
        summary="",
        authors=[
            {
                "full_name": name,
                "date_of_birth": dob,
                "gender": gender,
                "ethnicity": ethnicity,
                "class_or_position": klass,
            }
            for name, dob, gender, ethnicity, klass in authors
        ],
        area=area,
        unit_name=unit,
        submitted_at=None if status == "draft" else datetime(2026, 3, 1, 3, 0, tzinfo=UTC),
        commit=False,
    )


SCORES = {  # two identical sheets each: no discrepancy, no tie
    "E1": [sheet(36, 54), sheet(36, 54)],  # 90 → first (HT)
    "E2": [sheet(32, 48), sheet(32, 48)],  # 80 → second (HT)
    "E3": [sheet(28, 42), sheet(28, 42)],  # 70 → third (PM)
    "E4": [sheet(24, 36), sheet(24, 36)],  # 60 → merit (PM)
    "E5": [sheet(20, 30), sheet(20, 30)],  # 50 → no prize (HT)
}


def build_edition(runner, tmp_path, *, publish_results: bool = True, organizer=None):
    """The edition of the module docstring (published when ``publish_results``)."""
    a = areas()
    create_edition(runner, tmp_path, youth_definition(SLUG, TITLE, 5, "2026-03-31T17:00:00+07:00"))
    edition = get_edition(SLUG)
    add_entry(edition, "E1", "HT", "accepted", a["tan_trao"],
              [("Nguyễn Thị Hoa", date(2014, 1, 1), "F", "Kinh", "Lớp 6A"),
               ("Lê Văn Bình", date(2013, 5, 1), "M", "Tày", "7B")],
              "Trường THCS Tân Trào")  # fmt: skip
    add_entry(edition, "E2", "HT", "accepted", a["son_duong"],
              [("Hoàng Thị Mai", date(2009, 1, 1), "F", "Tày", "lớp 11"),
               ("Đặng Văn Cường", date(2011, 2, 2), "M", "Kinh", "Lớp 9A")],
              "Trường THPT Sơn Dương")  # fmt: skip
    add_entry(edition, "E3", "PM", "accepted", a["yen_son"],
              [("Phạm Minh Đức", date(2016, 3, 31), "M", "Dao", "")],
              "Trường TH Yên Sơn")  # fmt: skip
    add_entry(edition, "E4", "PM", "accepted", a["lang_quan"],
              [("Vũ Thị Lan", date(2015, 3, 31), "F", "", "")],
              "Trường TH Yên Sơn")  # fmt: skip
    add_entry(edition, "E5", "HT", "accepted", a["ham_yen"],
              [("Trần Văn Giang", date(2008, 1, 1), "M", "kinh", "Học sinh"),
               ("Ngô Thị Hằng", None, "", "Dân tộc Tày", "Giáo viên")],
              "Trường THPT Hàm Yên")  # fmt: skip
    add_entry(edition, "E6", "HT", "rejected", a["ham_yen"],
              [("Lý Văn Khoa", date(2012, 6, 1), "M", "Nùng", "5C")],
              "Trường TH Hàm Yên")  # fmt: skip
    add_entry(edition, "E7", "PM", "submitted", None,
              [("Bùi Thị Nga", date(2000, 1, 1), "F", "Kinh", "")])  # fmt: skip
    add_entry(edition, "E8", "HT", "withdrawn", a["son_duong"],
              [("Đỗ Văn Phúc", date(2010, 1, 1), "M", "Kinh", "lớp 10")],
              "Trường THPT Sơn Dương")  # fmt: skip
    add_entry(edition, "E9", "HT", "draft", a["yen_son"],
              [("Mai Văn Quân", date(2012, 1, 1), "M", "Kinh", "")])  # fmt: skip
    db.session.commit()
    if publish_results:
        import_scores(runner, tmp_path, SLUG, SCORES)
        compile_now(edition)
        edition = get_edition(SLUG)
        publish.publish(edition, organizer, posting_days=0)
        db.session.commit()
    return get_edition(SLUG), a


def build_previous(runner, tmp_path, a) -> None:
    """Lần thứ 4, the predecessor of the edition ``SLUG``: P1 HT accepted Yên Sơn (2 authors),
    P2 PM submitted Xã Tân Trào (1), P3 MT rejected Sơn Dương (1), P4 HT withdrawn Hàm Yên (1,
    not counted)."""
    fields = [
        {"code": "HT", "name": "Đồ dùng dành cho học tập"},
        {"code": "PM", "name": "Phần mềm tin học"},
        {"code": "MT", "name": "Sản phẩm thân thiện với môi trường"},
    ]
    create_edition(
        runner,
        tmp_path,
        youth_definition(
            PREVIOUS_SLUG, PREVIOUS_TITLE, 4, "2024-03-31T17:00:00+07:00", fields=fields
        ),
    )
    edition = get_edition(PREVIOUS_SLUG)
    kid = ("Trịnh Văn Sơn", date(2012, 1, 1), "M", "Kinh", "")
    add_entry(
        edition, "P1", "HT", "accepted", a["yen_son"], [kid, ("Lò Thị Én", None, "F", "Thái", "")]
    )
    add_entry(edition, "P2", "PM", "submitted", a["tan_trao"], [kid])
    add_entry(edition, "P3", "MT", "rejected", a["son_duong"], [kid])
    add_entry(edition, "P4", "HT", "withdrawn", a["ham_yen"], [kid])
    # This year's edition continues it (as when it is cloned): the statistics compare them.
    current = get_edition(SLUG)
    if current is not None:
        current.predecessor_id = edition.id
    db.session.commit()
