"""Benchmark: sealing the audit chains and verifying against the seals. Prints, asserts nothing.

    .venv/bin/python bench/seal_bench.py [--cases 10000] [--events 20] [--changed 100]

For SQLite and PostgreSQL, with `--cases` cases of `--events` chained events each:
  1. the first seal (every chain): time and size;
  2. a seal after `--changed` chains gained an event (only those are pinned): time, size;
  3. a seal when nothing changed (none written): time — what a print or an idle beat costs;
  4. `audit verify` of everything against the seals (and the links alone, as before
     seals), and of one case.
"""
import argparse
import sys
import tempfile
import time
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert, text
from throwaway_db import throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "models"


def _app(url: str, log: Path):
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services.definitions.processes import deploy_directory
    from app.services.organisation.accounts import ensure_unit

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "DUMAS_TIMERS": "off",
                      "DUMAS_AUDIT_SEAL_KEY": "bench", "DUMAS_AUDIT_SEAL_LOG": str(log)})
    with app.app_context():
        flask_migrate.upgrade()
        ensure_unit(code="Unit A", name="Unit A")
        deploy_directory(FIXTURES, deployed_by="bench")
        db.session.remove()
    return app


def _bulk_cases(count: int, events: int) -> int:
    """Cases with valid hash chains, written directly (no workflow runs)."""
    from app.extensions import db
    from app.models import AuditEvent, Case, ProcessVersion
    from app.services.audit_trail.audit_chain import event_hash

    version_id = db.session.scalar(db.select(ProcessVersion.id).limit(1))
    start = datetime.now(timezone.utc) - timedelta(days=1)
    first_id = (db.session.scalar(db.select(db.func.max(Case.id))) or 0) + 1
    state = zlib.compress(b"{}")
    for batch in range(0, count, 2000):
        ids = range(first_id + batch, first_id + min(count, batch + 2000))
        db.session.execute(insert(Case), [
            {"id": i, "process_version_id": version_id, "status": "pemeriksaan", "title": "bulk",
             "workflow_state": state, "completed": False, "created_at": start, "updated_at": start,
             "lock_version": 1} for i in ids])
        rows = []
        for case_id in ids:
            prev_hash = None
            for seq in range(1, events + 1):
                fields = {"chain": f"case:{case_id}", "seq": seq, "prev_hash": prev_hash, "case_id": case_id,
                          "occurred_at": start + timedelta(seconds=seq), "actor": "bench", "action": "bench.step",
                          "engine_task_id": None, "element_id": "langkah", "lane": "Unit",
                          "data_before": None, "data_after": {"n": seq}, "detail": "langkah bench"}
                prev_hash = event_hash(fields)
                rows.append(fields | {"hash": prev_hash})
        db.session.execute(insert(AuditEvent), rows)
    if db.engine.dialect.name == "postgresql":  # explicit ids do not move the sequence
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"))
    db.session.commit()
    return first_id


def _timed(work):
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def run(label: str, url: str, args, log: Path) -> None:
    from app.extensions import db
    from app.models import Case
    from app.models.types import utcnow
    from app.services.audit_trail.audit import record_event
    from app.services.audit_trail.audit_chain import verify_chains
    from app.services.audit_trail.audit_seals import PERIODIC, seal_chains, verify_audit

    app = _app(url, log)
    with app.app_context():
        first_id = _bulk_cases(args.cases, args.events)
        db.session.remove()
        print(f"{label}: {args.cases} cases x {args.events} events")
        # Made "an hour ago", so the next seal continues from it (past the overlap).
        seal, took = _timed(lambda: seal_chains(reason=PERIODIC, now=utcnow() - timedelta(hours=1)))
        print(f"  first seal (all chains)       {took * 1000:8.1f} ms  {seal.chains} chains, "
              f"{len(seal.content) / 1024:.0f} KiB")
        for case_id in range(first_id, first_id + args.changed):
            record_event(case=db.session.get(Case, case_id), action="bench.more", actor="bench")
        db.session.commit()
        seal, took = _timed(lambda: seal_chains(reason=PERIODIC))
        print(f"  seal after {args.changed} changed chains  {took * 1000:8.1f} ms  {seal.chains} chains, "
              f"{len(seal.content) / 1024:.1f} KiB")
        nothing, took = _timed(lambda: seal_chains(reason=PERIODIC))
        print(f"  seal, nothing changed         {took * 1000:8.1f} ms  (written: {nothing is not None})")
        reports, took = _timed(lambda: verify_chains(everything=True))
        print(f"  links only (verify before)    {took * 1000:8.1f} ms  {len(reports)} chains")
        verdict, took = _timed(lambda: verify_audit(everything=True))
        print(f"  verify everything             {took * 1000:8.1f} ms  ok={verdict.ok}, {len(verdict.chains)} chains")
        verdict, took = _timed(lambda: verify_audit(case_id=first_id))
        print(f"  verify one case               {took * 1000:8.1f} ms  ok={verdict.ok}")
        print(f"  seal log                      {log.stat().st_size / 1024:8.0f} KiB")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.sqlite", args, Path(tmp) / "seals.jsonl")
    with throwaway_postgres(args.postgres_url) as url, tempfile.TemporaryDirectory() as tmp:
        run("PostgreSQL", url, args, Path(tmp) / "seals.jsonl")


if __name__ == "__main__":
    main()
