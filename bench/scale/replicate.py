"""Set-based replication of the seed cases to N, in PostgreSQL.

Each replica copies one seed case row for row (case, complaint, files, records, units,
search rows, ready tasks, waiting timer, audit trail), with its own id, tracking number,
complainant identity and report words, every time moved by one per-replica shift so the
cases spread over `span_days` back from now. Old cases are mostly closed and recent ones
mostly open, as in a real office: the share of open replicas is `recent_open` for the last
`recent_days` and `old_open` before that.

The audit trail is rebuilt, not copied: each replica's chain `case:<id>` is hashed anew
(app/services/audit_chain.py: SHA-256 of a canonical JSON text) inside PostgreSQL. The
canonical text of each seed event is made once in Python with placeholders for what
differs per replica (case id, time, task id, previous hash); a recursive query then walks
all replicas' chains one link at a time, filling the placeholders and hashing with
sha256(). Before any replica is written the same SQL recomputes every seed event's stored
hash, so a change to the hashed content stops the build instead of writing broken chains.

What replicas do not get: notifications (a million queued mails would only load the
outbox), and their workflow state is their seed's, so their engine task ids (derived
from the seed's) are not in it: replicas are for reading (pages, reports, search), their
tasks are not meant to be completed. Seeds stay fully live.
"""
import contextlib
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from app.extensions import db
from app.models import AuditEvent

_WORDS = ["pungutan", "liar", "loket", "antrean", "sertifikasi", "pelayanan", "petugas", "biaya", "kuitansi", "izin",
          "jalan", "rusak", "dana", "desa", "bantuan", "sosial", "sekolah", "guru", "puskesmas", "obat", "lampu",
          "air", "bersih", "sampah", "banjir", "parkir", "pasar", "tanah", "sengketa", "pegawai", "terlambat",
          "laboratorium", "standar", "akreditasi", "produk", "label", "pengujian", "kalibrasi", "mutu", "ekspor"]
# Tables whose secondary indexes are dropped during the load and rebuilt after it (a
# bulk build is several times faster than maintaining them row by row).
_BULK_TABLES = ["cases", "complaints", "documents", "case_records", "case_units", "case_search",
                "case_identity_search", "task_index", "timer_index", "audit_events"]
_HASH_FIELDS = ("chain", "seq", "prev_hash", "case_id", "occurred_at", "actor", "action", "engine_task_id",
                "element_id", "lane", "data_before", "data_after", "detail")


