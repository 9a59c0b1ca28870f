"""The statistics in the shapes the page and the download need: chart data for Chart.js (JSON
in ``data-chart`` attributes, drawn by ``static/js/charts.js``; the CSP forbids inline
scripts) and the XLSX workbook with every table (one sheet each; texts escaped against
formula injection by :func:`contest.tabular.cell_text`)."""

from __future__ import annotations

import io
import json

from flask_babel import gettext as _

from ..tabular import cell_text
from . import statistics as st


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


def bar_data(
    breakdown: st.Breakdown, with_prizes: bool, horizontal: bool = False, by_key: bool = False
) -> str:
    """Bars per row of ``breakdown``: submitted, accepted (and prizes when published);
    ``by_key``: the rows' keys label the bars (field codes: the names are long)."""
    datasets = [
        {"label": _("Đã nộp"), "data": [r.counts.submitted for r in breakdown.rows], "kind": "bar"},
        {
            "label": _("Được chấm"),
            "data": [r.counts.accepted for r in breakdown.rows],
            "kind": "bar",
        },
    ]
    if with_prizes:
        datasets.append(
            {
                "label": _("Đạt giải"),
                "data": [r.counts.prized for r in breakdown.rows],
                "kind": "bar",
            }
        )
    return _json(
        {
            "type": "bar",
            "horizontal": horizontal,
            "labels": [str(r.key) if by_key else r.label for r in breakdown.rows],
            "datasets": datasets,
        }
    )


def doughnut_data(breakdown: st.Breakdown) -> str:
    """A doughnut of the submitted counts of ``breakdown``'s rows."""
    return _json(
        {
            "type": "doughnut",
            "labels": [r.label for r in breakdown.rows],
            "datasets": [
                {
                    "label": _("Đã nộp"),
                    "data": [r.counts.submitted for r in breakdown.rows],
                }
            ],
        }
    )


def comparison_data(
    rows: list[st.ComparisonRow], horizontal: bool = False, by_key: bool = False
) -> str:
    """Entries submitted per row, previous edition next to this one (``by_key``: see
    :func:`bar_data`)."""
    return _json(
        {
            "type": "bar",
            "horizontal": horizontal,
            "labels": [str(r.key) if by_key else r.label for r in rows],
            "datasets": [
                {
                    "label": _("Lần trước"),
                    "data": [r.entries.previous for r in rows],
                    "kind": "bar",
                },
                {"label": _("Lần này"), "data": [r.entries.current for r in rows], "kind": "bar"},
            ],
        }
    )


#: Breakdowns drawn as doughnuts on the page (the others as bars).
DOUGHNUTS = ("gender", "ethnicity")
#: More rows than this: horizontal bars in a taller box.
MANY_ROWS = 8


def page_charts(stats: st.EditionStatistics) -> dict[str, str]:
    """Chart data per breakdown key, plus ``comparison_area`` / ``comparison_field``."""
    with_prizes = stats.publication is not None
    out = {}
    for b in stats.breakdowns:
        if b.key in DOUGHNUTS:
            out[b.key] = doughnut_data(b)
        else:
            out[b.key] = bar_data(
                b, with_prizes, horizontal=len(b.rows) > MANY_ROWS, by_key=b.key == "field"
            )
    if stats.comparison is not None:
        c = stats.comparison
        out["comparison_area"] = comparison_data(c.by_area, horizontal=len(c.by_area) > MANY_ROWS)
        out["comparison_field"] = comparison_data(
            c.by_field, horizontal=len(c.by_field) > MANY_ROWS, by_key=True
        )
    return out


# ---------------------------------------------------------------- XLSX


