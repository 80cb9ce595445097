"""calendar revision: one version number every calendar change raises, so each process
rebuilds its cached working-day calendars when another process changed them

Revision ID: c41e7a9b5d20
Revises: 5ea10c4a1a01
Create Date: 2026-12-04 15:00:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41e7a9b5d20'
down_revision = '5ea10c4a1a01'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'calendar_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_revision')),
    )
    op.bulk_insert(table, [{'id': 1, 'version': 0, 'updated_at': datetime.now(timezone.utc)}])


def downgrade():
    op.drop_table('calendar_revision')
