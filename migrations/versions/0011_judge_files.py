"""attachment visibility for judges; attachment names follow their detected type

* ``editions.organizer_only_attachments``: the attachment kinds judges never receive (only
  organizers, the owner and the area's coordinators). Existing editions get the built-in
  templates' choice, the unit's confirmation (it names the unit by design).
* ``entry_attachments.original_name`` of existing rows gets the extension of the file's
  detected type (a PDF uploaded as ``report.html`` becomes ``report.pdf``), as new uploads do
  (``contest/entries/attachment_messages.py``, ``name_with_extension``). Not undone on
  downgrade.

Judges' metadata-free copies of attachments need no column: they are stored under a key
derived from the original's SHA-256 (``contest/entries/judge_copies.py``).

Revision ID: 0011_judge_files
Revises: 0010_results_storage
Create Date: 2026-12-07 16:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011_judge_files"
down_revision = "0010_results_storage"
branch_labels = None
depends_on = None

# content type -> the extensions a file of that type may carry (the first one is added)
EXTENSIONS = {
    "application/pdf": ("pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg", "jpe", "jfif"),
    "image/webp": ("webp",),
    "image/heic": ("heic",),
    "video/mp4": ("mp4", "m4v"),
    "video/quicktime": ("mov",),
    "video/webm": ("webm",),
    "video/x-matroska": ("mkv",),
    "application/zip": ("zip",),
    "application/x-7z-compressed": ("7z",),
    "application/vnd.rar": ("rar",),
    "application/gzip": ("tar.gz", "tgz"),
    "application/vnd.microsoft.portable-executable": ("exe",),
    "application/x-msi": ("msi",),
    "application/vnd.android.package-archive": ("apk",),
}
BATCH = 5000
NAME_MAX = 200

attachments = sa.table(
    "entry_attachments",
    sa.column("id", sa.Integer),
    sa.column("original_name", sa.String),
    sa.column("content_type", sa.String),
)


def named(name: str, content_type: str) -> str:
    """``name`` with an extension of ``content_type`` (the rule of name_with_extension)."""
    accepted = EXTENSIONS.get(content_type)
    if not accepted or name.lower().endswith(tuple("." + e for e in accepted)):
        return name
    stem, dot, ending = name.rpartition(".")
    if dot and stem and 0 < len(ending) <= 10 and ending.isalnum() and not ending.isdigit():
        name = stem
    name = f"{name}.{accepted[0]}"
    if len(name) > NAME_MAX:
        name = name[: NAME_MAX - len(accepted[0]) - 1].rstrip() + "." + accepted[0]
    return name


def upgrade():
    with op.batch_alter_table("editions") as batch:
        batch.add_column(
            sa.Column(
                "organizer_only_attachments",
                sa.JSON(),
                nullable=False,
                server_default=sa.text("'[\"unit_confirmation\"]'"),
            )
        )
    fix_names(op.get_bind())


def fix_names(conn) -> None:
    """Give every stored attachment name the extension of its type, in batches."""
    last = 0
    while True:
        rows = conn.execute(
            sa.select(attachments.c.id, attachments.c.original_name, attachments.c.content_type)
            .where(attachments.c.id > last)
            .order_by(attachments.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        last = rows[-1].id
        for row in rows:
            fixed = named(row.original_name, row.content_type)
            if fixed != row.original_name:
                conn.execute(
                    attachments.update()
                    .where(attachments.c.id == row.id)
                    .values(original_name=fixed)
                )


def downgrade():
    # SQLite (3.35+) drops a column in place: no copy of the table, which rows of other
    # tables point to.
    op.drop_column("editions", "organizer_only_attachments")
