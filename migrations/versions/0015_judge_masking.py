"""judge-facing text of entries (masked summary written by organizers)

Revision ID: 0015_judge_masking
Revises: 0014_edition_predecessor
Create Date: 2026-12-07 16:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015_judge_masking"
down_revision = "0014_edition_predecessor"
branch_labels = None
depends_on = None

# Plain ALTER TABLE on SQLite too: recreating ``entries`` would drop its trigger
# (trg_entries_keep_results, 0010_results_storage).


def upgrade():
    with op.batch_alter_table("entries", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("judge_title", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("judge_summary", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("entries", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("judge_summary")
        batch_op.drop_column("judge_title")
