"""job heartbeat and recovery

Revision ID: 0012_job_heartbeat
Revises: 0011_judge_files
Create Date: 2026-12-07 16:15:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0012_job_heartbeat"
down_revision = "0011_judge_files"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
