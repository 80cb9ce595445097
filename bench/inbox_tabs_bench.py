"""Benchmark: the inbox's tab counts and first pages with many waiting tasks. Prints,
asserts nothing.

    .venv/bin/python bench/inbox_tabs_bench.py [--tasks 100000] [--runs 30]

For SQLite and PostgreSQL: `--tasks` ready tasks of one organisation in one lane (1 in
100 held by the measured user), written directly into the task index. Times (p50/p95,
ms) of: the four tab counts together (each capped at 1,001 rows), the first page of each
tab, a second and a 22nd page by cursor, and for comparison one unbounded COUNT(*) of the
same lane; then the inbox page and the API's first page through Flask's test client, with
the number of SQL statements each sends. 1 task in 50 has no deadline (listed last).
"""
import argparse
import statistics
import sys
import tempfile
import time
import uuid
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import event, insert, text
from throwaway_db import throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "models"
LANE = "Admin Uji"


def _app(url: str):
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services.definitions.processes import deploy_directory
    from app.services.organisation.accounts import create_user, ensure_unit
    from app.services.organisation.organisations import ensure_organisation
    from app.services.organisation.supervision import set_head_roles

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "DUMAS_TIMERS": "off",
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        flask_migrate.upgrade()
        ensure_unit(code="Unit A", name="Unit A")
        deploy_directory(FIXTURES, deployed_by="bench")
        ensure_organisation(code="bench", name="Instansi Uji", process_key="uji_mini")
        db.session.commit()
        set_head_roles(organisation_code="bench", roles=[LANE])
        create_user(username="petugas", password="bench-password", roles=[LANE], organisation_code="bench")
        db.session.remove()
    return app


def _bulk_tasks(count: int) -> None:
    from app.extensions import db
    from app.models import Case, ProcessVersion, TaskIndexEntry

    version_id = db.session.scalar(db.select(ProcessVersion.id).limit(1))
    now = datetime.now(timezone.utc)
    state = zlib.compress(b"{}")
    for start in range(0, count, 10000):
        ids = range(1 + start, 1 + min(count, start + 10000))
        db.session.execute(insert(Case), [
            {"id": i, "process_version_id": version_id, "status": "pemeriksaan", "title": "bulk",
             "organisation_code": "bench", "workflow_state": state, "completed": False, "created_at": now,
             "updated_at": now, "lock_version": 1} for i in ids])
        db.session.execute(insert(TaskIndexEntry), [
            {"case_id": i, "organisation_code": "bench", "process_key": "uji_mini",
             "engine_task_id": str(uuid.UUID(int=i)), "element_id": "tugas", "title": "Tugas uji",
             "lane": LANE, "role": LANE, "created_at": now,
             "due_at": None if i % 50 == 25 else now + timedelta(hours=i % 500),
             "claimed_by": "petugas" if i % 100 == 0 else None, "claimed_at": now if i % 100 == 0 else None}
            for i in ids])
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"))
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _times(fn, runs: int) -> str:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return f"p50 {statistics.median(samples):7.1f} ms  p95 {p95:7.1f} ms"


def run(label: str, url: str, args) -> None:
    from app.extensions import db
    from app.models import TaskIndexEntry, User
    from app.services.worklist.inbox import TABS, inbox, tab_counts

    app = _app(url)
    with app.app_context():
        started = time.perf_counter()
        _bulk_tasks(args.tasks)
        print(f"{label}: {args.tasks:,} tasks written in {time.perf_counter() - started:.1f} s")
        user = db.session.scalars(db.select(User).where(User.username == "petugas")).one()
        print(f"  counts of all tabs {tab_counts(user=user)}: {_times(lambda: tab_counts(user=user), args.runs)}")
        for tab in TABS:
            print(f"  first page, tab {tab:6}: {_times(lambda t=tab: inbox(user=user, tab=t), args.runs)}")
        cursor = inbox(user=user, tab="semua").next_cursor
        print(f"  second page (cursor), semua: {_times(lambda: inbox(user=user, tab='semua', cursor=cursor), args.runs)}")
        late = inbox(user=user, tab="semua")
        for _ in range(20):  # 20 pages on: still one index range per page
            late = inbox(user=user, tab="semua", cursor=late.next_cursor)
        print(f"  21st page (cursor), semua: "
              f"{_times(lambda: inbox(user=user, tab='semua', cursor=late.next_cursor), args.runs)}")
        unbounded = db.select(db.func.count()).select_from(TaskIndexEntry).where(TaskIndexEntry.role == LANE)
        print(f"  unbounded COUNT(*) for comparison: {_times(lambda: db.session.scalar(unbounded), args.runs)}")
        engine = db.engine
        db.session.remove()
    _http(app, engine, args)
    engine.dispose()


def _http(app, engine, args) -> None:
    """The pages as a browser and an API client get them (Flask's test client: no network),
    with the SQL statements each request sends."""
    client = app.test_client()
    client.post("/masuk", data={"username": "petugas", "password": "bench-password"})
    token = client.post("/api/v1/auth/token", json={"username": "petugas", "password": "bench-password"}).get_json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    sent = []
    count = lambda *_a: sent.append(1)  # noqa: E731
    for label, request in (("GET /tugas", lambda: client.get("/tugas")),
                           ("GET /api/v1/tasks", lambda: client.get("/api/v1/tasks", headers=headers))):
        assert request().status_code == 200
        event.listen(engine, "before_cursor_execute", count)
        request()
        event.remove(engine, "before_cursor_execute", count)
        print(f"  {label:<18} {len(sent):3} statements: {_times(request, args.runs)}")
        sent.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.sqlite", args)
    with throwaway_postgres(args.postgres_url) as url:
        run("PostgreSQL", url, args)


if __name__ == "__main__":
    main()
