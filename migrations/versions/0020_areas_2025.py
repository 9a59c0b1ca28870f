"""areas from the 2025 map: official codes, groups of communes, edition area names

Since 1 July 2025 a province has communes/wards and no districts (RULES §7). This revision:

* makes ``areas.code`` (the official code, "" for hand-made areas and former districts)
  unique where present;
* adds groups between province and communes for coordinators (``area_groups`` with their
  communes ``area_group_areas`` and units ``area_group_units``) and ``user_roles.group_id``
  (a group coordinator's role row keeps the group's province as ``area_id``);
* adds ``entries.area_snapshot`` / ``entries.district_snapshot``: the names an entry's area
  and its district had when its edition ran. Every existing entry with an area gets them
  here, so editions that ran with the former districts keep showing them whatever later
  happens to the tree. No area is deleted or moved: every entry keeps its ``area_id``.

Revision ID: 0020_areas_2025
Revises: 0019_announcements
Create Date: 2026-12-07 19:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0020_areas_2025"
down_revision = "0019_announcements"
branch_labels = None
depends_on = None

FILL_AREA = """
UPDATE entries SET area_snapshot = COALESCE(
    (SELECT a.name FROM areas a WHERE a.id = entries.area_id), '')
WHERE area_id IS NOT NULL
"""

# The district an entry's area lies in: the area itself, its parent or its grandparent.
FILL_DISTRICT = """
UPDATE entries SET district_snapshot = COALESCE(
    (SELECT a.name FROM areas a WHERE a.id = entries.area_id AND a.level = 'district'),
    (SELECT p.name FROM areas a JOIN areas p ON p.id = a.parent_id
      WHERE a.id = entries.area_id AND p.level = 'district'),
    (SELECT g.name FROM areas a JOIN areas p ON p.id = a.parent_id
      JOIN areas g ON g.id = p.parent_id
      WHERE a.id = entries.area_id AND g.level = 'district'),
    '')
WHERE area_id IS NOT NULL
"""


# ``entries`` is altered in place on SQLite too: recreating it would drop its trigger
# (trg_entries_keep_results, 0010_results_storage).


def upgrade():
    # Two hand-made areas may share a code typed by hand: keep the first, blank the others.
    op.execute(
        "UPDATE areas SET code = '' WHERE code != '' AND id NOT IN "
        "(SELECT MIN(id) FROM areas WHERE code != '' GROUP BY code)"
    )
    op.create_index(
        "uq_areas_code",
        "areas",
        ["code"],
        unique=True,
        sqlite_where=sa.text("code != ''"),
        postgresql_where=sa.text("code != ''"),
    )

    op.create_table(
        "area_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('cluster', 'sector')", name=op.f("ck_area_groups_kind_valid")),
        sa.ForeignKeyConstraint(
            ["province_id"],
            ["areas.id"],
            name=op.f("fk_area_groups_province_id_areas"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_groups")),
        sa.UniqueConstraint("province_id", "name", name=op.f("uq_area_groups_province_id_name")),
    )
    with op.batch_alter_table("area_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_area_groups_province_id"), ["province_id"], unique=False
        )

    op.create_table(
        "area_group_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
            name=op.f("fk_area_group_areas_area_id_areas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["area_groups.id"],
            name=op.f("fk_area_group_areas_group_id_area_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_group_areas")),
        sa.UniqueConstraint(
            "group_id", "area_id", name=op.f("uq_area_group_areas_group_id_area_id")
        ),
    )
    with op.batch_alter_table("area_group_areas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_group_areas_area_id"), ["area_id"], unique=False)

    op.create_table(
        "area_group_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["area_groups.id"],
            name=op.f("fk_area_group_units_group_id_area_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_area_group_units_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_group_units")),
        sa.UniqueConstraint(
            "group_id", "unit_id", name=op.f("uq_area_group_units_group_id_unit_id")
        ),
    )
    with op.batch_alter_table("area_group_units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_group_units_unit_id"), ["unit_id"], unique=False)

    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_user_roles_group_id_area_groups"),
            "area_groups",
            ["group_id"],
            ["id"],
            ondelete="RESTRICT",
        )

    with op.batch_alter_table("entries", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("area_snapshot", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("district_snapshot", sa.String(length=200), server_default="", nullable=False)
        )
    op.execute(FILL_AREA)
    op.execute(FILL_DISTRICT)


def downgrade():
    with op.batch_alter_table("entries", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("district_snapshot")
        batch_op.drop_column("area_snapshot")
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_user_roles_group_id_area_groups"), type_="foreignkey"
        )
        batch_op.drop_column("group_id")
    with op.batch_alter_table("area_group_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_group_units_unit_id"))
    op.drop_table("area_group_units")
    with op.batch_alter_table("area_group_areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_group_areas_area_id"))
    op.drop_table("area_group_areas")
    with op.batch_alter_table("area_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_groups_province_id"))
    op.drop_table("area_groups")
    op.drop_index("uq_areas_code", table_name="areas")
