"""Benchmark: the case register's first page and full-text search at scale. Prints
figures and query plans, asserts nothing.

    .venv/bin/python bench/register_bench.py --db postgresql --cases 1000000
    .venv/bin/python bench/register_bench.py --db sqlite --cases 100000

Builds a fresh database by the migrations, deploys the real SOPs, then writes `--cases`
cases with set-based SQL (generate_series / a recursive CTE: cases, complaints, one open
task each, unit routing, both search indexes), 60 % of them BSN's. Then, as a BSN admin
(organisation-scoped) and as a national account, times over `--runs` runs:
  - the register's first page (query, capped count and the rows' labels),
  - a full-text search for a common word (in ~1 case of 5) and a rare one (1 in 10 000),
  - a NIK search by the identity admin,
and prints p50/p95 with the plan (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on
SQLite) of each main query, captured as the application sent it.
"""
import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, event, make_url, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ["pungutan", "liar", "loket", "antrean", "sertifikasi", "pelayanan", "petugas", "biaya", "kuitansi", "izin",
         "jalan", "rusak", "dana", "desa", "bantuan", "sosial", "sekolah", "guru", "puskesmas", "obat", "lampu",
         "air", "bersih", "sampah", "banjir", "parkir", "pasar", "tanah", "sengketa", "pegawai", "terlambat",
         "laboratorium", "standar", "akreditasi", "produk", "label", "pengujian", "kalibrasi", "mutu", "ekspor"]
STATUSES = ["diterima", "verifikasi", "penelaahan", "tindak_lanjut", "selesai"]
CHANNELS = ["web", "web", "api", "surat", "telepon"]
TYPES = ["pengaduan", "pengaduan", "aspirasi", "permintaan_informasi"]


def _app(url: str):
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services.administration.demo import seed_reference_data
    from app.services.definitions.processes import deploy_directory

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "DUMAS_TIMERS": "off"})
    with app.app_context():
        flask_migrate.upgrade()
        seed_reference_data()
        deploy_directory(ROOT, deployed_by="bench")
        db.session.commit()
    return app


def _series(dialect: str, n: int) -> str:
    if dialect == "postgresql":
        return f"generate_series(1, {n}) AS s(g)"
    return f"(WITH RECURSIVE r(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM r WHERE g < {n}) SELECT g FROM r) AS s"


def _pick(dialect: str, name: str, expr: str) -> str:
    """The element `expr` (0-based) of the JSON list bound as :name."""
    if dialect == "postgresql":
        return f"(CAST(:{name} AS jsonb) ->> CAST({expr} AS int))"
    return f"json_extract(:{name}, '$[' || ({expr}) || ']')"


def _concat(dialect: str, *parts: str) -> str:
    return " || ' ' || ".join(parts)


