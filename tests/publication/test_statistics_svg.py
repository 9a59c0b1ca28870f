"""Server-side SVG charts of the summary report (contest/reports/svg_charts.py): valid
XML, bars proportional to the values, slices proportional to their share, labels escaped and
NFC, long labels wrapped and shortened, empty data drawn without error. Pure: no database."""

from __future__ import annotations

import math
import re
import unicodedata
import xml.etree.ElementTree as ET

import pytest

from contest.reports.svg_charts import bar_chart, pie_chart, wrap

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def bars(root) -> list[tuple[str, float, float]]:
    return [
        (r.get("data-series"), float(r.get("data-value")), float(r.get("width")))
        for r in root.iterfind(".//s:rect[@class='bar']", NS)
    ]


def test_bars_are_proportional_to_values():
    root = parse(
        bar_chart(
            ["Hàm Yên", "Sơn Dương", "Yên Sơn"], [("Đã nộp", [4, 2, 1]), ("Đạt giải", [2, 0, 1])]
        )
    )
    drawn = bars(root)
    # A zero draws no bar; every other bar has width = value × the same scale.
    assert [(s, v) for s, v, _w in drawn] == [
        ("Đã nộp", 4), ("Đạt giải", 2), ("Đã nộp", 2), ("Đã nộp", 1), ("Đạt giải", 1),
    ]  # fmt: skip
    scales = {round(w / v, 6) for _s, v, w in drawn}
    assert len(scales) == 1
    widths = {v: w for _s, v, w in drawn}
    assert math.isclose(widths[4], 4 * widths[1]) and math.isclose(widths[2], 2 * widths[1])
    values = [t.text for t in root.iterfind(".//s:text[@class='value']", NS)]
    assert values == ["4", "2", "2", "0", "1", "1"]  # every bar's value, zeros included


def test_labels_are_escaped_and_nfc():
    nasty = 'Huyện <b>&"Tân" Trào'
    decomposed = unicodedata.normalize("NFD", "Nữ")
    svg = bar_chart([nasty], [("Số </text><script>", [3])], title="A & B")
    assert "<b>" not in svg and "<script>" not in svg
    root = parse(svg)
    texts = "".join(root.itertext())
    assert 'Huyện <b>&"Tân" Trào' in texts and "Số </text><script>" in texts and "A & B" in texts
    pie = pie_chart([decomposed, "<Nam>"], [1, 1])
    root = parse(pie)
    legend = [t.text for t in root.iterfind(".//s:text[@class='legend']", NS)]
    assert legend == ["Nữ: 1 (50 %)", "<Nam>: 1 (50 %)"]
    assert unicodedata.is_normalized("NFC", legend[0])


def test_long_labels_wrap_on_two_lines_then_shorten():
    assert wrap("Đồ dùng dành cho học tập", 24) == ["Đồ dùng dành cho học tập"]
    lines = wrap("Các giải pháp kỹ thuật nhằm ứng phó với biến đổi khí hậu, bảo vệ môi trường", 24)
    assert len(lines) == 2 and lines[1].endswith("…") and all(len(x) <= 24 for x in lines)
    root = parse(
        bar_chart(["Các giải pháp kỹ thuật nhằm ứng phó với biến đổi khí hậu"], [("n", [1])])
    )
    assert len(list(root.iterfind(".//s:text[@class='label']", NS))) == 2


def slice_angles(root) -> list[float]:
    """The angle of each slice from its path's arc end points (degrees)."""
    out = []
    for path in root.iterfind(".//s:path[@class='slice']", NS):
        numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
        x1, y1, rx = numbers[0], numbers[1], numbers[2]
        x2, y2 = numbers[7], numbers[8]
        large = numbers[5]
        chord = math.dist((x1, y1), (x2, y2))
        angle = math.degrees(2 * math.asin(min(1.0, chord / (2 * rx))))
        out.append(360 - angle if large else angle)
    return out


def test_pie_slices_follow_the_shares():
    root = parse(pie_chart(["Nam", "Nữ", "Không rõ"], [5, 4, 1]))
    assert [float(p.get("data-share")) for p in root.iterfind(".//s:path", NS)] == [0.5, 0.4, 0.1]
    assert [round(a) for a in slice_angles(root)] == [180, 144, 36]
    legend = [t.text for t in root.iterfind(".//s:text[@class='legend']", NS)]
    assert legend == ["Nam: 5 (50 %)", "Nữ: 4 (40 %)", "Không rõ: 1 (10 %)"]


@pytest.mark.parametrize("values", [[0, 0], [7, 0]])
def test_pie_edge_cases(values):
    root = parse(pie_chart(["A", "B"], values))
    if sum(values) == 0:
        assert root.find(".//s:path", NS) is None  # nothing to share: an empty ring
    else:
        ring = root.find(".//s:circle[@class='slice']", NS)  # one value: a full ring
        assert ring is not None and ring.get("data-value") == "7"


def test_empty_bar_chart_and_big_numbers():
    root = parse(bar_chart([], []))
    assert bars(root) == []
    root = parse(bar_chart(["Tỉnh"], [("n", [12345])]))
    assert [t.text for t in root.iterfind(".//s:text[@class='value']", NS)] == ["12.345"]
