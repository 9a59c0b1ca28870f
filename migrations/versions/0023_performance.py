"""performance: cached previews and indexes

Revision ID: 0023_performance
Revises: 0022_api_tokens
Create Date: 2026-12-07 19:00:00

"""

revision = "0023_performance"
down_revision = "0022_api_tokens"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
