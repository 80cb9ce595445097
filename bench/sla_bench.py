"""Benchmark: the SLA dashboard and the semester report at scale. Prints, asserts nothing.

    .venv/bin/python bench/sla_bench.py --db both --cases 10000 --old
    .venv/bin/python bench/sla_bench.py --db postgresql --cases 100000

Builds a fresh database (the register benchmark's set-based cases: complaints, one open
task each, a tenth routed to a unit; deadlines spread from 20 days ago to 20 ahead), adds five
audit events a case set-based (started, a task created and completed, a routing
decision, a deadline met or missed), then times over `--runs` runs, with the peak RSS
each one reached (the process's high-water mark, reset before it):
  - `/dasbor-sla`'s figures for the head of BSN's inspectorate, a unit head, and the
    system administrator (every organisation);
  - the semester report's figures (`collect_report`) for BSN, and its CSV and XLSX
    (`--pdf` adds the PDF, which lists every open task at risk or overdue);
with `--old`, the same figures computed the old way (case by case in Python, the oracle
in tests/helpers/aggregates_oracle.py) for comparison: slow beyond ~20 000 cases.
PostgreSQL databases are throwaway ones (bench/throwaway_db.py).
"""
import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import contextlib

from bench.register_bench import _app, _pick, _series, build  # noqa: E402
from bench.throwaway_db import throwaway_postgres  # noqa: E402

ROUTES = ["pengawasan", "unit_kerja", "jawab_admin", "apip", "penghubung"]


