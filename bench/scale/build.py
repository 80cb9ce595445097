"""Build a PostgreSQL database of N cases for measuring at scale; prints timings and a
verification on a sample, asserts nothing.

    nice -n 10 .venv/bin/python -m bench.scale.build --cases 1000000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/dumas_scale_1m

1. The schema by the migrations, the shipped organisations, the demo units and accounts
   (password `dumas-demo`, app/services/administration/demo.py) and the models.
2. Seeds through the service layer (seed.py): `--seeds-per-sop` cases of each SOP filed,
   walked, claimed and their timers fired.
3. Replicas to N set-based in SQL (replicate.py), audit chains rehashed in the database.
4. VACUUM ANALYZE, then a check: foreign keys of every replicated table (anti-joins), the
   audit chains of a sample of cases walked by app/services/audit_trail/audit_chain.verify_chains, and
   Admin Inspektorat's inbox through the API.
"""
import argparse
import random
import sys
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# (table, column, referenced table): what the load wrote without row-by-row checks.
_FOREIGN_KEYS = [("complaints", "case_id", "cases"), ("documents", "case_id", "cases"),
                 ("case_records", "case_id", "cases"), ("case_units", "case_id", "cases"),
                 ("case_search", "case_id", "cases"), ("case_identity_search", "case_id", "cases"),
                 ("task_index", "case_id", "cases"), ("timer_index", "case_id", "cases"),
                 ("audit_events", "case_id", "cases")]


def create_database(url: str, *, replace: bool) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if exists and not replace:
            raise SystemExit(f"database {target.database} exists; pass --replace to drop and rebuild it")
        if exists:
            conn.execute(text(f'DROP DATABASE "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def make_app(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-scale", "DUMAS_TIMERS": "off",
                       "DUMAS_AUDIT_SEAL_LOG": "", "DUMAS_RATE_LIMITS": ""})


def _phase(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label:<36} {now - started:8.1f} s", flush=True)
    return now


def summary() -> None:
    from app.extensions import db

    print("  spread:", flush=True)
    rows = db.session.execute(text("""SELECT c.organisation_code, count(*) AS cases,
            count(*) FILTER (WHERE c.completed) AS closed,
            count(*) FILTER (WHERE p.confidentiality = 'rahasia') AS confidential,
            count(*) FILTER (WHERE p.confidentiality = 'anonim') AS anonymous
        FROM cases c LEFT JOIN complaints p ON p.case_id = c.id GROUP BY 1 ORDER BY 2 DESC""")).all()
    tasks = dict(db.session.execute(text("""SELECT c.organisation_code, count(*) FROM task_index t
        JOIN cases c ON c.id = t.case_id GROUP BY 1""")).all())
    overdue = dict(db.session.execute(text("""SELECT c.organisation_code, count(*) FROM task_index t
        JOIN cases c ON c.id = t.case_id WHERE t.due_at < now() GROUP BY 1""")).all())
    print(f"    {'organisation':<12} {'cases':>9} {'closed':>9} {'open tasks':>11} {'overdue':>9} "
          f"{'rahasia':>8} {'anonim':>8}")
    for org, cases, closed, confidential, anonymous in rows:
        print(f"    {org:<12} {cases:>9,} {closed:>9,} {tasks.get(org, 0):>11,} {overdue.get(org, 0):>9,} "
              f"{confidential:>8,} {anonymous:>8,}")
    steps = db.session.execute(text("""SELECT element_id, count(*), count(claimed_by), count(*) FILTER (WHERE due_at < now())
        FROM task_index GROUP BY 1 ORDER BY 2 DESC LIMIT 12""")).all()
    print("    open tasks by step (claimed, overdue): " + "; ".join(f"{e} {n:,} ({c:,}, {o:,})" for e, n, c, o in steps))
    print(f"    timers waiting: {db.session.scalar(text('SELECT count(*) FROM timer_index')):,}, "
          f"audit events: {db.session.scalar(text('SELECT count(*) FROM audit_events')):,}", flush=True)


