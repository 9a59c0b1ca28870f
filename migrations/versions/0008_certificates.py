"""certificates: certificates of the winning entries' authors, certificate batches (issue 7 point 4)

Revision ID: 0008_certificates
Revises: 0007_publication
Create Date: 2026-11-28 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_certificates'
down_revision = '0007_publication'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('certificate_date', sa.Date(), nullable=False),
    sa.Column('signatory_title', sa.String(length=300), nullable=False),
    sa.Column('signatory_name', sa.String(length=200), nullable=False),
    sa.Column('organizing_units', sa.Text(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('zip_key', sa.String(length=200), nullable=True),
    sa.Column('zip_size', sa.Integer(), nullable=False),
    sa.Column('certificate_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('certificate_count >= 0', name=op.f('ck_certificate_batches_certificate_count_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_certificate_batches_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_certificate_batches_job_id_jobs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_certificate_batches_publication_id_publications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_batches'))
    )
    with op.batch_alter_table('certificate_batches', schema=None) as batch_op:
        batch_op.create_index('ix_certificate_batches_publication_id', ['publication_id'], unique=False)

    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('author_position', sa.Integer(), nullable=False),
    sa.Column('author_count', sa.Integer(), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('entry_code', sa.String(length=40), nullable=False),
    sa.Column('entry_title', sa.String(length=300), nullable=False),
    sa.Column('prize_code', sa.String(length=20), nullable=False),
    sa.Column('prize_name', sa.String(length=300), nullable=False),
    sa.Column('edition_title', sa.String(length=300), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=False),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('author_count >= author_position', name=op.f('ck_certificates_author_count_range')),
    sa.CheckConstraint('author_position >= 1', name=op.f('ck_certificates_author_position_range')),
    sa.CheckConstraint('length(code) = 12', name=op.f('ck_certificates_code_length')),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name=op.f('fk_certificates_entry_id_entries'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_certificates_publication_id_publications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['certificates.id'], name=op.f('fk_certificates_replaced_by_id_certificates'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('code', name=op.f('uq_certificates_code')),
    sa.UniqueConstraint('publication_id', 'entry_id', 'author_position', name=op.f('uq_certificates_publication_id_entry_id_author_position'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        # At most one valid certificate per (entry, author position).
        batch_op.create_index('uq_certificates_valid_slot', ['entry_id', 'author_position'], unique=True, sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('uq_certificates_valid_slot')

    op.drop_table('certificates')
    with op.batch_alter_table('certificate_batches', schema=None) as batch_op:
        batch_op.drop_index('ix_certificate_batches_publication_id')

    op.drop_table('certificate_batches')
