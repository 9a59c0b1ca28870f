"""attachment kinds for the registration form and identity documents, organizer-only

* ``entry_attachments.kind`` accepts ``registration_form`` (the signed registration form) and
  ``identity_document`` (the authors' identity documents: citizen card, birth certificate).
* Both name the authors, their school or their home by design: every existing edition keeps
  them from judges (added to ``editions.organizer_only_attachments``; no file of these kinds
  exists yet, so no judge loses anything), and so does a new edition by default.

Revision ID: 0026_private_attachment_kinds
Revises: 0025_provinces
Create Date: 2026-12-08 10:00:00

"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0026_private_attachment_kinds"
down_revision = "0025_provinces"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "description",
    "full_text",
    "photos",
    "video",
    "source_code",
    "installer",
    "instructions",
    "unit_confirmation",
)
NEW = ("registration_form", "identity_document")
CONSTRAINT = "ck_entry_attachments_kind_valid"


def _check(kinds) -> str:
    return "kind IN ({})".format(", ".join(f"'{k}'" for k in kinds))


def _default(kinds) -> sa.TextClause:
    return sa.text(f"'{json.dumps(list(kinds))}'")


def _set_kinds(change) -> None:
    """Rewrite every edition's organizer-only kinds with ``change(list) -> list``."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, organizer_only_attachments FROM editions")).all()
    for edition_id, stored in rows:
        kinds = json.loads(stored) if isinstance(stored, str) else list(stored or [])
        changed = change(kinds)
        if changed != kinds:
            bind.execute(
                sa.text(
                    "UPDATE editions SET organizer_only_attachments = :kinds WHERE id = :id"
                ).bindparams(sa.bindparam("kinds", type_=sa.JSON())),
                {"kinds": changed, "id": edition_id},
            )


def upgrade():
    with op.batch_alter_table("entry_attachments") as batch:
        batch.drop_constraint(op.f(CONSTRAINT), type_="check")
        batch.create_check_constraint(op.f(CONSTRAINT), _check(OLD_KINDS + NEW))
    with op.batch_alter_table("editions") as batch:
        batch.alter_column(
            "organizer_only_attachments",
            existing_type=sa.JSON(),
            existing_nullable=False,
            server_default=_default(("unit_confirmation", *NEW)),
        )
    _set_kinds(lambda kinds: kinds + [k for k in NEW if k not in kinds])


def downgrade():
    bind = op.get_bind()
    left = bind.execute(
        sa.text("SELECT count(*) FROM entry_attachments WHERE kind IN :kinds").bindparams(
            sa.bindparam("kinds", expanding=True)
        ),
        {"kinds": list(NEW)},
    ).scalar()
    if left:
        raise RuntimeError(
            f"{left} attachment(s) of kind registration_form or identity_document exist: "
            "delete them before downgrading"
        )
    _set_kinds(lambda kinds: [k for k in kinds if k not in NEW])
    with op.batch_alter_table("editions") as batch:
        batch.alter_column(
            "organizer_only_attachments",
            existing_type=sa.JSON(),
            existing_nullable=False,
            server_default=_default(("unit_confirmation",)),
        )
    with op.batch_alter_table("entry_attachments") as batch:
        batch.drop_constraint(op.f(CONSTRAINT), type_="check")
        batch.create_check_constraint(op.f(CONSTRAINT), _check(OLD_KINDS))