def verify(sample: int, rng: random.Random) -> bool:
    """Foreign keys (all rows), audit chains (a sample), the inbox (through the API)."""
    from app.extensions import db
    from app.services.administration.demo import DEMO_PASSWORD
    from app.services.audit_trail.audit_chain import verify_chains

    good = True
    for table, column, referenced in _FOREIGN_KEYS:
        orphans = db.session.scalar(text(f"""SELECT count(*) FROM {table} x WHERE x.{column} IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM {referenced} r WHERE r.id = x.{column})"""))
        good &= orphans == 0
        if orphans:
            print(f"    {table}.{column}: {orphans} rows without their {referenced} row")
    print(f"    foreign keys of {len(_FOREIGN_KEYS)} tables: {'ok' if good else 'BROKEN'}", flush=True)
    top = db.session.scalar(text("SELECT max(id) FROM cases"))
    ids = sorted({rng.randint(1, top) for _ in range(sample)} | {top, 1})
    started = time.perf_counter()
    bad = [r for case_id in ids for r in verify_chains(case_id=case_id) if not r.ok or r.events == 0]
    print(f"    audit chains of {len(ids)} cases (ids {ids[0]}…{ids[-1]}): "
          f"{'all verify' if not bad else f'{len(bad)} BROKEN: ' + str([(r.chain, r.problem) for r in bad][:5])}"
          f" ({time.perf_counter() - started:.1f} s)", flush=True)
    good &= not bad
    db.session.rollback()
    client = current_app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "admin", "password": DEMO_PASSWORD}).get_json()
    answer = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token.get('token') or token.get('access_token')}"})
    body = answer.get_json() or {}
    rows = body.get("items") or body.get("tasks") or body.get("data") or []
    expected = db.session.scalar(text("""SELECT count(*) FROM task_index t JOIN cases c ON c.id = t.case_id
        WHERE c.organisation_code = 'bsn' AND t.role = 'Admin Inspektorat'"""))
    print(f"    inbox API as admin: HTTP {answer.status_code}, {len(rows)} rows on the first page, "
          f"total {body.get('total', body.get('count', '?'))}; Admin Inspektorat tasks of bsn in the index: {expected:,}",
          flush=True)
    good &= answer.status_code == 200 and (len(rows) > 0) == (expected > 0)
    return good


def build(url: str, *, cases: int, seeds_per_sop: int, seed: int, replace: bool, sample: int,
          jobs: int = 2) -> None:
    import flask_migrate

    from app.extensions import db
    from app.models import Case
    from bench.scale.replicate import in_parallel, replicate
    from bench.scale.seed import make_seeds

    rng = random.Random(seed)
    print(f"building {cases:,} cases in {make_url(url).database}", flush=True)
    total = started = time.perf_counter()
    create_database(url, replace=replace)
    app = make_app(url)
    with app.app_context():
        from app.services.administration.demo import seed_demo

        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        seed_demo(ROOT)
        db.session.commit()
        started = _phase("schema, organisations, accounts", started)
        make_seeds(per_sop=seeds_per_sop, rng=rng)
        seed_ids = list(db.session.scalars(db.select(Case.id).order_by(Case.id)))
        started = _phase(f"{len(seed_ids)} seeds through the services", started)
        replicate(seed_ids, total=cases, jobs=jobs)
        started = _phase("replicas (set-based SQL)", started)
        # Per table on `jobs` connections, the largest first; the small ones in one go.
        tables = db.session.execute(text("""SELECT relname, pg_relation_size(oid) > 64 * 1024 * 1024 FROM pg_class
            WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY pg_relation_size(oid) DESC""")).all()
        db.session.remove()
        large, small = [t for t, big in tables if big], ", ".join(t for t, big in tables if not big)
        in_parallel(jobs, [[(f"vacuum analyze {t}", f"VACUUM ANALYZE {t}", {})] for t in large]
                    + [[("vacuum analyze, the other tables", f"VACUUM ANALYZE {small}", {})]], autocommit=True)
        started = _phase("VACUUM ANALYZE", started)
        print(f"built {cases:,} cases in {time.perf_counter() - total:.1f} s "
              f"({(time.perf_counter() - total) / 60:.1f} min)", flush=True)
        summary()
        print("  verification:", flush=True)
        ok = verify(sample, rng)
        print(f"  verification {'passed' if ok else 'FAILED'}", flush=True)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--database-url", required=True,
                        help="postgresql+psycopg://postgres@127.0.0.1:5432/<new database>")
    parser.add_argument("--seeds-per-sop", type=int, default=40)
    parser.add_argument("--seed", type=int, default=15, help="random seed of the walks")
    parser.add_argument("--replace", action="store_true", help="drop the database first if it exists")
    parser.add_argument("--sample", type=int, default=50, help="cases whose audit chain is verified")
    parser.add_argument("--jobs", type=int, default=2, help="database connections for the heavy statements")
    args = parser.parse_args()
    build(args.database_url, cases=args.cases, seeds_per_sop=args.seeds_per_sop, seed=args.seed,
          replace=args.replace, sample=args.sample, jobs=args.jobs)


if __name__ == "__main__":
    main()
