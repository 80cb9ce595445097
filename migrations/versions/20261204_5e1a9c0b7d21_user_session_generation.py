"""users.session_generation: logout and password change end every session and token

Each session cookie and API token carries the generation it was issued with; raising the
user's generation makes all of them stop working at once.

Revision ID: 5e1a9c0b7d21
Revises: 8f4163d4194f
Create Date: 2026-12-04 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1a9c0b7d21'
down_revision = '8f4163d4194f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
