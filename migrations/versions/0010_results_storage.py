"""results rows storage (issue 6 benchmark)

Placeholder in the chain; filled in by the feature's work (empty until then).

Revision ID: 0010_results_storage
Revises: 0009_national
Create Date: 2026-11-28 20:40:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0010_results_storage'
down_revision = '0009_national'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
