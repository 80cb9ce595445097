"""deadline timer and extending role on the task index

Revision ID: a86a63b3f270
Revises: aa27b2a5adaa
Create Date: 2026-11-22 23:40:45.497972

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a86a63b3f270'
down_revision = 'aa27b2a5adaa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('task_index', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_element', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('extend_role', sa.String(length=100), nullable=True))



def downgrade():
    with op.batch_alter_table('task_index', schema=None) as batch_op:
        batch_op.drop_column('extend_role')
        batch_op.drop_column('deadline_element')

