"""Organizers' certificates pages (blueprint ``certificates``): an edition's winners and
certificates, the generation form (a ``certificates.generate`` job with progress), the
batches' ZIPs, one certificate's PDF, the revoked certificates. Thin: the rules are in
:mod:`.operations`, the rendering in :mod:`.pdf`, the job in :mod:`.tasks`, the form in
:mod:`.forms`."""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..accounts.models import Role
from ..audit.operations import record
from ..contests.models import Edition
from ..contests.pages_support import edition_or_404
from ..contests.tenancy import may_reach
from ..extensions import db
from ..jobs.operations import commit
from ..permissions import role_required
from ..publication import operations as pub
from ..publication.models import Publication
from ..storage import send_stored
from ..timeutil import to_local, utcnow
from . import operations as certificates
from . import pdf as certificate_pdf
from . import tasks as certificate_jobs
from .forms import GenerateForm
from .models import Certificate, CertificateBatch

bp = Blueprint("certificates", __name__, url_prefix="/organizer/certificates")

FILE_CSP = "default-src 'none'; sandbox"


_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


def default_place(edition: Edition) -> str:
    """The province named in the edition's title or organizing units ("… tỉnh Tuyên Quang …"
    → "Tuyên Quang", "thành phố Hà Nội" → "Hà Nội"), else "Tuyên Quang"."""
    for text in (edition.title or "", edition.organizing_units or ""):
        for line in certificate_pdf.nfc(text).splitlines():
            words = _WORD_RE.findall(line)
            for i, word in enumerate(words):
                lower = word.lower()
                if lower == "tỉnh":
                    start = i + 1
                elif lower == "thành" and i + 1 < len(words) and words[i + 1].lower() == "phố":
                    start = i + 2
                else:
                    continue
                name = []
                for candidate in words[start:]:
                    if not candidate[0].isupper():
                        break
                    name.append(candidate)
                if name:
                    return " ".join(name)
    return certificate_pdf.DEFAULT_PLACE


def _batches(edition: Edition) -> list[CertificateBatch]:
    return list(
        db.session.scalars(
            select(CertificateBatch)
            .join(Publication, Publication.id == CertificateBatch.publication_id)
            .where(Publication.edition_id == edition.id)
            .order_by(CertificateBatch.id.desc())
            .options(
                selectinload(CertificateBatch.publication),
                selectinload(CertificateBatch.created_by),
                selectinload(CertificateBatch.job),
            )
        )
    )


def _form_defaults(edition: Edition, batches: list[CertificateBatch]) -> dict:
    """The last generation's settings, else the edition's place, today and "TM. BAN TỔ
    CHỨC / TRƯỞNG BAN"."""
    today = to_local(utcnow()).date()
    if batches:
        last = batches[0]
        return {
            "place": last.place,
            "certificate_date": today,
            "signatory_title": last.signatory_title,
            "signatory_name": last.signatory_name,
        }
    return {
        "place": default_place(edition),
        "certificate_date": today,
        "signatory_title": certificate_pdf.DEFAULT_SIGNATORY_TITLE,
        "signatory_name": "",
    }


@bp.get("/")
@role_required(Role.ORGANIZER)
def index():
    """Editions with a published version, with their number of valid certificates."""
    counts = dict(
        db.session.execute(
            select(Publication.edition_id, func.count(Certificate.id))
            .join(Certificate, Certificate.publication_id == Publication.id)
            .where(Certificate.revoked_at.is_(None))
            .group_by(Publication.edition_id)
        ).all()
    )
    page = db.paginate(
        select(Edition)
        .where(Edition.id.in_(select(Publication.edition_id)))
        .order_by(Edition.submission_deadline.desc(), Edition.id.desc()),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config.get("PER_PAGE", 25),
        error_out=False,
    )
    rows = [(e, pub.latest_publication(e), counts.get(e.id, 0)) for e in page.items]
    return render_template("certificates/index.html", page=page, rows=rows)


def _render_edition(edition: Edition, form: GenerateForm | None = None, status: int = 200):
    publication = pub.latest_publication(edition)
    batches = _batches(edition)
    if form is None:
        form = GenerateForm(
            formdata=None, data=_form_defaults(edition, batches), publication=publication
        )
    winners = []
    issued = 0
    if publication is not None:
        by_slot = {
            (c.entry_id, c.author_position): c for c in certificates.certificates_of(publication)
        }
        issued = len(by_slot)
        for entry in publication.entries:
            authors = [
                (position, name, by_slot.get((entry.entry_id, position)))
                for position, name in enumerate(entry.authors or [], start=1)
            ]
            winners.append((entry, authors))
    revoked = db.paginate(
        certificates.revoked_query(edition.id),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config.get("PER_PAGE", 25),
        error_out=False,
    )
    return (
        render_template(
            "certificates/edition.html",
            edition=edition,
            publication=publication,
            state=pub.state(publication) if publication else None,
            winners=winners,
            author_total=sum(len(a) for _e, a in winners),
            issued=issued,
            form=form,
            batches=batches,
            revoked=revoked,
        ),
        status,
    )


