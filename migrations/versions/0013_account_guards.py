"""account throttles and import jobs

Revision ID: 0013_account_guards
Revises: 0012_job_heartbeat
Create Date: 2026-12-07 16:15:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0013_account_guards"
down_revision = "0012_job_heartbeat"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
