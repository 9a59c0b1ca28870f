"""document scan: what the scan read of each attachment, and the names found in them

* ``judging_doc_files``: one row per attachment the last scan looked at (the content read,
  its outcome, a PDF's page count and the pages without text).
* ``judging_doc_findings``: a known name found in an attachment's text, keyed by (attachment,
  sha256, offset, kind) so a re-scan never duplicates it; the organizers' decision (open,
  accepted, fixed) with who and when.

Mirrors contest/judging/models_scan.py; rows go with their edition, entry or attachment.

Revision ID: 0016_document_scan
Revises: 0015_judge_masking
Create Date: 2026-12-07 16:50:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0016_document_scan"
down_revision = "0015_judge_masking"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "judging_doc_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("names_digest", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("unread_pages", sa.JSON(), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('read', 'image', 'unreadable', 'other')",
            name=op.f("ck_judging_doc_files_outcome_valid"),
        ),
        sa.CheckConstraint(
            "pages IS NULL OR pages >= 0", name=op.f("ck_judging_doc_files_pages_range")
        ),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["entry_attachments.id"],
            name=op.f("fk_judging_doc_files_attachment_id_entry_attachments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_judging_doc_files_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_judging_doc_files_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judging_doc_files")),
        sa.UniqueConstraint("attachment_id", name=op.f("uq_judging_doc_files_attachment_id")),
    )
    with op.batch_alter_table("judging_doc_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_judging_doc_files_edition_id"), ["edition_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_judging_doc_files_entry_id"), ["entry_id"], unique=False
        )

    op.create_table(
        "judging_doc_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("found", sa.String(length=300), nullable=False),
        sa.Column("before", sa.String(length=200), nullable=False),
        sa.Column("after", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('author', 'mentor', 'unit', 'area')",
            name=op.f("ck_judging_doc_findings_kind_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'accepted', 'fixed')",
            name=op.f("ck_judging_doc_findings_status_valid"),
        ),
        sa.CheckConstraint(
            "page IS NULL OR page >= 1", name=op.f("ck_judging_doc_findings_page_range")
        ),
        sa.CheckConstraint("start >= 0", name=op.f("ck_judging_doc_findings_start_range")),
        sa.CheckConstraint(
            "status = 'open' OR decided_at IS NOT NULL",
            name=op.f("ck_judging_doc_findings_decided_has_time"),
        ),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["entry_attachments.id"],
            name=op.f("fk_judging_doc_findings_attachment_id_entry_attachments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_judging_doc_findings_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_judging_doc_findings_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_judging_doc_findings_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judging_doc_findings")),
        sa.UniqueConstraint(
            "attachment_id",
            "sha256",
            "start",
            "kind",
            name=op.f("uq_judging_doc_findings_attachment_id_sha256_start_kind"),
        ),
    )
    with op.batch_alter_table("judging_doc_findings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_judging_doc_findings_edition_id"), ["edition_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_judging_doc_findings_entry_id"), ["entry_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("judging_doc_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_judging_doc_findings_entry_id"))
        batch_op.drop_index(batch_op.f("ix_judging_doc_findings_edition_id"))
    op.drop_table("judging_doc_findings")
    with op.batch_alter_table("judging_doc_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_judging_doc_files_entry_id"))
        batch_op.drop_index(batch_op.f("ix_judging_doc_files_edition_id"))
    op.drop_table("judging_doc_files")
