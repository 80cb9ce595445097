"""inbound mail: messages received per organisation, kept raw before parsing, each
organisation's mailbox settings, and the HTML part of notifications

Revision ID: b7e2d4f1a9c3
Revises: 5c1e0a7d9b21
Create Date: 2026-12-04 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2d4f1a9c3'
down_revision = '5c1e0a7d9b21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'inbound_mails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_code', sa.String(length=50), nullable=False),
        sa.Column('message_id', sa.String(length=500), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('raw', sa.LargeBinary(), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('sender', sa.String(length=255), nullable=False),
        sa.Column('subject', sa.String(length=500), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('refusal_reason', sa.Text(), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('handled_by', sa.String(length=100), nullable=True),
        sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_inbound_mails_case_id_cases')),
        sa.ForeignKeyConstraint(['organisation_code'], ['organisations.code'],
                                name=op.f('fk_inbound_mails_organisation_code_organisations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_mails')),
        sa.UniqueConstraint('organisation_code', 'message_id',
                            name=op.f('uq_inbound_mails_organisation_code')),
    )
    with op.batch_alter_table('inbound_mails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_mails_organisation_code'), ['organisation_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_mails_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_mails_case_id'), ['case_id'], unique=False)
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_settings', sa.JSON(), nullable=True))
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_html', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('body_html')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('mail_settings')
    op.drop_table('inbound_mails')
