"""Job status pages and the JSON endpoint polled by the progress component."""

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