def build(n: int) -> None:
    """N cases written set-based: no workflow runs, the rows the register reads."""
    from app.extensions import db
    from app.models import ProcessDefinition, ProcessVersion
    from app.services.organisation.accounts import create_user

    dialect = db.engine.dialect.name
    versions = dict(db.session.execute(
        db.select(ProcessDefinition.key, db.func.max(ProcessVersion.id)).join(ProcessVersion)
        .group_by(ProcessDefinition.key)))
    by_slot = [("sop_000", "bsn")] * 6 + [("sop_001", "katingan"), ("sop_002", "dpmdppkb"), ("sop_003", "bps-kaltim"),
                                           ("sop_000", "bsn")]
    params = {"words": json.dumps(WORDS), "statuses": json.dumps(STATUSES), "channels": json.dumps(CHANNELS),
              "types": json.dumps(TYPES), "versions": json.dumps([versions[k] for k, _o in by_slot]),
              "orgs": json.dumps([o for _k, o in by_slot]), "keys": json.dumps([k for k, _o in by_slot])}
    word = lambda k: _pick(dialect, "words", f"(g * {k} + g / 7) % {len(WORDS)}")  # noqa: E731
    now = "CURRENT_TIMESTAMP" if dialect == "postgresql" else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    created = (f"({now} - (({n} - g) * interval '30 seconds'))" if dialect == "postgresql"
               else f"strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || (({n} - g) * 30) || ' seconds')")
    due = (f"({created} + interval '14 days')" if dialect == "postgresql"
           else f"strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || (({n} - g) * 30) || ' seconds', '+14 days')")
    pad = "lpad(CAST(g / 2 AS text), 6, '0')" if dialect == "postgresql" else "printf('%06d', g / 2)"
    nik = "lpad(CAST(g AS text), 16, '3')" if dialect == "postgresql" else "printf('3%015d', g)"
    phone = "'0812' || lpad(CAST(g AS text), 8, '0')" if dialect == "postgresql" else "'0812' || printf('%08d', g)"
    blob = "decode('00', 'hex')" if dialect == "postgresql" else "x'00'"
    false, true = ("false", "true") if dialect == "postgresql" else ("0", "1")
    series = _series(dialect, n)
    title = _concat(dialect, word(3), word(5))
    body = _concat(dialect, word(7), word(11), word(13), word(17), word(19),
                   "CASE WHEN g % 10000 = 7 THEN 'gratifikasi' ELSE '' END")
    statements = [
        f"""INSERT INTO cases (id, tracking_number, process_version_id, status, organisation_code, title,
            workflow_state, completed, created_at, updated_at, lock_version, next_due_at)
            SELECT g, 'DUMAS-' || CAST(2025 + g % 2 AS text) || '-' || {pad},
              CAST({_pick(dialect, 'versions', 'g % 10')} AS integer), {_pick(dialect, 'statuses', 'g % 5')},
              {_pick(dialect, 'orgs', 'g % 10')}, {title}, {blob},
              CASE WHEN g % 5 = 4 THEN {true} ELSE {false} END, {created}, {created}, 1,
              CASE WHEN g % 5 <> 4 THEN {due} END FROM {series}""",
        f"""INSERT INTO complaints (id, case_id, jenis, judul, uraian, lokasi_kejadian, terlapor, nama_lengkap, nik,
            email, no_hp, pekerjaan, alamat, confidentiality, channel, language, access_code_hash, created_at)
            SELECT g, g, {_pick(dialect, 'types', 'g % 4')}, {title}, {body}, 'Kota ' || {word(23)},
              'Petugas ' || {word(29)}, 'Pelapor Nomor ' || CAST(g AS text), {nik},
              'pelapor' || CAST(g AS text) || '@contoh.id', {phone}, 'Wiraswasta', 'Jl. Contoh',
              CASE WHEN g % 20 = 0 THEN 'rahasia' WHEN g % 50 = 1 THEN 'anonim' ELSE 'biasa' END,
              {_pick(dialect, 'channels', 'g % 5')}, 'id', 'x', {created} FROM {series}""",
        f"""INSERT INTO task_index (id, case_id, organisation_code, process_key, engine_task_id, element_id, title,
            lane, role, org_unit, created_at, due_at, claimed_by)
            SELECT g, g, {_pick(dialect, 'orgs', 'g % 10')}, {_pick(dialect, 'keys', 'g % 10')}, 'bench-' || CAST(g AS text),
              CASE WHEN g % 10 = 3 THEN 'tugas_tindak_lanjut_unit' ELSE 'tugas_verifikasi' END,
              CASE WHEN g % 10 = 3 THEN 'Tindak lanjut' ELSE 'Verifikasi' END,
              CASE WHEN g % 10 = 3 THEN 'Unit Eselon II' ELSE 'Admin Inspektorat' END,
              CASE WHEN g % 10 = 3 THEN 'Unit Eselon II' ELSE 'Admin Inspektorat' END,
              CASE WHEN g % 10 = 3 THEN 'bsn-dpspk' END, {created}, {due},
              CASE WHEN g % 7 = 0 THEN 'bench.admin' END FROM {series} WHERE g % 5 <> 4""",
        f"INSERT INTO case_units (case_id, unit_code) SELECT g, 'bsn-dpspk' FROM {series} WHERE g % 10 = 3",
        # The same text the application indexes (app/services/reporting/search_index.py).
        """INSERT INTO case_search (case_id, body) SELECT c.id, c.title || ' ' || p.judul || ' ' || p.uraian || ' '
            || p.lokasi_kejadian || ' ' || p.terlapor FROM cases c JOIN complaints p ON p.case_id = c.id""",
        """INSERT INTO case_identity_search (case_id, terms) SELECT case_id, nama_lengkap || ' ' || nik || ' ' ||
            email || ' ' || no_hp || ' 62' || substr(no_hp, 2) FROM complaints""",
    ]
    if dialect == "postgresql":
        # Bulk loads build GIN indexes faster once, after the rows.
        db.session.execute(text("DROP INDEX ix_case_search_tsv"))
        db.session.execute(text("DROP INDEX ix_case_identity_search_tsv"))
    for statement in statements:
        started = time.perf_counter()
        db.session.execute(text(statement), params)
        print(f"  {statement.split()[2]:<22} {time.perf_counter() - started:7.1f} s", flush=True)
    if dialect == "postgresql":
        for statement in ("CREATE INDEX ix_case_search_tsv ON case_search USING gin (tsv)",
                          "CREATE INDEX ix_case_identity_search_tsv ON case_identity_search USING gin (tsv)"):
            started = time.perf_counter()
            db.session.execute(text(statement))
            print(f"  {statement.split()[2]:<22} {time.perf_counter() - started:7.1f} s", flush=True)
        for table in ("cases", "complaints", "task_index"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {n})"))
    create_user(username="bench.admin", password="bench-password", roles=["Admin Inspektorat"],
                organisation_code="bsn")
    lanes = sorted({lane for (ls,) in db.session.execute(db.select(ProcessVersion.lanes)) for lane in ls or []})
    create_user(username="bench.nasional", password="bench-password", roles=lanes, organisation_code=None)
    db.session.commit()
    started = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    print(f"  ANALYZE                {time.perf_counter() - started:7.1f} s", flush=True)