@bp.get("/<slug>")
@role_required(Role.ORGANIZER)
def edition(slug: str):
    """The edition's winners and certificates, the generation form, batches, revocations."""
    return _render_edition(edition_or_404(slug))


@bp.post("/<slug>/generate")
@role_required(Role.ORGANIZER)
def generate(slug: str):
    """Start generating the current version's certificates (a job; its progress page)."""
    edition = edition_or_404(slug)
    publication = pub.latest_publication(edition)
    if publication is None:
        flash(_("Lần thi này chưa công bố kết quả: chưa thể cấp giấy chứng nhận."), "danger")
        return redirect(url_for(".edition", slug=slug))
    form = GenerateForm(publication=publication)
    if not form.validate_on_submit():
        return _render_edition(edition, form, status=400)
    if publication.entry_count == 0:
        flash(_("Phiên bản đang có hiệu lực không có bài đạt giải."), "danger")
        return redirect(url_for(".edition", slug=slug))
    batch = CertificateBatch(
        publication_id=publication.id,
        place=certificate_pdf.nfc(form.place.data).strip(),
        certificate_date=form.certificate_date.data,
        signatory_title="\n".join(
            line.strip()
            for line in certificate_pdf.nfc(form.signatory_title.data).splitlines()
            if line.strip()
        ),
        signatory_name=certificate_pdf.nfc(form.signatory_name.data).strip(),
        organizing_units=edition.organizing_units or "",
        created_by_id=current_user.id,
    )
    db.session.add(batch)
    db.session.flush()
    job = certificate_jobs.create_generate_job(batch, edition, user=current_user)
    record(
        current_user,
        "certificates.generate",
        "publication",
        publication.id,
        edition=edition.slug,
        version=publication.version,
        batch=batch.id,
        job=job.id,
        place=batch.place,
        date=batch.certificate_date.isoformat(),
        signatory=batch.signatory_name,
    )
    job_id = job.id
    commit()
    flash(
        _(
            "Đã bắt đầu tạo giấy chứng nhận theo phiên bản %(version)d.",
            version=publication.version,
        ),
        "success",
    )
    return redirect(url_for("jobs.show", job_id=job_id))


@bp.get("/batch/<int:cert_batch_id>.zip")
@role_required(Role.ORGANIZER)
def download(cert_batch_id: int):
    """A finished batch's ZIP."""
    batch = db.session.get(CertificateBatch, cert_batch_id)
    if batch is None or not batch.ready or not may_reach(current_user, batch.publication.edition):
        abort(404)
    publication = batch.publication
    name = f"giay-chung-nhan_{publication.edition.slug}_v{publication.version}_{batch.id}.zip"
    assert batch.zip_key is not None  # batch.ready above
    return _send(batch.zip_key, "application/zip", name, as_attachment=True)


@bp.get("/<cert_code>.pdf")
@role_required(Role.ORGANIZER)
def pdf(cert_code: str):
    """One certificate as PDF, with the settings of the edition's latest generation (or the
    defaults); a revoked one is marked "ĐÃ THU HỒI"."""
    certificate = certificates.get_by_code(cert_code)
    if certificate is None or not may_reach(current_user, certificate.publication.edition):
        abort(404)
    return certificate_pdf_response(certificate)


def certificate_pdf_response(certificate):
    """The PDF of ``certificate`` as an inline response (also the entrants' download)."""
    edition = certificate.publication.edition
    batches = _batches(edition)
    if batches:
        settings = certificate_pdf.PrintSettings.from_batch(batches[0])
    else:
        defaults = _form_defaults(edition, [])
        settings = certificate_pdf.PrintSettings(
            defaults["place"],
            to_local(certificate.issued_at).date(),
            defaults["signatory_title"],
            "",
            edition.organizing_units or "",
        )
    data = certificate_pdf.render_pdf(certificate, settings, edition.kind)
    response = current_app.response_class(data, mimetype="application/pdf")
    name = certificate_pdf.file_name(certificate)
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


def _send(key: str, mimetype: str, name: str, *, as_attachment: bool):
    """Stream a stored file (never served as a static file), or redirect a big one to a
    presigned URL of the object storage: :func:`contest.storage.send_stored`."""
    response = send_stored(key, mimetype, name, as_attachment=as_attachment)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
