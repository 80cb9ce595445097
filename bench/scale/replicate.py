"""Set-based replication of the seed cases to N, in PostgreSQL.

Each replica copies one seed case row for row (case, complaint, files, records, units,
search rows, ready tasks, waiting timer, audit trail), with its own id, tracking number,
complainant identity and report words, every time moved by one per-replica shift so the
cases spread over `span_days` back from now. Old cases are mostly closed and recent ones
mostly open, as in a real office: the share of open replicas is `recent_open` for the last
`recent_days` and `old_open` before that.

The audit trail is rebuilt, not copied: each replica's chain `case:<id>` is hashed anew
(app/services/audit_trail/audit_chain.py: SHA-256 of a canonical JSON text) inside PostgreSQL. The
canonical text of each seed event is made once in Python with placeholders for what
differs per replica (case id, time, task id, previous hash), cut at them into six
pieces; a recursive query then walks all replicas' chains one link at a time, joining the
pieces with the replica's values and hashing with sha256(). Before any replica is written the same SQL recomputes every seed event's stored
hash, so a change to the hashed content stops the build instead of writing broken chains.

What replicas do not get: notifications (a million queued mails would only load the
outbox), and their workflow state is their seed's, so their engine task ids (derived
from the seed's) are not in it: replicas are for reading (pages, reports, search), their
tasks are not meant to be completed. Seeds stay fully live.
"""
import contextlib
import json
import os
import re
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


# Where a replica's own values go in an event's canonical text, in the order the sorted
# keys put them: "case_id", "chain" ("case:<id>"), "engine_task_id", "occurred_at",
# "prev_hash". A null task id or previous hash has no placeholder (it stays JSON null).
_SLOTS = ("@@CASE_ID@@", "@@CASE_ID@@", "@@TASK@@", "@@AT@@", "@@PREV@@")
_PLACEHOLDER = re.compile("(@@CASE_ID@@|@@TASK@@|@@AT@@|@@PREV@@)")


def _pieces(template: str) -> list[str]:
    """The template cut at its placeholders into six pieces, one between each two
    slots of _SLOTS; a slot the event leaves null gets an empty piece after it (its
    value, coalesced to '', is then empty too). Joining pieces and values is one pass
    over the text, where four replace() calls scanned it four times."""
    parts = _PLACEHOLDER.split(template)
    texts, found = parts[0::2], parts[1::2]
    pieces, at = [texts[0]], 0
    for slot in _SLOTS:
        if at < len(found) and found[at] == slot:
            pieces.append(texts[at + 1])
            at += 1
        else:
            pieces.append("")
    if at != len(found):
        raise RuntimeError(f"placeholders {found} not in the order {_SLOTS}: update bench/scale/replicate.py")
    return pieces


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


# The hash of one event from its template's pieces (`pieces` a row alias with p0..p5);
# case_id, at, task, prev are SQL expressions.
def _hash_sql(pieces: str, case_id: str, at: str, task: str, prev: str) -> str:
    stamp = f"to_char(({at}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'"
    values = [f"CAST({case_id} AS text)", f"CAST({case_id} AS text)", f"coalesce({task}, '')", stamp,
              f"coalesce({prev}, '')"]
    filled = f"{pieces}.p0" + "".join(f" || {value} || {pieces}.p{n + 1}" for n, value in enumerate(values))
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


Step = tuple[str, str, dict]  # label, statement, parameters


def in_parallel(jobs: int, work: list[list[Step]], *, autocommit: bool = False) -> None:
    """Run independent lists of statements on `jobs` connections of their own, taken in
    the order given (put the longest first, so that no connection ends alone with a
    long one); each statement committed (or outside a transaction: VACUUM)."""
    engine = db.engine  # threads have no application context

    def run(steps: list[Step]) -> None:
        with engine.connect() as connection:
            if autocommit:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            _load_settings(connection)
            for step in steps:
                _step(*step, connection=connection)
                connection.commit()
            connection.execute(text("RESET ALL"))

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in [pool.submit(run, steps) for steps in work]:
            future.result()


