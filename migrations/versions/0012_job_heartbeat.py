"""job heartbeat and recovery

Revision ID: 0012_job_heartbeat
Revises: 0011_judge_files
Create Date: 2026-12-07 16:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012_job_heartbeat"
down_revision = "0011_judge_files"
branch_labels = None
depends_on = None


def upgrade():
    # Columns and an index are added in place (batch mode copies no table for these).
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("auto_reruns", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index("ix_jobs_status_heartbeat_at", ["status", "heartbeat_at"])


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch copy of ``jobs`` would drop
    # the table, and SQLite would null the job ids that other tables keep (ON DELETE SET NULL).
    op.drop_index("ix_jobs_status_heartbeat_at", table_name="jobs")
    op.drop_column("jobs", "auto_reruns")
    op.drop_column("jobs", "heartbeat_at")
