"""attachment visibility for judges and judge copies

Revision ID: 0011_judge_files
Revises: 0010_results_storage
Create Date: 2026-12-07 16:15:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0011_judge_files"
down_revision = "0010_results_storage"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
