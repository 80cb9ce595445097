"""case register: search indexes (report text, complainant identity) and received order

Two index tables, one row per case, written by app/services/reporting/search_index.py:
`case_search` holds the text anyone who may see the case may search (title, description,
location, terlapor, staff outputs; identity values blanked) and `case_identity_search`
the complainant's name, NIK, e-mail and phone, consulted only for viewers who may see
that identity. PostgreSQL: a generated tsvector with a GIN index (configuration
`indonesian` where this server has it, else `simple`); SQLite: FTS5 tables over them,
kept in step by triggers.

Revision ID: 7a3c9e1f2b40
Revises: 7a3d5e9c1b42
Create Date: 2026-12-04 15:45:00.000000

"""
import json
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3c9e1f2b40'
down_revision = '7a3d5e9c1b42'
branch_labels = None
depends_on = None

_IDENTITY = ("nama_lengkap", "nik", "email", "no_hp", "pekerjaan", "alamat")


def _fts_triggers(table: str, column: str) -> list[str]:
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', content_rowid='case_id', "
        "tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.case_id, new.{column}); END",
        f"CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.case_id, old.{column}); END",
        f"CREATE TRIGGER {table}_au AFTER UPDATE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.case_id, old.{column}); "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.case_id, new.{column}); END",
    ]


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_created_at_id', ['created_at', 'id'], unique=False)
    for table, column in (('case_search', 'body'), ('case_identity_search', 'terms')):
        op.create_table(
            table,
            sa.Column('case_id', sa.Integer(), sa.ForeignKey('cases.id', ondelete='CASCADE'), primary_key=True),
            sa.Column(column, sa.Text(), nullable=False, server_default=''),
        )
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        has_indonesian = bind.execute(sa.text("SELECT 1 FROM pg_ts_config WHERE cfgname = 'indonesian'")).first()
        config = 'indonesian' if has_indonesian else 'simple'
        op.execute(f"ALTER TABLE case_search ADD COLUMN tsv tsvector "
                   f"GENERATED ALWAYS AS (to_tsvector('{config}', body)) STORED")
        op.execute("CREATE INDEX ix_case_search_tsv ON case_search USING gin (tsv)")
        # Names, numbers and addresses are not Indonesian words: no stemming.
        op.execute("ALTER TABLE case_identity_search ADD COLUMN tsv tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED")
        op.execute("CREATE INDEX ix_case_identity_search_tsv ON case_identity_search USING gin (tsv)")
    else:
        for table, column in (('case_search', 'body'), ('case_identity_search', 'terms')):
            for statement in _fts_triggers(table, column):
                op.execute(statement)
    _backfill(bind)


def _phone_forms(phone: str) -> list[str]:
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return []
    if digits.startswith("62"):
        return [digits, "0" + digits[2:]]
    if digits.startswith("0"):
        return [digits, "62" + digits[1:]]
    return [digits]


def _backfill(bind) -> None:
    """The cases filed before this revision: the same text the application writes
    (app/services/reporting/search_index.py), computed here so the migration stands alone."""
    records: dict[int, list[str]] = {}
    for case_id, content in bind.execute(sa.text("SELECT case_id, content FROM case_records ORDER BY id")):
        items = json.loads(content) if isinstance(content, str) else (content or [])
        records.setdefault(case_id, []).extend(str(i.get("value") or "") for i in items if isinstance(i, dict))
    complaints = {row.case_id: row for row in bind.execute(sa.text(
        "SELECT case_id, judul, uraian, lokasi_kejadian, terlapor, nama_lengkap, nik, email, no_hp, pekerjaan, "
        "alamat FROM complaints"))}
    for case_id, title in bind.execute(sa.text("SELECT id, title FROM cases")).all():
        c = complaints.get(case_id)
        parts = [title or ""]
        if c is not None:
            parts += [c.judul or "", c.uraian or "", c.lokasi_kejadian or "", c.terlapor or ""]
        parts += records.get(case_id, [])
        body = "\n".join(p for p in parts if p)
        terms = ""
        if c is not None:
            secrets = sorted({(getattr(c, f) or "").strip() for f in _IDENTITY
                              if len((getattr(c, f) or "").strip()) >= 5}, key=len, reverse=True)
            if secrets:
                body = re.sub("|".join(re.escape(s) for s in secrets), " ", body, flags=re.IGNORECASE)
            terms = " ".join(p for p in [c.nama_lengkap or "", c.nik or "", c.email or "", *_phone_forms(c.no_hp)] if p)
        bind.execute(sa.text("INSERT INTO case_search (case_id, body) VALUES (:id, :body)"), {"id": case_id, "body": body})
        bind.execute(sa.text("INSERT INTO case_identity_search (case_id, terms) VALUES (:id, :terms)"),
                     {"id": case_id, "terms": terms})


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        for table in ('case_search', 'case_identity_search'):
            for suffix in ('ai', 'ad', 'au'):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
    op.drop_table('case_identity_search')
    op.drop_table('case_search')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_created_at_id')
