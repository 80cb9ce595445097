"""report jobs: a report asked for on /laporan is made in the background, its progress in
this table; and an index on the audit trail's (action, occurred_at) for the report's
semester queries

Revision ID: e5b1c9d3a7f2
Revises: 7d3b5e2a9c14
Create Date: 2026-12-04 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b1c9d3a7f2'
down_revision = '7d3b5e2a9c14'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_code', sa.String(length=50), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('semester', sa.Integer(), nullable=False),
        sa.Column('requested_by', sa.String(length=100), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=40), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['organisation_code'], ['organisations.code'],
                                name=op.f('fk_report_jobs_organisation_code_organisations')),
        sa.ForeignKeyConstraint(['report_id'], ['periodic_reports.id'],
                                name=op.f('fk_report_jobs_report_id_periodic_reports')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_jobs')),
    )
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_report_jobs_org_status', ['organisation_code', 'status'], unique=False)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_action_occurred_at', ['action', 'occurred_at'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_action_occurred_at')
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_report_jobs_org_status')
    op.drop_table('report_jobs')
