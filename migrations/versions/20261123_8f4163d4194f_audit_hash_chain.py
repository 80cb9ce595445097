"""audit hash chain and, on PostgreSQL, an append-only trigger

Adds chain, seq, prev_hash and hash to audit_events (existing events are linked into their
chains, oldest first) and, on PostgreSQL, a trigger that refuses UPDATE and DELETE on them.

Revision ID: 8f4163d4194f
Revises: 2444f3d807f7
Create Date: 2026-11-23 01:06:32.871446

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8f4163d4194f'
down_revision = "2444f3d807f7"
branch_labels = None
depends_on = None

_REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
_REFUSE_TRIGGER = """
CREATE TRIGGER audit_events_append_only
BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
"""


def _chain_existing_events():
    """Link the events recorded before this revision into their chains, oldest first."""
    from app.services.audit_trail.audit_chain import chain_of, event_hash

    events = sa.table(
        'audit_events', sa.column('id', sa.Integer), sa.column('case_id', sa.Integer),
        sa.column('occurred_at', sa.DateTime(timezone=True)), sa.column('actor', sa.String),
        sa.column('action', sa.String), sa.column('engine_task_id', sa.String), sa.column('element_id', sa.String),
        sa.column('lane', sa.String), sa.column('data_before', sa.JSON), sa.column('data_after', sa.JSON),
        sa.column('detail', sa.Text), sa.column('chain', sa.String), sa.column('seq', sa.Integer),
        sa.column('prev_hash', sa.String), sa.column('hash', sa.String),
    )
    connection = op.get_bind()
    heads = {}
    for row in connection.execute(sa.select(events).order_by(events.c.id)).mappings().all():
        chain = chain_of(row['case_id'])
        seq, prev_hash = heads.get(chain, (0, None))
        fields = dict(row) | {'chain': chain, 'seq': seq + 1, 'prev_hash': prev_hash}
        digest = event_hash(fields)
        connection.execute(sa.update(events).where(events.c.id == row['id'])
                           .values(chain=chain, seq=seq + 1, prev_hash=prev_hash, hash=digest))
        heads[chain] = (seq + 1, digest)


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain', sa.String(length=32), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=False, server_default=''))
    _chain_existing_events()
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_audit_events_chain_seq', ['chain', 'seq'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_REFUSE_FUNCTION)
        op.execute(_REFUSE_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events')
        op.execute('DROP FUNCTION IF EXISTS audit_events_append_only()')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint('uq_audit_events_chain_seq', type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
        batch_op.drop_column('chain')
