"""criterion guidance, judges' expertise, the reason a judge gave for a conflict

Revision ID: 0017_judge_self_service
Revises: 0016_document_scan
Create Date: 2026-12-07 16:50:00

A criterion may carry guidance shown to judges on the sheet; a user lists the fields they are
expert in (automatic assignment prefers them); a conflict a judge declares keeps the reason
they chose from the list.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_judge_self_service"
down_revision = "0016_document_scan"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guidance", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expertise", sa.JSON(), server_default="[]", nullable=False))
    with op.batch_alter_table("judging_conflicts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("judge_reason", sa.String(length=20), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("judging_conflicts", schema=None) as batch_op:
        batch_op.drop_column("judge_reason")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("expertise")
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.drop_column("guidance")
