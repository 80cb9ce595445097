"""holiday calendar and working week per organisation

Revision ID: aa27b2a5adaa
Revises: a6eaa85ca555
Create Date: 2026-11-22 23:39:24.611026

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'aa27b2a5adaa'
down_revision = 'a6eaa85ca555'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('holidays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('organisation_code', sa.String(length=50), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_code'], ['organisations.code'], name=op.f('fk_holidays_organisation_code_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holidays')),
    sa.UniqueConstraint('day', 'organisation_code', name=op.f('uq_holidays_day'))
    )
    with op.batch_alter_table('holidays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holidays_day'), ['day'], unique=False)

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('working_days', sa.String(length=20), nullable=False, server_default='0,1,2,3,4'))



def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('working_days')

    with op.batch_alter_table('holidays', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holidays_day'))

    op.drop_table('holidays')
