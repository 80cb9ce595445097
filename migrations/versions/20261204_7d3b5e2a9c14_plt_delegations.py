"""Plt. delegations: a colleague acts for an absent user for a window

Revision ID: 7d3b5e2a9c14
Revises: 7a3c9e1f2b40
Create Date: 2026-12-04 15:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3b5e2a9c14'
down_revision = '7a3c9e1f2b40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'delegations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('from_user_id', sa.Integer(), nullable=False),
        sa.Column('to_user_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reason', sa.String(length=30), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('moved_task_ids', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['from_user_id'], ['users.id'], name=op.f('fk_delegations_from_user_id_users')),
        sa.ForeignKeyConstraint(['to_user_id'], ['users.id'], name=op.f('fk_delegations_to_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delegations')),
    )
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegations_from_user_id'), ['from_user_id'], unique=False)
        batch_op.create_index('ix_delegations_to_user_window', ['to_user_id', 'ended_at', 'starts_at'], unique=False)
        batch_op.create_index('ix_delegations_open', ['ended_at', 'ends_at'], unique=False)


def downgrade():
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.drop_index('ix_delegations_open')
        batch_op.drop_index('ix_delegations_to_user_window')
        batch_op.drop_index(batch_op.f('ix_delegations_from_user_id'))
    op.drop_table('delegations')