def _template(event: AuditEvent) -> str:
    """The canonical text hashed for this event, with @@CASE_ID@@, @@AT@@, @@TASK@@ and
    @@PREV@@ where a replica's own values go (see audit_chain.event_hash)."""
    content = {
        "v": 1, "chain": "case:@@CASE_ID@@", "seq": event.seq, "prev_hash": None if event.prev_hash is None else "@@PREV@@",
        "case_id": "@@CASE_ID@@", "occurred_at": "@@AT@@", "actor": event.actor, "action": event.action,
        "engine_task_id": None if event.engine_task_id is None else "@@TASK@@", "element_id": event.element_id,
        "lane": event.lane, "data_before": _normalised(event.data_before), "data_after": _normalised(event.data_after),
        "detail": event.detail,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return canonical.replace('"@@CASE_ID@@"', "@@CASE_ID@@")


def _normalised(value):
    return None if value is None else json.loads(json.dumps(value))


# The hash of one event from its template; :case_id, :at, :task, :prev are SQL expressions.
def _hash_sql(template: str, case_id: str, at: str, task: str, prev: str) -> str:
    stamp = f"to_char(({at}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'"
    filled = (f"replace(replace(replace(replace({template}, '@@CASE_ID@@', CAST({case_id} AS text)), "
              f"'@@AT@@', {stamp}), '@@TASK@@', coalesce({task}, '')), '@@PREV@@', coalesce({prev}, ''))")
    return f"encode(sha256(convert_to({filled}, 'UTF8')), 'hex')"


# A replica's engine task id: a UUID derived from its seed's task id and its case id, the
# same in the task index and the audit trail.
def _task_id(seed_task: str, case_id: str) -> str:
    return f"CASE WHEN {seed_task} IS NULL THEN NULL ELSE CAST(CAST(md5({seed_task} || ':' || CAST({case_id} AS text)) AS uuid) AS text) END"


def _step(label: str, statement: str, params: dict | None = None, *, connection=None) -> None:
    started = time.perf_counter()
    result = (connection or db.session).execute(text(statement), params or {})
    rows = f"{result.rowcount:>10,} rows" if result.rowcount and result.rowcount > 0 else " " * 15
    print(f"    {label:<34} {rows} {time.perf_counter() - started:7.1f} s", flush=True)


def _load_settings(connection) -> None:
    """For a connection that loads: foreign keys not checked row by row (the rows are
    copies of rows that satisfy them; build.py checks them afterwards, set-based), no
    wait for the WAL flush, memory for hashing and sorting, and the server process
    reniced like the client (`nice -n 10`; possible when the builder runs as root on the
    database's machine)."""
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, connection.scalar(text("SELECT pg_backend_pid()")), 10)
    for setting in ("session_replication_role = replica", "synchronous_commit = off", "work_mem = '256MB'",
                    "maintenance_work_mem = '512MB'"):
        connection.execute(text(f"SET {setting}"))


def _in_parallel(jobs: int, steps: list[tuple[str, str, dict]]) -> None:
    """Run independent statements on `jobs` connections of their own, each committed."""
    engine = db.engine  # threads have no application context

    def run(step):
        with engine.connect() as connection:
            _load_settings(connection)
            _step(*step, connection=connection)
            connection.commit()
            connection.execute(text("RESET ALL"))

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in [pool.submit(run, step) for step in steps]:
            future.result()


def _seed_events(seed_ids: list[int]) -> None:
    """scale_seed_events: the seeds' audit events with their templates, checked."""
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id.in_(seed_ids)))
    rows = [{"id": e.id, "template": _template(e)} for e in events]
    db.session.execute(text("CREATE UNLOGGED TABLE scale_templates (id integer PRIMARY KEY, template text)"))
    db.session.execute(text("INSERT INTO scale_templates VALUES (:id, :template)"), rows)
    db.session.execute(text("""CREATE UNLOGGED TABLE scale_seed_events AS
        SELECT a.case_id AS seed_id, a.seq, a.occurred_at, a.actor, a.action, a.engine_task_id, a.element_id, a.lane,
               a.data_before, a.data_after, a.detail, a.prev_hash, a.hash, t.template
        FROM audit_events a JOIN scale_templates t ON t.id = a.id"""))
    db.session.execute(text("ALTER TABLE scale_seed_events ADD PRIMARY KEY (seed_id, seq)"))
    db.session.execute(text("ANALYZE scale_seed_events"))
    broken = db.session.scalar(text(f"""SELECT count(*) FROM scale_seed_events e
        WHERE e.hash <> {_hash_sql('e.template', 'e.seed_id', 'e.occurred_at', 'e.engine_task_id', 'e.prev_hash')}"""))
    if broken:
        raise RuntimeError(f"{broken} of {len(rows)} seed events do not hash as the builder computes it: "
                           "app/services/audit_chain.py changed what is hashed; update bench/scale/replicate.py")
    print(f"    seed audit events rehashed in SQL  {len(rows):>10,} rows  (all match their stored hash)", flush=True)


