"""Entrants download the certificates of their own winning entries (blueprint
``my_certificates``): ``GET /my/certificates/<code>.pdf``, for the owner of the entry (and
organizers); 404 for anyone else, as if it did not exist."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user, login_required

from ..entries import access
from . import operations as certificates
from .views import certificate_pdf_response

bp = Blueprint("my_certificates", __name__, url_prefix="/my/certificates")


@bp.get("/<cert_code>.pdf")
@login_required
def pdf(cert_code: str):
    """One certificate of the user's own entry, as PDF."""
    certificate = certificates.get_by_code(cert_code)
    if certificate is None or certificate.revoked_at is not None:
        abort(404)
    entry = certificate.entry
    owner = entry.owner_id == current_user.id
    if not (owner or (access.is_organizer(current_user) and access.can_view(current_user, entry))):
        abort(404)
    return certificate_pdf_response(certificate)
