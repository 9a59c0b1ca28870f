"""national selection and national results (issue 7 point 5)

``national_choices``: the organizers' overrides of the proposed national list (include /
exclude one entry, with a reason); never edited, superseded or undone (superseded_at); at most
one active choice per (edition, entry) — a partial unique index. ``national_results``: the
result each selected entry obtained at the national contest, one per (edition, entry).
Both go with their edition and entry (CASCADE); users may go (SET NULL).

Revision ID: 0009_national
Revises: 0008_certificates
Create Date: 2026-11-28 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_national'
down_revision = '0008_certificates'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('national_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('include', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('undo_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_national_choices_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_national_choices_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name=op.f('fk_national_choices_entry_id_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['users.id'], name=op.f('fk_national_choices_superseded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_national_choices'))
    )
    with op.batch_alter_table('national_choices', schema=None) as batch_op:
        batch_op.create_index('ix_national_choices_edition_entry', ['edition_id', 'entry_id'], unique=False)
        batch_op.create_index('uq_national_choices_active', ['edition_id', 'entry_id'], unique=True, sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))

    op.create_table('national_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_national_results_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name=op.f('fk_national_results_entry_id_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_national_results_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_national_results')),
    sa.UniqueConstraint('edition_id', 'entry_id', name=op.f('uq_national_results_edition_id_entry_id'))
    )


def downgrade():
    op.drop_table('national_results')
    with op.batch_alter_table('national_choices', schema=None) as batch_op:
        batch_op.drop_index('uq_national_choices_active', sqlite_where=sa.text('superseded_at IS NULL'), postgresql_where=sa.text('superseded_at IS NULL'))
        batch_op.drop_index('ix_national_choices_edition_entry')

    op.drop_table('national_choices')
