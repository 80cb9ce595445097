"""Deadline policy (reminders and escalation items in the task index) and the process
owner's per-organisation settings

Revision ID: e5b1c9d3f7a2
Revises: 7d3b5e2a9c14
Create Date: 2026-12-04 18:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5b1c9d3f7a2'
down_revision = '7d3b5e2a9c14'
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
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('process_settings')
    with op.batch_alter_table('task_index', schema=None) as batch_op:
        batch_op.drop_column('escalation_of')
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('remind_at')
