"""start lanes per process version

Revision ID: 3da687a8eb6e
Revises: debdd6de63f2
Create Date: 2026-11-22 23:05:46.140871

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3da687a8eb6e'
down_revision = 'debdd6de63f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start_lanes', sa.JSON(), nullable=False, server_default='[]'))



def downgrade():
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.drop_column('start_lanes')

