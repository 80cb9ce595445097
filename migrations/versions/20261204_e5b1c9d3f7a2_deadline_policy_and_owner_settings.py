"""Deadline policy (reminders and escalation items in the task index) and the process
owner's per-organisation settings

Revision ID: e5b1c9d3f7a2
Revises: e5a1c7d3f902
Create Date: 2026-12-04 18:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5b1c9d3f7a2'
down_revision = 'e5a1c7d3f902'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('task_index', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remind_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('escalation_of', sa.String(length=100), nullable=True))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('process_settings', sa.JSON(), nullable=True))


def downgrade():
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+ has it): a batch copy of `organisations`
    # on SQLite would drop a table that cases, users and units refer to.
    for table, column in (('organisations', 'process_settings'), ('task_index', 'escalation_of'),
                          ('task_index', 'reminded_at'), ('task_index', 'remind_at')):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