def _sheet_title(text: str, used: set[str]) -> str:
    """A valid, unique sheet title (≤ 31 characters, none of ``[]:*?/\\``)."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in text).strip()[:31] or "Sheet"
    title, n = clean, 2
    while title in used:
        suffix = f" ({n})"
        title, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def _breakdown_rows(b: st.Breakdown, prizes: list[st.PrizeColumn]):
    header = [b.label or b.title, _("Đã nộp"), _("Được chấm")]
    if prizes:
        header += [_("Đạt giải"), *(p.name for p in prizes)]

    def cells(label, counts: st.Counts):
        row = [label, counts.submitted, counts.accepted]
        if prizes:
            row += [counts.prized, *(counts.prizes.get(p.code, 0) for p in prizes)]
        return row

    rows = [cells(r.label, r.counts) for r in b.rows]
    rows.append(cells(_("Tổng cộng"), b.total))
    return header, rows


def _comparison_rows(label: str, rows: list[st.ComparisonRow], total: st.ComparisonRow):
    header = [
        label,
        _("Hồ sơ lần trước"),
        _("Hồ sơ lần này"),
        _("Chênh lệch hồ sơ"),
        _("% thay đổi hồ sơ"),
        _("Tác giả lần trước"),
        _("Tác giả lần này"),
        _("Chênh lệch tác giả"),
        _("% thay đổi tác giả"),
    ]
    out = []
    for r in [*rows, total]:
        out.append(
            [
                r.label,
                r.entries.previous,
                r.entries.current,
                r.entries.difference,
                r.entries.percent,
                r.authors.previous,
                r.authors.current,
                r.authors.difference,
                r.authors.percent,
            ]
        )
    return header, out


def workbook(stats: st.EditionStatistics, winners) -> bytes:
    """Every table as one sheet of an XLSX workbook."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    used: set[str] = set()

    def sheet(title: str, header, rows) -> None:
        ws = book.create_sheet(title=_sheet_title(title, used))
        ws.append([cell_text(h) for h in header])
        for row in rows:
            ws.append([cell_text(v) for v in row])

    s = stats.summary
    summary = [
        (_("Lần thi"), stats.edition.title),
        (_("Bản công bố"), stats.publication.version if stats.publication else _("Chưa công bố")),
        (_("Hồ sơ đã nộp"), s.entries_submitted),
        (_("Hồ sơ được đưa vào chấm"), s.entries_accepted),
        (_("Hồ sơ bị loại"), s.entries_rejected),
        (_("Hồ sơ đã rút"), s.entries_withdrawn),
        (_("Lượt tác giả (hồ sơ đã nộp)"), s.authors),
        (_("trong đó nữ"), s.authors_female),
        (_("trong đó dân tộc thiểu số"), s.authors_minority),
        (_("Địa bàn có hồ sơ dự thi"), s.areas),
        (_("Đơn vị có hồ sơ dự thi"), s.units),
        (_("Số giải"), s.prizes),
    ]
    sheet(_("Tổng hợp"), [_("Chỉ tiêu"), _("Số liệu")], summary)
    for b in stats.breakdowns:
        header, rows = _breakdown_rows(b, stats.prize_columns)
        sheet(b.title, header, rows)
    if stats.comparison is not None:
        c = stats.comparison
        sheet(_("So sánh theo địa bàn"), *_comparison_rows(_("Địa bàn"), c.by_area, c.total))
        sheet(_("So sánh theo lĩnh vực"), *_comparison_rows(_("Lĩnh vực"), c.by_field, c.total))
    if winners:
        header = [_("Giải"), _("Mã"), _("Tên sản phẩm, giải pháp"), _("Tác giả"), _("Đơn vị"),
                  _("Địa bàn"), _("Lĩnh vực"), _("Điểm")]  # fmt: skip
        rows = [
            [
                level,
                e.entry_code,
                e.title,
                ", ".join(e.authors or []),
                e.unit_name,
                e.area_name,
                e.field_name,
                float(e.score) if e.score is not None else None,
            ]
            for level, items in winners
            for e in items
        ]
        sheet(_("Danh sách đạt giải"), header, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
