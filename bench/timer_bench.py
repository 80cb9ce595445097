"""Benchmark: timer sweeps at scale, and how late timers fire. Prints, asserts nothing.

    .venv/bin/python bench/timer_bench.py [--waiting 100000] [--due 1000] [--lateness 200]

For SQLite and PostgreSQL:
  1. the sweep's read of due rows with `--waiting` cases waiting on a timer, `--due` of
     them due (indexed read of the timer index only);
  2. firing those due cases (real workflows: load, fire, save, commit each);
  3. lateness: `--lateness` timers due over the next ~10 s, fired by the embedded sweeper
     thread at its default 1 s interval; lateness = fired_at - due_at.
"""
import argparse
import random
import statistics
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


def _app(url: str):
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services.definitions.processes import deploy_directory
    from app.services.organisation.accounts import ensure_unit

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "DUMAS_TIMERS": "off"})
    with app.app_context():
        flask_migrate.upgrade()
        ensure_unit(code="Unit A", name="Unit A")
        deploy_directory(FIXTURES, deployed_by="bench")
        db.session.remove()
    return app


def _case_waiting_on_timer(due_at: datetime) -> int:
    from app.services.casework.cases import complete_task, start_case
    from app.services.casework.events import move_deadline

    case = start_case(process_key="uji_mini", data={}, title="bench", actor="bench")
    complete_task(task_id=case.tasks[0].engine_task_id, data={"pembagi": 2, "unit_tujuan": "Unit A"}, actor="bench")
    move_deadline(case_id=case.id, element_id="pengingat", due_at=due_at, reason="bench", actor="bench")
    return case.id


def _bulk_waiting(count: int) -> None:
    """Cases that wait on timers due in the future, written directly: the sweep must not
    read them, so their state is never loaded."""
    from app.extensions import db
    from app.models import Case, ProcessVersion, TimerIndexEntry

    version_id = db.session.scalar(db.select(ProcessVersion.id).limit(1))
    now = datetime.now(timezone.utc)
    first_id = (db.session.scalar(db.select(db.func.max(Case.id))) or 0) + 1
    state = zlib.compress(b"{}")
    for start in range(0, count, 10000):
        ids = range(first_id + start, first_id + min(count, start + 10000))
        db.session.execute(insert(Case), [
            {"id": i, "process_version_id": version_id, "status": "pemeriksaan", "title": "bulk",
             "workflow_state": state, "completed": False, "created_at": now, "updated_at": now, "lock_version": 1}
            for i in ids])
        db.session.execute(insert(TimerIndexEntry), [
            {"case_id": i, "due_at": now + timedelta(days=1 + i % 30), "element_id": "pengingat"} for i in ids])
    if db.engine.dialect.name == "postgresql":  # explicit ids do not move the sequence
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"))
    db.session.commit()


def run(label: str, url: str, args) -> None:
    from app.background import start_timer_thread
    from app.extensions import db
    from app.models import AuditEvent
    from app.services.casework.events import move_deadline
    from app.services.casework.timers import due_case_ids, fire_due_timers

    app = _app(url)
    with app.app_context():
        past = datetime.now(timezone.utc) - timedelta(seconds=1)
        for _ in range(args.due):
            _case_waiting_on_timer(past)
        _bulk_waiting(args.waiting - args.due)
        db.session.remove()

        reads = []
        for _ in range(20):
            started = time.perf_counter()
            ids = due_case_ids(limit=args.due * 2)
            reads.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        fired = fire_due_timers(limit=args.due * 2)
        firing = time.perf_counter() - started
        print(f"{label}: {args.waiting} waiting, {len(ids)} due")
        print(f"  read of due rows       median {statistics.median(reads):7.2f} ms")
        print(f"  firing the due cases   {firing:7.2f} s  ({fired} fired, {firing / max(fired, 1) * 1000:.2f} ms each)")

        # Cases first (their timers far off), then, with the sweeper running, each timer
        # moved to a moment a few seconds ahead: lateness is then the sweeper's alone.
        later = datetime.now(timezone.utc) + timedelta(days=1)
        dues = [_case_waiting_on_timer(later) for _ in range(args.lateness)]
        db.session.remove()
        stop = start_timer_thread(app, interval=1.0)
        for case_id in dues:
            move_deadline(case_id=case_id, element_id="pengingat", reason="bench", actor="bench",
                          due_at=datetime.now(timezone.utc) + timedelta(seconds=random.uniform(1, 6)))
        db.session.remove()
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            done = db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
                AuditEvent.action == "timer.fired", AuditEvent.case_id.in_(dues)))
            db.session.remove()
            if done == len(dues):
                break
            time.sleep(0.5)
        stop()
        late = sorted(
            (datetime.fromisoformat(e.data_after["fired_at"]) - datetime.fromisoformat(e.data_after["due_at"])).total_seconds()
            for e in db.session.scalars(db.select(AuditEvent).where(
                AuditEvent.action == "timer.fired", AuditEvent.case_id.in_(dues))))
        p99 = late[max(0, int(len(late) * 0.99) - 1)] if late else float("nan")
        print(f"  lateness ({len(late)}/{len(dues)} fired, 1 s sweep)  p50 {statistics.median(late):.2f} s"
              f"  p99 {p99:.2f} s  max {late[-1]:.2f} s")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--waiting", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--lateness", type=int, default=200)
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.sqlite", args)
    with throwaway_postgres(args.postgres_url) as url:
        run("PostgreSQL", url, args)


if __name__ == "__main__":
    main()
