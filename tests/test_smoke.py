"""The app starts, the schema comes from the migrations, the landing page renders."""

from sqlalchemy import inspect

from contest.extensions import db


def test_schema_built_by_migrations(app):
    names = set(inspect(db.engine).get_table_names())
    assert {"users", "user_roles", "jobs", "areas", "units", "alembic_version"} <= names


def test_landing_page_renders(client):
    response = client.get("/")
    assert response.status_code == 200
