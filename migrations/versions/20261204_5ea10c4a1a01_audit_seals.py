"""audit seals, TRUNCATE refused on the audit tables, the application's database role

Adds `audit_seals` (the signed chain heads, app/services/audit_trail/audit_seals.py). On PostgreSQL:
triggers refuse UPDATE, DELETE and TRUNCATE on it and TRUNCATE on `audit_events` (whose
UPDATE and DELETE trigger came with 8f4163d4194f); and when DUMAS_DB_APP_ROLE names the
role the application connects as, it is granted ordinary rights but only INSERT and SELECT
on both audit tables (app/db_roles.py). Run this as the tables' owner.

Revision ID: 5ea10c4a1a01
Revises: 5e1a9c0b7d21
Create Date: 2026-12-04 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '5ea10c4a1a01'
down_revision = '5e1a9c0b7d21'
branch_labels = None
depends_on = None

_REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
_TRIGGERS = (
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE ON audit_seals "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
)


def upgrade():
    op.create_table(
        'audit_seals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sealed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.Column('chains', sa.Integer(), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('signature', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_seals')),
        sa.UniqueConstraint('signature', name=op.f('uq_audit_seals_signature')),
    )
    with op.batch_alter_table('audit_seals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_seals_sealed_at'), ['sealed_at'], unique=False)
    connection = op.get_bind()
    if connection.dialect.name != 'postgresql':
        return
    op.execute(_REFUSE_FUNCTION)
    for trigger in _TRIGGERS:
        op.execute(trigger)
    role = current_app.config.get('DUMAS_DB_APP_ROLE')
    if role:
        from app.db_roles import grant_app_role

        grant_app_role(connection, role)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events')
        op.execute('DROP TRIGGER IF EXISTS audit_seals_append_only ON audit_seals')
        op.execute('DROP TRIGGER IF EXISTS audit_seals_no_truncate ON audit_seals')
        op.execute('DROP FUNCTION IF EXISTS audit_append_only()')
    with op.batch_alter_table('audit_seals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_seals_sealed_at'))
    op.drop_table('audit_seals')
