"""national selection and national results (issue 7 point 5)

Placeholder in the chain; filled in by the feature's work (empty until then).

Revision ID: 0009_national
Revises: 0008_certificates
Create Date: 2026-11-28 20:40:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0009_national'
down_revision = '0008_certificates'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
