"""Building small editions through the real commands: ``contest edition create --file``,
``contest entries import`` and ``contest scores import --create-judges``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

JUDGES = ("gk1@example.vn", "gk2@example.vn", "gk3@example.vn")
AUTHOR = "Nguyễn Văn An|1980-05-01|M"


def definition(slug: str = "stkt-kq", **overrides) -> dict:
    """A technical edition: fields CNTT then CK (edition order ≠ alphabetical), criteria
    novelty 40 and effect 60, tie-break effect first, 2 judges, discrepancy 20, and prizes
    first ≥85 ×1, second ≥75 ×3, third ≥65 ×2, merit ≥55 ×3 per field."""
    data = {
        "slug": slug,
        "title": "Hội thi Sáng tạo Kỹ thuật thử nghiệm",
        "contest": "technical",
        "submission_deadline": "2026-07-31T17:00:00+07:00",
        "reference_date": "2026-07-31",
        "age": None,
        "max_authors": 10,
        "applied_since": "2019-01-01",
        "judges_per_entry": 2,
        "discrepancy_threshold": 20,
        "fields": [
            {"code": "CNTT", "name": "Công nghệ thông tin"},
            {"code": "CK", "name": "Cơ khí"},
        ],
        "boards": [],
        "criteria": [
            {"code": "novelty", "name": "Tính mới, tính sáng tạo", "max_points": 40},
            {"code": "effect", "name": "Hiệu quả", "max_points": 60},
        ],
        "tiebreak": ["effect", "novelty"],
        "rounds": [{"code": "final", "cutoff": None}],
        "prizes": [
            _prize("first", "Giải Nhất", 85, 1),
            _prize("second", "Giải Nhì", 75, 3),
            _prize("third", "Giải Ba", 65, 2),
            _prize("merit", "Giải Khuyến khích", 55, 3),
        ],
        "national_max": 4,
    }
    data.update(overrides)
    return data


def _prize(code: str, name: str, band, quota) -> dict:
    return {
        "code": code,
        "name": name,
        "min_score": band,
        "quota": quota,
        "scope": "field",
        "amount_vnd": None,
    }


def invoke_ok(runner, *args: str):
    """Run a ``contest`` command and insist on exit status 0."""
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result


def create_edition(runner, tmp_path: Path, data: dict) -> None:
    """``contest edition create --file``."""
    path = tmp_path / f"{data['slug']}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    invoke_ok(runner, "edition", "create", "--file", str(path))


def import_entries(runner, tmp_path: Path, slug: str, entries: list[tuple]) -> None:
    """``contest entries import`` of ``(code, field, status)`` rows."""
    lines = ["code,title,field,authors,unit,status"]
    for code, field, status in entries:
        lines.append(f"{code},Giải pháp {code},{field},{AUTHOR},Đơn vị {code},{status}")
    path = tmp_path / f"entries-{slug}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    invoke_ok(runner, "entries", "import", slug, str(path))


def import_scores(runner, tmp_path: Path, slug: str, sheets: dict, round_code: str = "") -> None:
    """``contest scores import --create-judges``: ``sheets`` maps an entry code to a list of
    sheets, each ``{criterion: points}``; judge i scores the entry's i-th sheet."""
    path = tmp_path / f"scores-{slug}-{round_code or 'default'}.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["entry", "judge", "criterion", "points"])
        for code, entry_sheets in sheets.items():
            for judge, points in zip(JUDGES, entry_sheets, strict=False):
                for criterion, value in points.items():
                    writer.writerow([code, judge, criterion, value])
    extra = ["--round", round_code] if round_code else []
    invoke_ok(runner, "scores", "import", slug, str(path), "--create-judges", *extra)


def sheet(novelty, effect) -> dict:
    """One sheet's points."""
    return {"novelty": novelty, "effect": effect}
