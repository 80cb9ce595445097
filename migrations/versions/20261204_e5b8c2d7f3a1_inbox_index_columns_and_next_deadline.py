"""inbox without growth: the task index carries organisation and process key; cases keep their next deadline

`task_index` gains copies of its case's organisation and process key, so the inbox
filters without joining `cases`, and four indexes in the inbox's order (due first, then
oldest), one per kind of page: an organisation's lane, a head's organisations, what a
user holds, a national account's lanes. They replace the claimant index and the
role/unit/due index. `cases.next_due_at` is the soonest deadline of the case's ready
tasks, for the register's sort by deadline, with its index.

Existing rows are filled from the cases, process versions and tasks they belong to.

Revision ID: e5b8c2d7f3a1
Revises: e5b1c9d3f7a2
Create Date: 2026-12-04 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b8c2d7f3a1'
down_revision = 'e5b1c9d3f7a2'
branch_labels = None
depends_on = None

_INBOX_INDEXES = (
    ('ix_task_index_inbox', ['organisation_code', 'role', 'due_at', 'created_at', 'id']),
    ('ix_task_index_team', ['organisation_code', 'due_at', 'created_at', 'id']),
    ('ix_task_index_claimant', ['claimed_by', 'due_at', 'created_at', 'id']),
    ('ix_task_index_role_due', ['role', 'due_at', 'created_at', 'id']),
)


def upgrade():
    with op.batch_alter_table('task_index', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_code', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('process_key', sa.String(length=100), nullable=True))
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True))

    # Correlated subqueries: the same statement on both databases.
    op.execute("""
        UPDATE task_index SET
          organisation_code = (SELECT c.organisation_code FROM cases c WHERE c.id = task_index.case_id),
          process_key = (SELECT d.key FROM cases c
                           JOIN process_versions v ON v.id = c.process_version_id
                           JOIN process_definitions d ON d.id = v.definition_id
                          WHERE c.id = task_index.case_id)
    """)
    op.execute("""
        UPDATE cases SET next_due_at = (SELECT min(t.due_at) FROM task_index t WHERE t.case_id = cases.id)
         WHERE EXISTS (SELECT 1 FROM task_index t WHERE t.case_id = cases.id AND t.due_at IS NOT NULL)
    """)

    with op.batch_alter_table('task_index', schema=None) as batch_op:
        batch_op.drop_index('ix_task_index_claimed_by')
        batch_op.drop_index('ix_task_index_role_unit_due')
        for name, columns in _INBOX_INDEXES:
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_next_due_at_id', ['next_due_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_cases_next_due_at_id', table_name='cases')
    for name, _columns in reversed(_INBOX_INDEXES):
        op.drop_index(name, table_name='task_index')
    op.create_index('ix_task_index_role_unit_due', 'task_index', ['role', 'org_unit', 'due_at'], unique=False)
    op.create_index('ix_task_index_claimed_by', 'task_index', ['claimed_by'], unique=False)
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+ has it): a batch copy of `cases` on
    # SQLite would drop a table every other table refers to.
    for table, column in (('cases', 'next_due_at'), ('task_index', 'process_key'),
                          ('task_index', 'organisation_code')):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
