"""two-factor login for staff

* ``two_factor_credentials``: one TOTP secret per user, enabled once its first code is
  confirmed, with the time step of the last accepted code (no replay).
* ``two_factor_recovery_codes``: single-use recovery codes (SHA-256 digests).
* ``two_factor_devices``: browsers remembered for 30 days (digest of the cookie's token),
  revocable.
* ``two_factor_requirements``: the staff roles an administrator requires a second factor of.

Revision ID: 0021_two_factor
Revises: 0020_areas_2025
Create Date: 2026-12-07 19:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0021_two_factor"
down_revision = "0020_areas_2025"
branch_labels = None
depends_on = None


def _user_fk(table: str, column: str = "user_id", ondelete: str = "CASCADE"):
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
    )


def upgrade():
    op.create_table(
        "two_factor_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("enabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        _user_fk("two_factor_credentials"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_two_factor_credentials")),
        sa.UniqueConstraint("user_id", name=op.f("uq_two_factor_credentials_user_id")),
    )
    op.create_table(
        "two_factor_recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        _user_fk("two_factor_recovery_codes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_two_factor_recovery_codes")),
        sa.UniqueConstraint(
            "user_id", "digest", name=op.f("uq_two_factor_recovery_codes_user_id_digest")
        ),
    )
    op.create_index(
        op.f("ix_two_factor_recovery_codes_user_id"),
        "two_factor_recovery_codes",
        ["user_id"],
        unique=False,
    )
    op.create_table(
        "two_factor_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        _user_fk("two_factor_devices"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_two_factor_devices")),
        sa.UniqueConstraint("digest", name=op.f("uq_two_factor_devices_digest")),
    )
    op.create_index(
        op.f("ix_two_factor_devices_user_id"), "two_factor_devices", ["user_id"], unique=False
    )
    op.create_table(
        "two_factor_requirements",
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'organizer', 'coordinator', 'judge')",
            name=op.f("ck_two_factor_requirements_role_valid"),
        ),
        _user_fk("two_factor_requirements", "set_by_id", "SET NULL"),
        sa.PrimaryKeyConstraint("role", name=op.f("pk_two_factor_requirements")),
    )


def downgrade():
    op.drop_table("two_factor_requirements")
    op.drop_index(op.f("ix_two_factor_devices_user_id"), table_name="two_factor_devices")
    op.drop_table("two_factor_devices")
    op.drop_index(
        op.f("ix_two_factor_recovery_codes_user_id"), table_name="two_factor_recovery_codes"
    )
    op.drop_table("two_factor_recovery_codes")
    op.drop_table("two_factor_credentials")
