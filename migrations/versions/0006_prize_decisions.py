"""results: organizers' manual prize decisions

Issue 6 point 3. One row per decision about one entry's prize in one round (prize_code NULL =
no prize); a decision is never edited, only superseded or withdrawn (superseded_at). Decisions
go with their edition, round and entry (CASCADE); the run they were made on may go (SET NULL).

Revision ID: 0006_prize_decisions
Revises: 0005_results
Create Date: 2026-11-28 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_prize_decisions'
down_revision = '0005_results'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('results_prize_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('prize_code', sa.String(length=20), nullable=True),
    sa.Column('proposed_code', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('withdraw_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_results_prize_decisions_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_results_prize_decisions_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name=op.f('fk_results_prize_decisions_entry_id_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_results_prize_decisions_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['results_runs.id'], name=op.f('fk_results_prize_decisions_run_id_results_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['users.id'], name=op.f('fk_results_prize_decisions_superseded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_results_prize_decisions'))
    )
    with op.batch_alter_table('results_prize_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_results_prize_decisions_round_entry', ['round_id', 'entry_id'], unique=False)


def downgrade():
    with op.batch_alter_table('results_prize_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_results_prize_decisions_round_entry')

    op.drop_table('results_prize_decisions')
