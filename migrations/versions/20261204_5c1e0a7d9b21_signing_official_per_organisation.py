"""signing official of the printed case file per organisation

Revision ID: 5c1e0a7d9b21
Revises: c41e7a9b5d20
Create Date: 2026-12-04 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e0a7d9b21'
down_revision = 'c41e7a9b5d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signing_place', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('signatory_name', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('signatory_nip', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('signatory_position', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('signatory_position')
        batch_op.drop_column('signatory_nip')
        batch_op.drop_column('signatory_name')
        batch_op.drop_column('signing_place')