def _seed_events(seed_ids: list[int]) -> None:
    """scale_seed_events: the seeds' audit events with their templates' pieces, checked."""
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id.in_(seed_ids)))
    rows = [{"id": e.id, **{f"p{n}": piece for n, piece in enumerate(_pieces(_template(e)))}} for e in events]
    db.session.execute(text("CREATE UNLOGGED TABLE scale_templates (id integer PRIMARY KEY, "
                            + ", ".join(f"p{n} text" for n in range(6)) + ")"))
    db.session.execute(text("INSERT INTO scale_templates VALUES (:id, :p0, :p1, :p2, :p3, :p4, :p5)"), rows)
    db.session.execute(text("""CREATE UNLOGGED TABLE scale_seed_events AS
        SELECT a.case_id AS seed_id, a.seq, a.occurred_at, a.actor, a.action, a.engine_task_id, a.element_id, a.lane,
               a.data_before, a.data_after, a.detail, a.prev_hash, a.hash, t.p0, t.p1, t.p2, t.p3, t.p4, t.p5
        FROM audit_events a JOIN scale_templates t ON t.id = a.id"""))
    db.session.execute(text("ALTER TABLE scale_seed_events ADD PRIMARY KEY (seed_id, seq)"))
    db.session.execute(text("ANALYZE scale_seed_events"))
    broken = db.session.scalar(text(f"""SELECT count(*) FROM scale_seed_events e
        WHERE e.hash <> {_hash_sql('e', 'e.seed_id', 'e.occurred_at', 'e.engine_task_id', 'e.prev_hash')}"""))
    if broken:
        raise RuntimeError(f"{broken} of {len(rows)} seed events do not hash as the builder computes it: "
                           "app/services/audit_trail/audit_chain.py changed what is hashed; update bench/scale/replicate.py")
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
    # The same texts app/services/reporting/search_index.py indexes: the seed's body plus the words
    # added to this replica's report (the complainant's identity is never in it).
    return (f"case_search ({part + 1}/{jobs})", f"""INSERT INTO case_search (case_id, body)
        SELECT r.case_id, s.body || ' ' || {_words()} FROM scale_replicas r JOIN case_search s ON s.case_id = r.seed_id
        WHERE r.case_id % {jobs} = {part}""", {"words": _WORDS})