def _reset_peak() -> None:
    """Linux: writing 5 to clear_refs resets VmHWM, so each figure is its own peak."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def add_audit_trail(n: int) -> None:
    """Five events a case, on chains of their own (seq 1-5), set-based."""
    from app.extensions import db

    dialect = db.engine.dialect.name
    series = _series(dialect, n)
    params = {"routes": json.dumps(ROUTES)}
    if dialect == "postgresql":
        created = "(c.created_at + interval '1 hour' * {k})"
        done = "(c.created_at + interval '1 hour' * (2 + g % 50))"
        as_json = "CAST({} AS json)"
    else:
        created = "strftime('%Y-%m-%d %H:%M:%f', c.created_at, '+' || {k} || ' hours')"
        done = "strftime('%Y-%m-%d %H:%M:%f', c.created_at, '+' || (2 + g % 50) || ' hours')"
        as_json = "{}"
    route = _pick(dialect, "routes", "g % 5")
    rows = [
        (1, "'case.started'", "NULL", "NULL", as_json.format("'{\"jenis\": \"pengaduan\"}'"), created.format(k=0)),
        (2, "'task.created'", "'done-' || CAST(g AS text)", "'tugas_telaah'", "NULL", created.format(k=1)),
        (3, "'task.completed'", "'done-' || CAST(g AS text)", "'tugas_telaah'", "NULL", done),
        (4, "'decision.evaluated'", "NULL", "'keputusan_rute'",
         as_json.format("'{\"rute\": \"' || " + route + " || '\"}'"), done),
        (5, "CASE WHEN g % 3 = 0 THEN 'deadline.missed' ELSE 'deadline.met' END", "NULL", "'tugas_telaah'", "NULL",
         done),
    ]
    started = time.perf_counter()
    for seq, action, task_id, element, data, at in rows:
        db.session.execute(text(f"""
            INSERT INTO audit_events (case_id, occurred_at, actor, action, engine_task_id, element_id, lane,
                                      data_after, detail, chain, seq, prev_hash, hash)
            SELECT g, {at}, 'bench', {action}, {task_id}, {element}, 'Kepala Inspektorat', {data}, 'Telaah',
                   'case-' || CAST(g AS text), {seq}, NULL, 'x'
            FROM {series} JOIN cases c ON c.id = g"""), params)
    # Deadlines spread from 20 days ago to 20 days ahead, one task in 13 with none, so the
    # dashboard and the report have overdue and at-risk tasks to count and list.
    spread = ("CURRENT_TIMESTAMP + interval '1 day' * (id % 41 - 20) + interval '1 hour' * (id % 24)"
              if dialect == "postgresql" else
              "strftime('%Y-%m-%d %H:%M:%f', 'now', (id % 41 - 20) || ' days', (id % 24) || ' hours')")
    db.session.execute(text(f"UPDATE task_index SET due_at = CASE WHEN id % 13 = 0 THEN NULL ELSE {spread} END"))
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    print(f"  audit_events           {time.perf_counter() - started:7.1f} s ({5 * n} events)", flush=True)


def _users() -> dict:
    from app.extensions import db
    from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE, create_user, ensure_system_roles

    ensure_system_roles()
    users = {
        "head of BSN inspectorate": create_user(username="bench.kepala", password="bench-password",
                                                roles=["Kepala Inspektorat"], organisation_code="bsn"),
        "unit head (bsn-dpspk)": create_user(username="bench.unit", password="bench-password",
                                             roles=["Unit Eselon II"], organisation_code="bsn",
                                             unit_code="bsn-dpspk"),
        "system administrator": create_user(username="bench.sysadmin", password="bench-password",
                                            roles=[SYSTEM_ADMIN_ROLE]),
    }
    db.session.commit()
    return users


def _time(label: str, work, runs: int) -> None:
    from app.extensions import db

    times, peak = [], 0.0
    for _ in range(runs):
        db.session.expire_all()
        _reset_peak()
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000)
        peak = max(peak, _peak_mb())
        db.session.rollback()
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"  {label:<58} p50 {statistics.median(times):9.1f} ms  p95 {p95:9.1f} ms  peak RSS {peak:6.0f} MB"
          f"  {result}", flush=True)


def run(label: str, url: str, cases: int, runs: int, old: bool, pdf: bool) -> None:
    from app.extensions import db
    from app.services.reporting.report_data import collect_report
    from app.services.reporting.report_files import report_csv, report_pdf, report_xlsx
    from app.services.reporting.sla import dashboard

    print(f"{label}: building {cases} cases", flush=True)
    app = _app(url)
    with app.app_context(), app.test_request_context():
        started = time.perf_counter()
        build(cases)
        add_audit_trail(cases)
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
        users = _users()
        now = datetime.now(timezone.utc)
        year, semester = now.year, 1 if now.month <= 6 else 2
        for name, user in users.items():
            def figures(user=user):
                board = dashboard(user=user, now=now)
                return f"open {board.open_cases}, at risk {board.at_risk_cases}, overdue {board.overdue_cases}"
            _time(f"dashboard, {name}", figures, runs)
        report = lambda: collect_report(organisation_code="bsn", year=year, semester=semester, now=now)  # noqa: E731

        def figures():
            data = report()
            return f"{data.total} cases, {len(data.overdue)} overdue tasks, {data.deadlines_met} met"
        _time("report figures (collect_report), BSN", figures, runs)

        def files():
            data = report()
            sizes = [len(report_csv(data)), len(report_xlsx(data))] + ([len(report_pdf(data))] if pdf else [])
            return f"files {'/'.join(str(s // 1024) for s in sizes)} KB"
        _time(f"report figures and files (CSV, XLSX{', PDF' if pdf else ''}), BSN", files, max(1, runs // 5))
        if old:
            from tests.helpers.aggregates_oracle import old_dashboard, old_report

            for name, user in users.items():
                def old_figures(user=user):
                    return "open {}, at risk {}, overdue {}".format(
                        *old_dashboard(user=user, now=now, at_risk_days=3)["cases"])
                _time(f"OLD dashboard, {name}", old_figures, max(1, runs // 5))

            def old_report_figures():
                data = old_report(organisation_code="bsn", year=year, semester=semester, now=now, at_risk_days=3)
                return f"{data['total']} cases, {len(data['overdue'])} overdue tasks, {data['deadlines_met']} met"
            _time("OLD report figures, BSN", old_report_figures, max(1, runs // 5))
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--old", action="store_true", help="also time the old case-by-case computation")
    parser.add_argument("--pdf", action="store_true", help="also render the report's PDF")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            run("SQLite", f"sqlite:///{tmp}/bench.sqlite", args.cases, args.runs, args.old, args.pdf)
    if args.db in ("postgresql", "both"):
        with throwaway_postgres(args.postgres_url) as url:
            run("PostgreSQL", url, args.cases, args.runs, args.old, args.pdf)


if __name__ == "__main__":
    main()
