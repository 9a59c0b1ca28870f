"""results rows storage (issue 6 benchmark)

Issue 6 point 5: a national compile writes 100,000 results rows in one transaction, and the
server's work per row was the floor of the compile's time. This revision makes a row cheaper
to store, with the same information and the same integrity:

* ``results_rows.explanation`` becomes TEXT holding the compact form of the explanation (the
  row's own part; no JSON for the server to parse), and ``results_runs.explanation_context``
  (JSON, once per run) what all rows of the run share; ``ResultRow.explanation`` gives readers
  the same dict as before (``contest/results/run_text.py``). Rows stored before keep their JSON
  object text, which reads back as itself.
* The per-row foreign key ``results_rows.entry_id → entries.id`` (RESTRICT) is replaced by a
  ``BEFORE DELETE`` trigger on ``entries`` refusing to delete an entry that appears in a run
  (SQLSTATE 23503 on PostgreSQL, like the key; on PostgreSQL the trigger first waits for any
  compile of one of the edition's rounds — the compile's advisory lock, namespace 0x7265 —
  so it also sees rows being written). Entries are deleted far less often than rows are
  written: no per-row check on the 100,000 inserts any more.
* Two indexes become one: the unique (run_id, entry_id) and the index on entry_id are replaced
  by the unique (entry_id, run_id), which serves lookups by entry (and the trigger).

Downgrade expands compact explanations back into JSON objects first.

Revision ID: 0010_results_storage
Revises: 0009_national
Create Date: 2026-11-28 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_results_storage'
down_revision = '0009_national'
branch_labels = None
depends_on = None

TRIGGER = 'trg_entries_keep_results'

PG_FUNCTION = """
CREATE FUNCTION results_keep_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- a compile of one of the edition's rounds holds that round's advisory lock (namespace
    -- 0x7265 = 29285, contest/results/compile.py LOCK_NAMESPACE) until it commits its rows
    PERFORM pg_advisory_xact_lock_shared(29285, r.id)
    FROM rounds AS r WHERE r.edition_id = OLD.edition_id ORDER BY r.id;
    IF EXISTS (SELECT 1 FROM results_rows WHERE entry_id = OLD.id) THEN
        RAISE EXCEPTION 'entry % appears in a results run', OLD.id
            USING ERRCODE = 'foreign_key_violation', TABLE = 'results_rows';
    END IF;
    RETURN OLD;
END
$$
"""
PG_TRIGGER = f"""
CREATE TRIGGER {TRIGGER} BEFORE DELETE ON entries
FOR EACH ROW EXECUTE FUNCTION results_keep_entry()
"""
SQLITE_TRIGGER = f"""
CREATE TRIGGER {TRIGGER} BEFORE DELETE ON entries
FOR EACH ROW WHEN EXISTS (SELECT 1 FROM results_rows WHERE entry_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: the entry appears in a results run');
END
"""


def upgrade():
    with op.batch_alter_table('results_runs', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('explanation_context', sa.JSON(), nullable=True))

    with op.batch_alter_table('results_rows', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_results_rows_entry_id_entries'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_results_rows_run_id_entry_id'), type_='unique')
        batch_op.drop_index('ix_results_rows_entry_id')
        batch_op.create_unique_constraint(batch_op.f('uq_results_rows_entry_id_run_id'), ['entry_id', 'run_id'])
        batch_op.alter_column('explanation', existing_type=sa.JSON(), type_=sa.Text(), existing_nullable=False, postgresql_using='explanation::text')

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        op.execute(SQLITE_TRIGGER)


def _expand_compact_explanations():
    """Rewrite compact explanations as the JSON objects the previous schema stored."""
    import json

    from contest.results.run_text import decode_explanation

    bind = op.get_bind()
    runs = bind.execute(sa.text(
        'SELECT id, explanation_context FROM results_runs WHERE explanation_context IS NOT NULL'
    )).all()
    for run_id, context in runs:
        if isinstance(context, str):
            context = json.loads(context)
        rows = bind.execute(sa.text(
            "SELECT id, explanation FROM results_rows WHERE run_id = :run AND explanation NOT LIKE '{%'"
        ), {'run': run_id}).all()
        values = [
            {'id': row_id, 'text': json.dumps(decode_explanation(text, context), ensure_ascii=False, separators=(',', ':'))}
            for row_id, text in rows
        ]
        if values:
            bind.execute(sa.text('UPDATE results_rows SET explanation = :text WHERE id = :id'), values)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP TRIGGER {TRIGGER} ON entries')
        op.execute('DROP FUNCTION results_keep_entry()')
    else:
        op.execute(f'DROP TRIGGER {TRIGGER}')

    _expand_compact_explanations()
    with op.batch_alter_table('results_rows', schema=None) as batch_op:
        batch_op.alter_column('explanation', existing_type=sa.Text(), type_=sa.JSON(), existing_nullable=False, postgresql_using='explanation::json')
        batch_op.drop_constraint(batch_op.f('uq_results_rows_entry_id_run_id'), type_='unique')
        batch_op.create_index('ix_results_rows_entry_id', ['entry_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_results_rows_run_id_entry_id'), ['run_id', 'entry_id'])
        batch_op.create_foreign_key(batch_op.f('fk_results_rows_entry_id_entries'), 'entries', ['entry_id'], ['id'], ondelete='RESTRICT')

    # never recreated on SQLite: dropping the old results_runs table would cascade to its rows
    with op.batch_alter_table('results_runs', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('explanation_context')
