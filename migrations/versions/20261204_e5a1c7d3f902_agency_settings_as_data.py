"""Agency settings as data: identity and intake lanes, report recipient, case statuses

Revision ID: e5a1c7d3f902
Revises: e5b1c9d3a7f2
Create Date: 2026-12-04 18:10:00.000000

The lanes that see a confidential identity, the lanes that enter offline complaints, the
report recipient and the lanes that compile or receive the report move from Python onto
the organisation; the status words into
`case_statuses` (filled by `organisations seed` / `demo seed` from seed/statuses.json).
Existing shipped organisations get the values the code held until now, so they behave
exactly as before the upgrade.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a1c7d3f902'
down_revision = 'e5b1c9d3a7f2'
branch_labels = None
depends_on = None

# Frozen copy of what app/services/organisation/identity.py, app/services/intake/offline.py, app/services/reporting/report_data.py and app/services/reporting/reports.py held.
# (identity lanes, intake lanes, report recipient, report lanes)
_SHIPPED = {
    "bsn": (["Admin Inspektorat"], ["Admin Inspektorat"], "Kepala BSN",
            ["Admin Inspektorat", "Kepala BSN", "Kepala Inspektorat"]),
    "katingan": (["Inspektorat"], ["Inspektorat"], "Inspektur", ["Inspektorat", "Inspektur", "Sekretariat Inspektorat"]),
    "dpmdppkb": (["Admin Instansi", "Admin Nasional"],
                 ["Admin Instansi", "Admin Nasional", "Pejabat Pengelola Pengaduan"], None,
                 ["Admin Instansi", "Pejabat Pengelola Pengaduan"]),
    "bps-kaltim": (["Admin BPS Provinsi", "Admin Nasional"], ["Admin BPS Provinsi", "Admin Nasional"], None,
                   ["Admin BPS Provinsi"]),
    "setneg": ([], ["Perencana Program dan Penyusun Laporan"],
               "Menteri Sekretaris Negara dan Presiden/Wakil Presiden (melalui Asdep Dumas/Deputi Hublemmas)",
               ["Asdep Dumas", "Deputi Hublemmas", "Kepala Bidang", "Perencana Program dan Penyusun Laporan"]),
}


def upgrade():
    with op.batch_alter_table('organisations') as batch:
        batch.add_column(sa.Column('identity_lanes', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('intake_lanes', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('report_recipient', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('report_lanes', sa.JSON(), nullable=True))
    organisations = sa.table('organisations', sa.column('code', sa.String), sa.column('identity_lanes', sa.JSON),
                             sa.column('intake_lanes', sa.JSON), sa.column('report_recipient', sa.String),
                             sa.column('report_lanes', sa.JSON))
    op.execute(organisations.update().values(identity_lanes=[], intake_lanes=[], report_lanes=[]))
    for code, (identity, intake, recipient, report) in _SHIPPED.items():
        op.execute(organisations.update().where(organisations.c.code == code)
                   .values(identity_lanes=identity, intake_lanes=intake, report_recipient=recipient,
                           report_lanes=report))
    # Left nullable (the model's default fills new rows): on SQLite, NOT NULL would mean
    # copying `organisations`, and dropping it while cases, users and units refer to it
    # fails on a database with data.
    op.create_table(
        'case_statuses',
        sa.Column('code', sa.String(length=50), nullable=False),
        sa.Column('label_id', sa.String(length=255), nullable=False),
        sa.Column('label_en', sa.String(length=255), nullable=False),
        sa.Column('description_id', sa.Text(), nullable=True),
        sa.Column('description_en', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('code'),
    )


def downgrade():
    op.drop_table('case_statuses')
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch copy of `organisations` on
    # SQLite would drop a table other tables refer to.
    for column in ('report_lanes', 'report_recipient', 'intake_lanes', 'identity_lanes'):
        op.execute(f'ALTER TABLE organisations DROP COLUMN {column}')
