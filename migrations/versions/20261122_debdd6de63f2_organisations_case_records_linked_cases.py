"""organisations, case records, linked cases

Revision ID: debdd6de63f2
Revises: ba37fe35e485
Create Date: 2026-11-22 22:59:02.320370

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'debdd6de63f2'
down_revision = 'ba37fe35e485'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisations',
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('process_key', sa.String(length=100), nullable=True),
    sa.Column('timezone', sa.String(length=50), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_organisations')),
    sa.UniqueConstraint('process_key', name=op.f('uq_organisations_process_key'))
    )
    op.create_table('case_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('element_id', sa.String(length=100), nullable=True),
    sa.Column('form_key', sa.String(length=100), nullable=True),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('origin_case_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_records_case_id_cases')),
    sa.ForeignKeyConstraint(['origin_case_id'], ['cases.id'], name=op.f('fk_case_records_origin_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_records'))
    )
    with op.batch_alter_table('case_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_records_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_code', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('source_case_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_organisation_code'), ['organisation_code'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cases_organisation_code_organisations'), 'organisations', ['organisation_code'], ['code'])
        batch_op.create_foreign_key(batch_op.f('fk_cases_source_case_id_cases'), 'cases', ['source_case_id'], ['id'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_code', sa.String(length=50), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_organisation_code_organisations'), 'organisations', ['organisation_code'], ['code'])



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_organisation_code_organisations'), type_='foreignkey')
        batch_op.drop_column('organisation_code')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_source_case_id_cases'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_cases_organisation_code_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cases_organisation_code'))
        batch_op.drop_column('source_case_id')
        batch_op.drop_column('organisation_code')

    with op.batch_alter_table('case_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_records_case_id'))

    op.drop_table('case_records')
    op.drop_table('organisations')
