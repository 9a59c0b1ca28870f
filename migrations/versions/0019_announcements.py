"""announcements to an edition's audiences, draft reminders

* ``announcements``: a message from the organizers to one audience of an edition (with its
  area and field filters, kept by name too), and the latest job sending it.
* ``announcement_recipients``: its recipients, frozen when it is sent, one row per address,
  with the sending's status (pending, sent, failed).
* ``editions.reminder_days_before`` (default 3; 0–60): a draft's one reminder is sent that many
  days before its effective deadline.

Revision ID: 0019_announcements
Revises: 0018_panel_discussion
Create Date: 2026-12-07 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0019_announcements"
down_revision = "0018_panel_discussion"
branch_labels = None
depends_on = None

AUDIENCES = (
    "('drafts', 'submitted', 'accepted_authors', 'coordinators', 'all_coordinators', 'judges')"
)


def upgrade():
    with op.batch_alter_table("editions") as batch:
        batch.add_column(
            sa.Column("reminder_days_before", sa.Integer(), server_default="3", nullable=False)
        )
        batch.create_check_constraint(
            op.f("ck_editions_reminder_days_range"),
            "reminder_days_before >= 0 AND reminder_days_before <= 60",
        )
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=30), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("area_name", sa.String(length=200), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=True),
        sa.Column("field_name", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            f"audience IN {AUDIENCES}", name=op.f("ck_announcements_audience_valid")
        ),
        sa.CheckConstraint(
            "recipient_count >= 0", name=op.f("ck_announcements_recipient_count_range")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
            name=op.f("fk_announcements_area_id_areas"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_announcements_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_announcements_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["edition_fields.id"],
            name=op.f("fk_announcements_field_id_edition_fields"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_announcements_job_id_jobs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    with op.batch_alter_table("announcements") as batch:
        batch.create_index("ix_announcements_edition_id", ["edition_id"], unique=False)
    op.create_table(
        "announcement_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')",
            name=op.f("ck_announcement_recipients_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_recipients_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_announcement_recipients_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_recipients")),
        sa.UniqueConstraint(
            "announcement_id",
            "email",
            name=op.f("uq_announcement_recipients_announcement_id_email"),
        ),
    )
    with op.batch_alter_table("announcement_recipients") as batch:
        batch.create_index(
            "ix_announcement_recipients_status", ["announcement_id", "status"], unique=False
        )


def downgrade():
    with op.batch_alter_table("announcement_recipients") as batch:
        batch.drop_index("ix_announcement_recipients_status")
    op.drop_table("announcement_recipients")
    with op.batch_alter_table("announcements") as batch:
        batch.drop_index("ix_announcements_edition_id")
    op.drop_table("announcements")
    with op.batch_alter_table("editions") as batch:
        batch.drop_constraint(op.f("ck_editions_reminder_days_range"), type_="check")
        batch.drop_column("reminder_days_before")
