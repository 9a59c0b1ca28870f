"""The organizer's document scan page (blueprint ``judging`` of :mod:`.views_organizer`):
start a scan of an edition's attachments (a background job), follow its progress, and decide
on each name found (accepted or fixed, audited). The file itself is replaced on the entry's
files page, as any organizer upload."""

from __future__ import annotations

from flask import abort, flash, request
from flask_babel import gettext as _

from ..contests.timeline import judging_started
from ..entries.completeness import attachment_label
from ..errors import unit_of_work
from ..forms import EmptyForm
from ..timeutil import utcnow
from . import doc_findings
from .doc_scan_tasks import latest_job, start_scan
from .models_scan import FindingStatus
from .views_organizer import REFUSALS, _actor, _back, _edition_round, _int, _page, bp


@bp.get("/<slug>/scan")
def scan(slug: str):
    """The last scan's progress and totals, and its findings grouped by entry."""
    edition, round_ = _edition_round(slug)
    job = latest_job(edition)
    return _page(
        "judging/scan.html",
        edition,
        round_,
        "scan",
        job=job,
        running=job is not None and not job.done,
        judging_started=judging_started(edition, utcnow()),
        totals=doc_findings.summary(edition),
        reports=doc_findings.report(edition),
        statuses=FindingStatus,
        attachment_label=attachment_label,
        form=EmptyForm(),
    )


@bp.post("/<slug>/scan/start")
def start_document_scan(slug: str):
    """Start a scan of the edition's attachments (a background job), audited."""
    edition, round_ = _edition_round(slug)
    back = _back("judging.scan", edition, round_)
    if not EmptyForm().validate_on_submit():
        flash(_("Biểu mẫu đã hết hạn, vui lòng thử lại."), "danger")
        return back
    with unit_of_work(*REFUSALS) as work:
        start_scan(edition, _actor())
    if work.refused:
        return back
    flash(_("Đã bắt đầu quét tài liệu đính kèm. Kết quả hiện ra khi quét xong."), "success")
    return back


@bp.post("/<slug>/scan/findings/<int:finding_id>")
def decide_finding(slug: str, finding_id: int):
    """Mark a finding accepted, fixed or open again (audited)."""
    edition, round_ = _edition_round(slug)
    finding = doc_findings.finding_of(edition, _int(finding_id))
    if finding is None:
        abort(404)
    back = _back("judging.scan", edition, round_, _anchor=f"entry-{finding.entry_id}")
    if not EmptyForm().validate_on_submit():
        flash(_("Biểu mẫu đã hết hạn, vui lòng thử lại."), "danger")
        return back
    with unit_of_work(*REFUSALS) as work:
        doc_findings.decide(finding, request.form.get("status", ""), _actor())
    if work.refused:
        return back
    flash(
        _(
            "Đã ghi “%(status)s” cho tên “%(name)s” trong hồ sơ %(code)s.",
            status=finding.status_label,
            name=finding.found,
            code=finding.entry.code or finding.entry_id,
        ),
        "success",
    )
    return back
