"""national intake: entries received from a province's national selection

* ``national_editions``: the editions flagged as national (they receive the provinces'
  selections; ``contest national mark SLUG``).
* ``national_arrivals``: per entry of a national edition, where it came from — sending
  province (name, official code), source edition and entry code, provincial result, the
  package's SHA-256, when; unique per (edition, province code, source entry code).

Revision ID: 0024_national_intake
Revises: 0023_performance
Create Date: 2026-12-07 19:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0024_national_intake"
down_revision = "0023_performance"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "national_editions",
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_national_editions_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["marked_by_id"],
            ["users.id"],
            name=op.f("fk_national_editions_marked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("edition_id", name=op.f("pk_national_editions")),
    )
    op.create_table(
        "national_arrivals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(length=20), nullable=False),
        sa.Column("province_name", sa.String(length=200), nullable=False),
        sa.Column("source_edition_slug", sa.String(length=80), nullable=False),
        sa.Column("source_edition_title", sa.String(length=300), nullable=False),
        sa.Column("source_entry_code", sa.String(length=40), nullable=False),
        sa.Column("prize_name", sa.String(length=300), nullable=False),
        sa.Column("prize_position", sa.Integer(), nullable=True),
        sa.Column("score", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("publication_version", sa.Integer(), nullable=True),
        sa.Column("files_expected", sa.Integer(), nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_national_arrivals_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_national_arrivals_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["users.id"],
            name=op.f("fk_national_arrivals_imported_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_national_arrivals")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_national_arrivals_entry_id")),
        sa.UniqueConstraint(
            "edition_id",
            "province_code",
            "source_entry_code",
            name=op.f("uq_national_arrivals_edition_id_province_code_source_entry_code"),
        ),
    )


def downgrade():
    op.drop_table("national_arrivals")
    op.drop_table("national_editions")
