"""organisations that accept public complaints

Revision ID: a6eaa85ca555
Revises: 3da687a8eb6e
Create Date: 2026-11-22 23:27:58.781042

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6eaa85ca555'
down_revision = '3da687a8eb6e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepts_complaints', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('accepts_complaints')