class _Capture:
    """The register's main SELECT and its search probes as sent to the driver, to
    EXPLAIN them afterwards."""

    def __init__(self):
        self.statements = []

    def __call__(self, _conn, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("EXPLAIN"):  # the search's own estimate (search_index.py)
            return
        probe = "count(" not in statement and ("case_search" in statement or "case_identity_search" in statement)
        if "sort_key" in statement or probe:
            self.statements.append((statement, parameters))


def _explain(statement, parameters) -> str:
    from app.extensions import db

    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if db.engine.dialect.name == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            return "\n".join(f"    {row[0]}" for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        return "\n".join(f"    {row[-1]}" for row in cursor.fetchall())
    finally:
        raw.close()


def measure(label: str, username: str, args: dict, runs: int) -> None:
    from app.extensions import db
    from app.models import User
    from app.services.reporting.register import parse_query, register_page
    from app.services.reporting.register_rows import register_rows

    user = db.session.scalars(db.select(User).where(User.username == username)).one()
    capture = _Capture()
    times, page = [], None
    for run in range(runs + 3):
        db.session.expire_all()
        started = time.perf_counter()
        if run == 2:
            event.listen(db.engine, "before_cursor_execute", capture)
        page = register_page(parse_query({k: v for k, v in args.items() if k != "explain"}), user=user)
        register_rows(page.case_ids, viewer=user, lang="id")
        if run == 2:
            event.remove(db.engine, "before_cursor_execute", capture)
        db.session.rollback()
        if run >= 3:
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    count = f">{page.count}" if page.count_capped else str(page.count)
    print(f"  {label:<44} p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  "
          f"(rows {len(page.case_ids)}, count {count})", flush=True)
    if args.get("explain", True):
        for statement in capture.statements:
            print(_explain(*statement))


def run(label: str, url: str, cases: int, runs: int, explain: bool) -> None:
    from app.extensions import db

    print(f"{label}: building {cases} cases", flush=True)
    app = _app(url)
    with app.app_context():
        started = time.perf_counter()
        build(cases)
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
        if db.engine.dialect.name == "postgresql":
            print(f"  text search configuration: "
                  f"{db.session.scalar(text('SELECT cfgname FROM pg_ts_config WHERE cfgname = :c'), {'c': 'indonesian'})}")
        nik = db.session.scalar(text("SELECT nik FROM complaints WHERE confidentiality = 'rahasia' ORDER BY id DESC LIMIT 1"))
        scenarios = [
            ("first page, BSN admin", "bench.admin", {}),
            ("first page, national", "bench.nasional", {}),
            ("first page, national, sorted by due", "bench.nasional", {"sort": "due"}),
            ("full text 'sertifikasi' (~1 in 5), BSN admin", "bench.admin", {"q": "sertifikasi"}),
            ("full text 'gratifikasi' (1 in 10 000), national", "bench.nasional", {"q": "gratifikasi"}),
            ("full text 'pungutan liar', national", "bench.nasional", {"q": "pungutan liar"}),
            ("NIK of a confidential case, BSN admin", "bench.admin", {"q": nik}),
            ("overdue, BSN admin", "bench.admin", {"deadline": "overdue"}),
        ]
        for name, username, args in scenarios:
            measure(name, username, {**args, **({} if explain else {"explain": False})}, runs)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            run("SQLite", f"sqlite:///{tmp}/bench.sqlite", args.cases, args.runs, not args.no_explain)
    if args.db in ("postgresql", "both"):
        name = f"dumas_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            run("PostgreSQL", make_url(args.postgres_url).set(database=name).render_as_string(hide_password=False),
                args.cases, args.runs, not args.no_explain)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
