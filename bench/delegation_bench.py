"""Benchmark: what the Plt. check costs every signed-in request. Prints, asserts nothing.

    .venv/bin/python bench/delegation_bench.py [--users 2000] [--delegations 20000]

For SQLite and PostgreSQL, with `--delegations` rows (all but 10 of them ended, as after
years of use) among `--users` accounts:
  1. `apply_due_delegations()` when no edge is due (run before every signed-in request);
  2. `active_delegations(user)` for a user who is Plt. for one colleague (each access,
     inbox and identity check asks it).
"""
import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, insert, make_url, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(work, rounds: int = 300) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)]


def run(label: str, url: str, args) -> None:
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.models import Delegation, User
    from app.services.organisation.delegations import active_delegations, apply_due_delegations

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "DUMAS_TIMERS": "off"})
    with app.app_context():
        flask_migrate.upgrade()
        now = datetime.now(timezone.utc)
        db.session.execute(insert(User), [{"id": i, "username": f"u{i}", "full_name": "", "password_hash": "x",
                                           "active": True, "session_generation": 0, "created_at": now}
                                          for i in range(1, args.users + 1)])
        rows = []
        for i in range(args.delegations):
            live = i < 10
            start = now - timedelta(days=1 if live else 30 + i % 700)
            rows.append({"from_user_id": 1 + (2 * i) % args.users, "to_user_id": 2 + (2 * i) % args.users,
                         "starts_at": start, "ends_at": start + timedelta(days=7 if live else 5),
                         "reason": "cuti", "note": "", "created_by": "bench", "created_at": start,
                         "started_at": start, "ended_at": None if live else start + timedelta(days=5),
                         "moved_task_ids": []})
        db.session.execute(insert(Delegation), rows)
        db.session.commit()
        acting = db.session.get(User, 2)

        def sweep():
            apply_due_delegations()
            db.session.rollback()

        median, p95 = _timed(sweep)
        print(f"{label}: apply_due_delegations, nothing due, {args.delegations} rows: "
              f"median {median:.2f} ms, p95 {p95:.2f} ms")
        assert len(active_delegations(acting)) == 1
        median, p95 = _timed(lambda: active_delegations(acting))
        print(f"{label}: active_delegations(a Plt.): median {median:.2f} ms, p95 {p95:.2f} ms")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--delegations", type=int, default=20_000)
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.sqlite", args)
    admin = create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
    name = f"dumas_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        run("PostgreSQL", make_url(args.postgres_url).set(database=name).render_as_string(hide_password=False), args)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
