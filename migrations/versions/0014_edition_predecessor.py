"""editions: the predecessor (the edition this one continues)

Statistics compare an edition with its predecessor — the edition it was cloned from, or one an
organizer chose — never with just any earlier edition of the same kind. Editions cloned before
this revision get the source of their clone (recorded in the audit log as ``clone:<slug>``).

Revision ID: 0014_edition_predecessor
Revises: 0013_account_guards
Create Date: 2026-12-07 16:40:00

"""

import json

from alembic import op
import sqlalchemy as sa

revision = "0014_edition_predecessor"
down_revision = "0013_account_guards"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("editions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("predecessor_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_editions_predecessor_id_editions",
            "editions",
            ["predecessor_id"],
            ["id"],
            ondelete="SET NULL",
        )
    bind = op.get_bind()
    slugs = dict(bind.execute(sa.text("SELECT slug, id FROM editions")).all())
    rows = bind.execute(
        sa.text(
            "SELECT object_id, details FROM audit_entries "
            "WHERE action = 'edition.create' AND object_type = 'edition'"
        )
    ).all()
    for object_id, details in rows:
        if isinstance(details, str):
            details = json.loads(details)
        source = (details or {}).get("source") or ""
        if source.startswith("clone:") and source[6:] in slugs:
            bind.execute(
                sa.text("UPDATE editions SET predecessor_id = :p WHERE id = :id"),
                {"p": slugs[source[6:]], "id": int(object_id)},
            )


def downgrade():
    with op.batch_alter_table("editions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_editions_predecessor_id_editions", type_="foreignkey")
        batch_op.drop_column("predecessor_id")
