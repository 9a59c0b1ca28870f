"""Every mapped model has a factory in ``tests.factories``, and each factory, called without
arguments, writes a row the database accepts (constraints, foreign keys) and reads back."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from contest.extensions import db
from tests import factories


def _name(model) -> str:
    return f"{model.__module__}.{model.__qualname__}"


def test_every_mapped_model_has_a_factory(app):
    mapped = {m.class_ for m in db.Model.registry.mappers}
    missing = sorted(_name(m) for m in mapped - set(factories.FACTORIES))
    assert not missing, f"models without a factory in tests/factories: {missing}"
    assert set(factories.FACTORIES) <= mapped


@pytest.mark.parametrize("model", sorted(factories.FACTORIES, key=_name), ids=lambda m: m.__name__)
def test_factory_makes_a_valid_row(app, model):
    row = factories.FACTORIES[model]()
    assert isinstance(row, model)
    identity = inspect(row).identity
    assert identity is not None, "the row was not flushed"
    db.session.expunge_all()
    again = db.session.get(model, identity)
    assert again is not None
    assert inspect(again).identity == identity


@pytest.mark.parametrize("model", sorted(factories.FACTORIES, key=_name), ids=lambda m: m.__name__)
def test_factory_without_commit_only_flushes(app, model):
    row = factories.FACTORIES[model](commit=False)
    identity = inspect(row).identity
    assert identity is not None
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        # (pysqlite ends its implicit transaction at the first SAVEPOINT, which the edition
        # operations use: on SQLite an edition made in the same session stays.)
        assert db.session.get(model, identity) is None


def test_overrides_and_related_rows(app):
    organizer = factories.make_user(roles=("organizer",))
    edition = factories.make_edition(
        "youth", "ttn-thu", actor=organizer, spec={"max_authors": 3}, reminder_days_before=5
    )
    assert (edition.kind, edition.slug, edition.max_authors) == ("youth", "ttn-thu", 3)
    assert edition.reminder_days_before == 5 and edition.created_by_id == organizer.id
    entry = factories.make_entry(
        edition, field="PM", authors=("Lê An", {"full_name": "Hà Bình", "gender": "F"})
    )
    assert entry.code.startswith("PM-") and entry.status == "accepted"
    assert [(a.full_name, a.is_representative) for a in entry.authors] == [
        ("Lê An", True),
        ("Hà Bình", False),
    ]
    sheet = factories.make_score_sheet(entry, points={"novelty": 30, "effect": "20.5"})
    assert sheet.total == 50.5 and sheet.is_submitted
    with pytest.raises(TypeError):
        factories.make_entry(edition, titel="lỗi chính tả")


def test_make_draft_goes_through_the_entrant_operations(app):
    from contest.audit.models import AuditEntry

    entry = factories.make_draft(submit=True)
    assert entry.status == "submitted" and entry.code and entry.source == "web"
    assert [a.full_name for a in entry.authors] == ["Nguyễn Minh Anh"]
    assert sorted(a.kind for a in entry.attachments) == sorted(entry.field.required_attachments)
    actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["entry.create", "entry.authors", "entry.submit"]