def _replicas(seed_ids: list[int], *, replicas: int, span_days: int, recent_days: int,
              recent_open: float, old_open: float) -> None:
    open_seeds = list(db.session.scalars(text(
        "SELECT id FROM cases c WHERE id = ANY(:ids) AND EXISTS (SELECT 1 FROM task_index t WHERE t.case_id = c.id) "
        "ORDER BY id"), {"ids": seed_ids}))
    closed_seeds = [i for i in seed_ids if i not in set(open_seeds)] or open_seeds
    base = db.session.scalar(text("SELECT coalesce(max(id), 0) FROM cases"))
    # g = 1 is the oldest replica, g = replicas the newest; hashtext spreads seeds over g.
    _step("replica map", f"""CREATE UNLOGGED TABLE scale_replicas AS
        WITH g AS (SELECT g, make_interval(secs => CAST({span_days} AS float8) * 86400 * ({replicas} - g) / {replicas}) AS age,
                          abs(hashtext(CAST(g AS text))) AS h FROM generate_series(1, {replicas}) AS s(g)),
        picked AS (SELECT g, age, CASE WHEN (h % 1000) < 1000 * CASE WHEN age < interval '{recent_days} days'
                                                            THEN {recent_open} ELSE {old_open} END
                   THEN (CAST(:open AS int[]))[1 + (h / 1000) % {len(open_seeds)}]
                   ELSE (CAST(:closed AS int[]))[1 + (h / 1000) % {len(closed_seeds)}] END AS seed_id FROM g)
        SELECT {base} + p.g AS case_id, p.g, p.seed_id,
               (now() - p.age) - c.created_at AS shift FROM picked p JOIN cases c ON c.id = p.seed_id""",
          {"open": open_seeds, "closed": closed_seeds})
    db.session.execute(text("CREATE INDEX ON scale_replicas (seed_id)"))
    db.session.execute(text("ANALYZE scale_replicas"))


def _word(k: int) -> str:
    return f"(CAST(:words AS text[]))[1 + (r.g * {k} + r.g / 7) % {len(_WORDS)}]"


def _words() -> str:
    return f"{_word(3)} || ' ' || {_word(7)} || ' ' || {_word(11)} || ' ' || {_word(13)}"


def _search_text(part: int, jobs: int) -> tuple[str, str, dict]:
    # The same texts app/services/search_index.py indexes: the seed's body plus the words
    # added to this replica's report (the complainant's identity is never in it).
    return (f"case_search ({part + 1}/{jobs})", f"""INSERT INTO case_search (case_id, body)
        SELECT r.case_id, s.body || ' ' || {_words()} FROM scale_replicas r JOIN case_search s ON s.case_id = r.seed_id
        WHERE r.case_id % {jobs} = {part}""", {"words": _WORDS})


