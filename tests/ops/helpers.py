"""Reading and dropping everything: every table's rows and every stored file's SHA-256."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from flask import current_app
from sqlalchemy import MetaData, select, text

from contest.extensions import db
from contest.ops.backup import stored_keys


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]).resolve()


def table_rows() -> dict[str, list[tuple]]:
    """Every table of the live database (reflected, not the models: what is really there),
    its rows sorted by every column (as text, so that NULLs and JSON compare)."""
    db.session.remove()
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    found = {}
    with db.engine.connect() as conn:
        for name, table in sorted(metadata.tables.items()):
            rows = conn.execute(select(table)).all()
            found[name] = sorted((tuple(row) for row in rows), key=lambda r: [repr(v) for v in r])
    return found


def stored_files() -> dict[str, str]:
    """Every stored file: key → SHA-256."""
    root = upload_root()
    return {key: hashlib.sha256((root / key).read_bytes()).hexdigest() for key in stored_keys(root)}


def drop_everything() -> None:
    """Drop every table (PostgreSQL: the public schema; SQLite: the file) and the uploads."""
    db.session.remove()
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        engine.dispose()
        Path(engine.url.database).unlink()
    engine.dispose()
    shutil.rmtree(upload_root(), ignore_errors=True)
