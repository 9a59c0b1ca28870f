"""The summary report (báo cáo tổng kết) of an edition as PDF, built by a background job.

``statistics.report`` jobs (params ``{"edition_id"}``) compute :mod:`.statistics`, draw the
charts as SVG on the server (:mod:`.svg_charts`), render ``templates/reports/report_pdf.html``
with WeasyPrint (DejaVu fonts embedded, every text NFC, always in Vietnamese whatever the
language of whoever started it) and store the PDF with :func:`contest.storage.get_storage`
(spooled, then renamed into place: a reader never sees half a file). The job's result holds
the storage key; ``statistics.download`` serves it. A re-run (a worker died) simply writes a
new file.

The report: title "BÁO CÁO TỔNG KẾT <edition>", organizing units, which publication the prizes
come from, headline numbers, every table of the statistics page with its chart, the winners by
prize level, the national selection when one exists, and the comparison with the previous
edition (or a sentence saying there is none).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .. import pdf
from ..contests.models import Edition
from ..errors import UserError
from ..extensions import db
from ..file_types import PDF
from ..jobs.models import Job
from ..jobs.operations import Progress, create_job, job_handler
from ..storage import get_storage
from ..text import nfc
from ..timeutil import utcnow
from . import statistics as st
from . import svg_charts

KIND = "statistics.report"
STORAGE_CATEGORY = "reports"
STEPS = 5
STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "statistics_report.css"


def N_(message: str) -> str:  # noqa: N802 - the gettext "mark only" convention
    """Mark ``message`` for extraction; the job page translates it when shown."""
    return message


class ReportError(UserError):
    """The report cannot be made (the edition is gone)."""


def create_report_job(edition: Edition, user=None) -> Job:
    """Add a pending report job for ``edition`` (flushes; ``jobs.operations.commit``
    dispatches it)."""
    return create_job(KIND, {"edition_id": edition.id}, user=user, total=STEPS)


# ---------------------------------------------------------------- charts


def _series(breakdown: st.Breakdown, with_prizes: bool) -> list[tuple[str, list[int]]]:
    series = [
        (_("Đã nộp"), [r.counts.submitted for r in breakdown.rows]),
        (_("Được chấm"), [r.counts.accepted for r in breakdown.rows]),
    ]
    if with_prizes:
        series.append((_("Đạt giải"), [r.counts.prized for r in breakdown.rows]))
    return series


def _svg(svg: str) -> Markup:
    """An SVG from :mod:`.svg_charts`, safe to insert as is."""
    return Markup(svg)  # noqa: S704 - svg_charts escapes every text it writes


def charts(stats: st.EditionStatistics) -> dict[str, Markup]:
    """The report's SVG charts by name (``area``, ``field``, ``level``, ``gender``,
    ``ethnicity``, ``comparison_area``, ``comparison_field``)."""
    out: dict[str, Markup] = {}
    with_prizes = stats.publication is not None
    for key in ("area", "field", "level"):
        breakdown = stats.breakdown(key)
        if breakdown is not None and breakdown.rows:
            labels = [nfc(r.label) for r in breakdown.rows]
            out[key] = _svg(svg_charts.bar_chart(labels, _series(breakdown, with_prizes)))
    for key in ("gender", "ethnicity"):
        breakdown = stats.breakdown(key)
        if breakdown is not None:
            rows = [r for r in breakdown.rows if r.counts.submitted or key == "gender"]
            out[key] = _svg(
                svg_charts.pie_chart(
                    [nfc(r.label) for r in rows], [r.counts.submitted for r in rows]
                )
            )
    if stats.comparison is not None:
        prev = _("Lần trước")
        now = _("Lần này")
        for key, compared in (
            ("comparison_area", stats.comparison.by_area),
            ("comparison_field", stats.comparison.by_field),
        ):
            if compared:
                out[key] = _svg(
                    svg_charts.bar_chart(
                        [nfc(r.label) for r in compared],
                        [
                            (prev, [r.entries.previous for r in compared]),
                            (now, [r.entries.current for r in compared]),
                        ],
                    )
                )
    return out


# ---------------------------------------------------------------- national selection


def national_summary(edition: Edition):
    """The national selection of ``edition`` when one exists (items in the list), else None."""
    from ..national import selection as national

    selection = national.selection(edition)
    return selection if selection.items else None


# ---------------------------------------------------------------- rendering


def render_html(edition: Edition, progress: Progress | None = None, now=None) -> tuple[str, Any]:
    """The report's HTML (always Vietnamese) and the statistics it shows; ``progress`` hears
    of each step."""
    step = progress or (lambda *args, **kwargs: None)
    step(1, STEPS, N_("Đang tính số liệu thống kê…"))
    with force_locale("vi"):
        stats = st.edition_statistics(edition)
        step(2, message=N_("Đang vẽ biểu đồ…"))
        drawn = charts(stats)
        step(3, message=N_("Đang dựng nội dung báo cáo…"))
        html = render_template(
            "reports/report_pdf.html",
            stats=stats,
            edition=edition,
            charts=drawn,
            winners=st.winners_by_level(stats.publication),
            national=national_summary(edition),
            generated_at=now or utcnow(),
            nfc=nfc,
        )
    return html, stats


def render_pdf(html: str) -> bytes:
    """PDF bytes of ``html`` (WeasyPrint; no external resource is fetched)."""
    return pdf.render_pdf(nfc(html), STYLESHEET)


def file_name(edition: Edition) -> str:
    """The download name: ``bao-cao-tong-ket-<slug>.pdf``."""
    return f"bao-cao-tong-ket-{edition.slug}.pdf"


@job_handler(KIND, label=_l("Báo cáo tổng kết"))
def build_report(job: Job, progress: Progress) -> dict[str, Any]:
    """Make the report of the job's edition and store it (module docstring)."""
    edition = db.session.get(Edition, (job.params or {}).get("edition_id"))
    if edition is None:
        raise ReportError("edition not found")
    html, stats = render_html(edition, progress)
    progress(4, message=N_("Đang tạo tệp PDF…"))
    pdf = render_pdf(html)
    stored = get_storage().save_bytes(pdf, STORAGE_CATEGORY, PDF)
    return {
        "key": stored.key,
        "edition_id": edition.id,
        "edition": edition.slug,
        "size": stored.size,
        "sha256": stored.sha256,
        "publication_version": stats.publication.version if stats.publication else None,
        "file_name": file_name(edition),
    }