def _copy_rows() -> None:
    words = _words()
    params = {"words": _WORDS}
    _step("cases", """INSERT INTO cases (id, tracking_number, process_version_id, status, organisation_code, title,
            workflow_state, completed, last_error, last_error_at, created_at, updated_at, closed_at, lock_version,
            next_due_at)
        SELECT r.case_id, 'DUMAS-' || to_char((c.created_at + r.shift) AT TIME ZONE 'UTC', 'YYYY') || '-'
                 || lpad(CAST(r.case_id AS text), greatest(6, length(CAST(r.case_id AS text))), '0'),
               c.process_version_id, c.status, c.organisation_code, c.title, c.workflow_state, c.completed,
               c.last_error, c.last_error_at + r.shift, c.created_at + r.shift, c.updated_at + r.shift,
               c.closed_at + r.shift, c.lock_version, c.next_due_at + r.shift
        FROM scale_replicas r JOIN cases c ON c.id = r.seed_id ORDER BY r.case_id""")
    identity = """CASE WHEN p.confidentiality = 'anonim' THEN {anon} ELSE {named} END"""
    _step("complaints", f"""INSERT INTO complaints (case_id, jenis, judul, uraian, lokasi_kejadian, tanggal_kejadian,
            terlapor, nama_lengkap, nik, email, no_hp, pekerjaan, alamat, confidentiality, channel, language,
            access_code_hash, created_at)
        SELECT r.case_id, p.jenis, p.judul, p.uraian || ' ' || {words}, p.lokasi_kejadian, p.tanggal_kejadian,
               p.terlapor,
               {identity.format(anon="''", named="'Pelapor ' || CAST(r.case_id AS text)")},
               {identity.format(anon="''", named="'3171' || lpad(CAST(r.case_id AS text), 12, '0')")},
               {identity.format(anon="''", named="'pelapor' || CAST(r.case_id AS text) || '@contoh.id'")},
               {identity.format(anon="''", named="'0812' || lpad(CAST(r.case_id AS text), 8, '0')")},
               p.pekerjaan, p.alamat, p.confidentiality, p.channel, p.language, p.access_code_hash,
               p.created_at + r.shift
        FROM scale_replicas r JOIN complaints p ON p.case_id = r.seed_id ORDER BY r.case_id""", params)
    _step("documents", """INSERT INTO documents (case_id, kind, filename, content_type, size, sha256, content,
            uploaded_by, created_at)
        SELECT r.case_id, d.kind, d.filename, d.content_type, d.size, d.sha256, d.content, d.uploaded_by,
               d.created_at + r.shift FROM scale_replicas r JOIN documents d ON d.case_id = r.seed_id""")
    _step("case_records", """INSERT INTO case_records (case_id, title, element_id, form_key, content, author, created_at)
        SELECT r.case_id, x.title, x.element_id, x.form_key, x.content, x.author, x.created_at + r.shift
        FROM scale_replicas r JOIN case_records x ON x.case_id = r.seed_id""")
    _step("case_units", """INSERT INTO case_units (case_id, unit_code)
        SELECT r.case_id, u.unit_code FROM scale_replicas r JOIN case_units u ON u.case_id = r.seed_id""")
    _step("case_identity_search", """INSERT INTO case_identity_search (case_id, terms)
        SELECT p.case_id, CASE WHEN p.nama_lengkap = '' THEN '' ELSE p.nama_lengkap || ' ' || p.nik || ' ' || p.email
               || ' ' || p.no_hp || ' 62' || substr(p.no_hp, 2) END
        FROM complaints p JOIN scale_replicas r ON r.case_id = p.case_id""")
    # The inbox filters on the task's own copies of its case's organisation and process key,
    # and the deadline policy keeps each task's reminder and escalation items on its row.
    _step("task_index", f"""INSERT INTO task_index (case_id, engine_task_id, element_id, title, lane, role, org_unit,
            form_key, created_at, due_at, claimed_by, claimed_at, deadline_element, extend_role,
            organisation_code, process_key, remind_at, reminded_at, escalation_of)
        SELECT r.case_id, {_task_id('t.engine_task_id', 'r.case_id')}, t.element_id, t.title, t.lane, t.role, t.org_unit,
               t.form_key, t.created_at + r.shift, t.due_at + r.shift, t.claimed_by, t.claimed_at + r.shift,
               t.deadline_element, t.extend_role, t.organisation_code, t.process_key, t.remind_at + r.shift,
               t.reminded_at + r.shift, t.escalation_of
        FROM scale_replicas r JOIN task_index t ON t.case_id = r.seed_id""")
    _step("timer_index", """INSERT INTO timer_index (case_id, due_at, element_id)
        SELECT r.case_id, t.due_at + r.shift, t.element_id FROM scale_replicas r JOIN timer_index t ON t.case_id = r.seed_id""")


