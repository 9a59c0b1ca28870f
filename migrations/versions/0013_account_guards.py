"""account throttles and import jobs

Revision ID: 0013_account_guards
Revises: 0012_job_heartbeat
Create Date: 2026-12-07 16:15:00

Self-registered accounts wait for their e-mail to be confirmed (existing accounts count as
confirmed); login attempts also record registrations, so both are throttled from one table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_account_guards"
down_revision = "0012_job_heartbeat"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_confirmed", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), server_default="login", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed")
