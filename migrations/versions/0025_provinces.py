"""provinces on one instance: an edition belongs to a province

* ``editions.province_id``: the province (an area of level province) whose organizers run the
  edition; NULL for an instance-wide edition (a national edition, or one made before
  provinces). An instance holding exactly one province gets it on every edition that is not
  national; nothing else changes (organizers stay instance-wide until an admin binds them).
* Organizer and judge role rows may name their province in ``user_roles.area_id`` (already
  there for coordinators): no schema change.

Revision ID: 0025_provinces
Revises: 0024_national_intake
Create Date: 2026-12-07 22:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0025_provinces"
down_revision = "0024_national_intake"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("editions") as batch:
        batch.add_column(sa.Column("province_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_editions_province_id_areas"),
            "areas",
            ["province_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch.create_index(op.f("ix_editions_province_id"), ["province_id"])
    bind = op.get_bind()
    provinces = bind.execute(
        sa.text("SELECT id FROM areas WHERE level = 'province' AND parent_id IS NULL")
    ).all()
    if len(provinces) == 1:
        bind.execute(
            sa.text(
                "UPDATE editions SET province_id = :p "
                "WHERE id NOT IN (SELECT edition_id FROM national_editions)"
            ),
            {"p": provinces[0][0]},
        )


def downgrade():
    with op.batch_alter_table("editions") as batch:
        batch.drop_index(op.f("ix_editions_province_id"))
        batch.drop_constraint(op.f("fk_editions_province_id_areas"), type_="foreignkey")
        batch.drop_column("province_id")
