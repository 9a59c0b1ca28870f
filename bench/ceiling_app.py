"""The ceiling of issue 15's public pages: a minimal Flask page that makes one SELECT on the
same database as the service, served under the same gunicorn settings. Whatever the service
does beyond this (sessions, translations, templates, its own queries) is what the public
pages' ratio to this ceiling measures.

    DATABASE_URL=postgresql+psycopg://… gunicorn -w 2 --no-control-socket 'ceiling_app:app'
"""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=False)
QUERY = text("SELECT title FROM editions ORDER BY id LIMIT 1")


@app.get("/")
def page() -> str:
    with engine.connect() as conn:
        title = conn.execute(QUERY).scalar()
    return f"<!doctype html><title>ceiling</title><p>{title}</p>"