def _audit(part: int, jobs: int) -> tuple[str, str, dict]:
    first = _hash_sql("e.template", "r.case_id", "e.occurred_at + r.shift", _task_id("e.engine_task_id", "r.case_id"),
                      "NULL")
    link = _hash_sql("e.template", "c.case_id", "e.occurred_at + c.shift", _task_id("e.engine_task_id", "c.case_id"),
                     "c.hash")
    return (f"audit_events ({part + 1}/{jobs}, rehashed)", f"""INSERT INTO audit_events (case_id, occurred_at, actor, action,
            engine_task_id, element_id, lane, data_before, data_after, detail, chain, seq, prev_hash, hash)
        WITH RECURSIVE chain AS (
            SELECT r.case_id, r.seed_id, r.shift, 1 AS seq, CAST(NULL AS text) AS prev_hash, {first} AS hash
            FROM scale_replicas r JOIN scale_seed_events e ON e.seed_id = r.seed_id AND e.seq = 1
            WHERE r.case_id % {jobs} = {part}
          UNION ALL
            SELECT c.case_id, c.seed_id, c.shift, c.seq + 1, c.hash, {link}
            FROM chain c JOIN scale_seed_events e ON e.seed_id = c.seed_id AND e.seq = c.seq + 1)
        SELECT c.case_id, e.occurred_at + c.shift, e.actor, e.action, {_task_id('e.engine_task_id', 'c.case_id')},
               e.element_id, e.lane, e.data_before, e.data_after, e.detail, 'case:' || c.case_id, c.seq, c.prev_hash,
               c.hash
        FROM chain c JOIN scale_seed_events e ON e.seed_id = c.seed_id AND e.seq = c.seq""", {})


def _drop_indexes() -> list[str]:
    """Drop the secondary indexes and unique constraints (not primary keys) of the bulk
    tables; returns the statements that rebuild them (re-adding a unique constraint
    checks every row again)."""
    tables = {"tables": _BULK_TABLES}
    indexes = db.session.execute(text("""SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = ANY(:tables) AND t.relnamespace = 'public'::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"""), tables).all()
    uniques = db.session.execute(text("""SELECT k.conrelid::regclass::text, k.conname, pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
        WHERE t.relname = ANY(:tables) AND t.relnamespace = 'public'::regnamespace AND k.contype = 'u'"""),
                                 tables).all()
    for name, _definition in indexes:
        db.session.execute(text(f"DROP INDEX {name}"))
    for table, name, _definition in uniques:
        db.session.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {name}"))
    return ([definition for _name, definition in indexes]
            + [f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}" for table, name, definition in uniques])


def _rebuild_label(definition: str) -> str:
    label = definition.split(" ON ")[0] if definition.startswith("CREATE") else definition.split(" UNIQUE")[0]
    return label.replace("CREATE ", "").replace("ALTER TABLE ", "").replace("ADD CONSTRAINT ", "").lower()[:34]


def replicate(seed_ids: list[int], *, total: int, jobs: int = 2, span_days: int = 730, recent_days: int = 45,
              recent_open: float = 0.7, old_open: float = 0.05) -> None:
    """Add replicas of `seed_ids` until there are `total` cases. The heavy statements
    (search text, audit chains, index builds) run on `jobs` connections; the steps
    commit as they go, so a failed build leaves a half-built database (rebuild it)."""
    existing = db.session.scalar(text("SELECT count(*) FROM cases"))
    replicas = total - existing
    if replicas <= 0:
        return
    _load_settings(db.session.connection())
    _seed_events(seed_ids)
    _replicas(seed_ids, replicas=replicas, span_days=span_days, recent_days=recent_days, recent_open=recent_open,
              old_open=old_open)
    definitions = _drop_indexes()
    _copy_rows()
    db.session.commit()
    _in_parallel(jobs, [_audit(part, jobs) for part in range(jobs)] + [_search_text(part, jobs) for part in range(jobs)])
    _in_parallel(jobs, [(_rebuild_label(d), d, {}) for d in definitions])
    _load_settings(db.session.connection())
    for table in ("cases", "complaints", "documents", "case_records", "task_index", "audit_events"):
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    db.session.execute(text("DROP TABLE scale_replicas, scale_seed_events, scale_templates"))
    db.session.commit()
    db.session.execute(text("RESET ALL"))
