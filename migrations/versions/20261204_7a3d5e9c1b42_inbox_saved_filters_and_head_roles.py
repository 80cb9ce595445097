"""inbox saved filters and the heads' roles per organisation

Revision ID: 7a3d5e9c1b42
Revises: a7c3e1f0b4d2
Create Date: 2026-12-04 15:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3d5e9c1b42'
down_revision = 'a7c3e1f0b4d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head_roles', sa.JSON(), nullable=True))
    # "Untuk saya" reads the tasks a user holds.
    with op.batch_alter_table('task_index', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_index_claimed_by'), ['claimed_by'], unique=False)
    op.create_table(
        'saved_filters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('shared_unit_code', sa.String(length=100), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_saved_filters_owner_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['shared_unit_code'], ['org_units.code'], name=op.f('fk_saved_filters_shared_unit_code_org_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_filters')),
        sa.UniqueConstraint('owner_id', 'name', name=op.f('uq_saved_filters_owner_id')),
    )
    with op.batch_alter_table('saved_filters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_filters_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_saved_filters_shared_unit_code'), ['shared_unit_code'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_filters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_filters_shared_unit_code'))
        batch_op.drop_index(batch_op.f('ix_saved_filters_owner_id'))
    op.drop_table('saved_filters')
    with op.batch_alter_table('task_index', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_index_claimed_by'))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('head_roles')
