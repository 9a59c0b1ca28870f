"""The schema is built only by migrations, and the models do not drift from them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from contest.extensions import db


def _drift(app) -> list:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, db.metadata)


def test_upgrade_from_empty_builds_every_model_table(app):
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables


def test_models_and_migrations_do_not_drift(app):
    assert _drift(app) == []


def test_downgrade_to_base_and_upgrade_again(app):
    db.session.remove()
    downgrade(revision="base")
    remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    upgrade()
    assert _drift(app) == []
