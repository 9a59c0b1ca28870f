"""Several provinces on one instance: which editions a staff member may reach.

An edition belongs to a province (``Edition.province_id``, an area of level province) or to
the whole instance (``None``: a national edition, or one made before provinces). A user is
bound to a province through a role row: an organizer's or a judge's row naming the province,
a coordinator's row naming an area inside it. Admins and organizers whose row names no
province are instance-wide (the national body): nothing here restricts them.

* an organizer of P reaches only P's editions;
* a coordinator or a judge of P reaches P's editions and the instance-wide ones;
* entrants and the public are not restricted here (entries are theirs; results are public).

:func:`install` applies the rule to every ORM ``SELECT`` made while serving a staff page (a
``do_orm_execute`` hook adding ``with_loader_criteria(Edition, …)``), so a page, an export or
an API call of another province finds no edition and answers 404. Entries follow their
edition through :func:`entry_clause` (used by :mod:`contest.entries.access`). A query that
must look across provinces (a province sending its selection to the national edition) says
so with ``execution_options(all_provinces=True)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import g, has_request_context, request
from sqlalchemy import ColumnElement, event, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, ORMExecuteState, Session, with_loader_criteria

from ..areas.models import Area, AreaLevel
from ..areas.provinces import Binding, binding_of, province_of, user_province_id  # noqa: F401
from ..extensions import db
from .models import Edition

if TYPE_CHECKING:
    from ..audit.actor import Actor

#: Blueprints whose pages are not restricted: public pages, entrants' own pages, the account.
UNRESTRICTED_BLUEPRINTS = frozenset(
    {
        "public",
        "public_results",
        "verify",
        "entries",
        "my_certificates",
        "accounts",
        "two_factor",
        "api_tokens",
        "ops",
        "static",
    }
)
UNRESTRICTED_ENDPOINTS = frozenset({"main.index", "main.set_language", "static"})
ALL_PROVINCES = "all_provinces"


def edition_clause(binding: Binding | None) -> ColumnElement:
    """The condition on :class:`Edition` for ``binding``."""
    if binding is None:
        return true()
    if binding.strict:
        return Edition.province_id == binding.province_id
    return or_(Edition.province_id == binding.province_id, Edition.province_id.is_(None))


def entry_clause(
    user: Actor | None, edition_id_column: InstrumentedAttribute[int]
) -> ColumnElement:
    """The condition on an edition id column (``Entry.edition_id``) for ``user``."""
    binding = binding_of(user)
    if binding is None:
        return true()
    return edition_id_column.in_(select(Edition.id).where(edition_clause(binding)))


def may_reach(user: Actor | None, edition: Edition) -> bool:
    """True when ``user`` may reach ``edition`` (the same rule as the query hook)."""
    binding = binding_of(user)
    if binding is None:
        return True
    if edition.province_id == binding.province_id:
        return True
    return not binding.strict and edition.province_id is None


def default_province_id(user: Actor | None = None) -> int | None:
    """The province a new edition belongs to: its creator's, else the instance's only
    province (None when there are several and the creator is instance-wide)."""
    own = user_province_id(user)
    if own is not None:
        return own
    ids = db.session.scalars(
        select(Area.id)
        .where(Area.level == AreaLevel.PROVINCE.value, Area.parent_id.is_(None))
        .limit(2)
        .execution_options(**{ALL_PROVINCES: True})
    ).all()
    return ids[0] if len(ids) == 1 else None


def _request_binding() -> Binding | None:
    """The current request's binding (None outside staff pages); computed once per user."""
    if not has_request_context():
        return None
    if request.endpoint in UNRESTRICTED_ENDPOINTS or request.blueprint in UNRESTRICTED_BLUEPRINTS:
        return None
    if g.get("_province_computing"):
        return None  # the user itself is being loaded
    g._province_computing = True
    try:
        from flask_login import current_user

        user = current_user._get_current_object()
        key = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
        cached = g.get("_province_binding")
        if cached is not None and cached[0] == key:
            return cached[1]
        binding = binding_of(user)
        g._province_binding = (key, binding)
        return binding
    finally:
        g._province_computing = False


def _restrict(state: ORMExecuteState) -> None:
    # Queries only: navigating from an object already reached (``round_.edition``) is left
    # alone, so that a check further down answers 404 instead of a missing edition crashing.
    if (
        not state.is_select
        or state.is_relationship_load
        or state.is_column_load
        or state.lazy_loaded_from is not None
        or state.execution_options.get(ALL_PROVINCES)
    ):
        return
    binding = _request_binding()
    if binding is None:
        return
    state.statement = state.statement.options(
        with_loader_criteria(
            Edition, edition_clause(binding), include_aliases=True, propagate_to_loaders=False
        )
    )


def install() -> None:
    """Apply the rule to every ORM SELECT (once per process)."""
    if not event.contains(Session, "do_orm_execute", _restrict):
        event.listen(Session, "do_orm_execute", _restrict)