def _copy_steps() -> list[list[tuple[str, str, dict]]]:
    """The copy statements, each list one connection's work (in order); the lists are
    independent of each other (foreign keys are not checked during the load)."""
    words = _words()
    params = {"words": _WORDS}
    cases = ("cases", """INSERT INTO cases (id, tracking_number, process_version_id, status, organisation_code, title,
            workflow_state, completed, last_error, last_error_at, created_at, updated_at, closed_at, lock_version,
            next_due_at)
        SELECT r.case_id, 'DUMAS-' || to_char((c.created_at + r.shift) AT TIME ZONE 'UTC', 'YYYY') || '-'
                 || lpad(CAST(r.case_id AS text), greatest(6, length(CAST(r.case_id AS text))), '0'),
               c.process_version_id, c.status, c.organisation_code, c.title, c.workflow_state, c.completed,
               c.last_error, c.last_error_at + r.shift, c.created_at + r.shift, c.updated_at + r.shift,
               c.closed_at + r.shift, c.lock_version, c.next_due_at + r.shift
        FROM scale_replicas r JOIN cases c ON c.id = r.seed_id ORDER BY r.case_id""", {})
    identity = """CASE WHEN p.confidentiality = 'anonim' THEN {anon} ELSE {named} END"""
    complaints = ("complaints", f"""INSERT INTO complaints (case_id, jenis, judul, uraian, lokasi_kejadian, tanggal_kejadian,
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
    documents = ("documents", """INSERT INTO documents (case_id, kind, filename, content_type, size, sha256, content,
            uploaded_by, created_at)
        SELECT r.case_id, d.kind, d.filename, d.content_type, d.size, d.sha256, d.content, d.uploaded_by,
               d.created_at + r.shift FROM scale_replicas r JOIN documents d ON d.case_id = r.seed_id""", {})
    case_records = ("case_records", """INSERT INTO case_records (case_id, title, element_id, form_key, content, author, created_at)
        SELECT r.case_id, x.title, x.element_id, x.form_key, x.content, x.author, x.created_at + r.shift
        FROM scale_replicas r JOIN case_records x ON x.case_id = r.seed_id""", {})
    case_units = ("case_units", """INSERT INTO case_units (case_id, unit_code)
        SELECT r.case_id, u.unit_code FROM scale_replicas r JOIN case_units u ON u.case_id = r.seed_id""", {})
    identity_search = ("case_identity_search", """INSERT INTO case_identity_search (case_id, terms)
        SELECT p.case_id, CASE WHEN p.nama_lengkap = '' THEN '' ELSE p.nama_lengkap || ' ' || p.nik || ' ' || p.email
               || ' ' || p.no_hp || ' 62' || substr(p.no_hp, 2) END
        FROM complaints p JOIN scale_replicas r ON r.case_id = p.case_id""", {})
    # The inbox filters on the task's own copies of its case's organisation and process key,
    # and the deadline policy keeps each task's reminder and escalation items on its row.
    task_index = ("task_index", f"""INSERT INTO task_index (case_id, engine_task_id, element_id, title, lane, role, org_unit,
            form_key, created_at, due_at, claimed_by, claimed_at, deadline_element, extend_role,
            organisation_code, process_key, remind_at, reminded_at, escalation_of)
        SELECT r.case_id, {_task_id('t.engine_task_id', 'r.case_id')}, t.element_id, t.title, t.lane, t.role, t.org_unit,
               t.form_key, t.created_at + r.shift, t.due_at + r.shift, t.claimed_by, t.claimed_at + r.shift,
               t.deadline_element, t.extend_role, t.organisation_code, t.process_key, t.remind_at + r.shift,
               t.reminded_at + r.shift, t.escalation_of
        FROM scale_replicas r JOIN task_index t ON t.case_id = r.seed_id""", {})
    timer_index = ("timer_index", """INSERT INTO timer_index (case_id, due_at, element_id)
        SELECT r.case_id, t.due_at + r.shift, t.element_id FROM scale_replicas r JOIN timer_index t ON t.case_id = r.seed_id""", {})
    # Largest first: the pool takes them in this order.
    return [[cases], [case_records], [complaints, identity_search], [documents, case_units, task_index, timer_index]]


def _audit(part: int, jobs: int) -> tuple[str, str, dict]:
    first = _hash_sql("e", "r.case_id", "e.occurred_at + r.shift", _task_id("e.engine_task_id", "r.case_id"),
                      "NULL")
    link = _hash_sql("e", "c.case_id", "e.occurred_at + c.shift", _task_id("e.engine_task_id", "c.case_id"),
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


def _drop_indexes() -> list[tuple[str, str]]:
    """Drop the secondary indexes and unique constraints (not primary keys) of the bulk
    tables; returns the statements that rebuild them with their table (re-adding a
    unique constraint checks every row again)."""
    tables = {"tables": _BULK_TABLES}
    indexes = db.session.execute(text("""SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), t.relname
        FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = ANY(:tables) AND t.relnamespace = 'public'::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"""), tables).all()
    uniques = db.session.execute(text("""SELECT k.conrelid::regclass::text, k.conname, pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
        WHERE t.relname = ANY(:tables) AND t.relnamespace = 'public'::regnamespace AND k.contype = 'u'"""),
                                 tables).all()
    for name, _definition, _table in indexes:
        db.session.execute(text(f"DROP INDEX {name}"))
    for table, name, _definition in uniques:
        db.session.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {name}"))
    return ([(table, definition) for _name, definition, table in indexes]
            + [(table, f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}") for table, name, definition in uniques])


def _rebuild(definitions: list[tuple[str, str]]) -> list[list[Step]]:
    """The index builds, those of the largest tables first."""
    sizes = dict(db.session.execute(text("""SELECT relname, pg_relation_size(oid) FROM pg_class
        WHERE relname = ANY(:tables) AND relnamespace = 'public'::regnamespace"""), {"tables": _BULK_TABLES}).all())
    ordered = sorted(definitions, key=lambda pair: -sizes.get(pair[0], 0))
    return [[(_rebuild_label(definition), definition, {})] for _table, definition in ordered]


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
    db.session.commit()
    # One pool for every copy, longest first: the audit chains, the search text (its
    # generated tsvector is the stemmer's work), then the rows.
    in_parallel(jobs, [[_audit(part, jobs)] for part in range(jobs)] + [[_search_text(part, jobs)] for part in range(jobs)]
                + _copy_steps())
    in_parallel(jobs, _rebuild(definitions))
    _load_settings(db.session.connection())
    for table in ("cases", "complaints", "documents", "case_records", "task_index", "audit_events"):
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    db.session.execute(text("DROP TABLE scale_replicas, scale_seed_events, scale_templates"))
    db.session.commit()
    db.session.execute(text("RESET ALL"))
