"""panel discussion comments

* ``judging_comments``: the panel's thread about an entry in a round (1–4000 characters; an
  organizer may hide a comment).
* ``judging_comment_digests``: per judge, the newest comment their daily digest covered.

Revision ID: 0018_panel_discussion
Revises: 0017_judge_self_service
Create Date: 2026-12-07 16:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018_panel_discussion"
down_revision = "0017_judge_self_service"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "judging_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("by_organizer", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "length(body) >= 1 AND length(body) <= 4000",
            name=op.f("ck_judging_comments_body_length"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"],
            name=op.f("fk_judging_comments_author_id_users"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["editions.id"],
            name=op.f("fk_judging_comments_edition_id_editions"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.id"],
            name=op.f("fk_judging_comments_entry_id_entries"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"], ["users.id"],
            name=op.f("fk_judging_comments_hidden_by_id_users"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"],
            name=op.f("fk_judging_comments_round_id_rounds"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judging_comments")),
    )  # fmt: skip
    with op.batch_alter_table("judging_comments") as batch:
        batch.create_index("ix_judging_comments_edition_id", ["edition_id"], unique=False)
        batch.create_index("ix_judging_comments_entry_id", ["entry_id"], unique=False)
        batch.create_index(
            "ix_judging_comments_round_entry", ["round_id", "entry_id"], unique=False
        )
    op.create_table(
        "judging_comment_digests",
        sa.Column("judge_id", sa.Integer(), nullable=False),
        sa.Column("last_comment_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["judge_id"], ["users.id"],
            name=op.f("fk_judging_comment_digests_judge_id_users"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("judge_id", name=op.f("pk_judging_comment_digests")),
    )  # fmt: skip


def downgrade():
    op.drop_table("judging_comment_digests")
    with op.batch_alter_table("judging_comments") as batch:
        batch.drop_index("ix_judging_comments_round_entry")
        batch.drop_index("ix_judging_comments_entry_id")
        batch.drop_index("ix_judging_comments_edition_id")
    op.drop_table("judging_comments")
