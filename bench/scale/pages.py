"""The pages measured at scale, by URL (so they measure whatever code is checked out),
and who asks for them. Shared by the HTTP load script and the EXPLAIN capture."""
from dataclasses import dataclass

from sqlalchemy import create_engine, text

from bench.scale.seed import ACCESS_CODE

PASSWORD = "dumas-demo"  # the demo accounts' (app/services/administration/demo.py)


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    user: str | None  # a demo account; None: public
    api: bool = False  # bearer token instead of a session
    headers: tuple = ()


def targets(database_url: str) -> dict:
    """A case for the case page (the newest of BSN with a ready task, so Admin Inspektorat
    may open it) and a tracking number for the public lookup (the newest complaint: every
    complaint the builder made opens with ACCESS_CODE)."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        case_id = conn.scalar(text("""SELECT max(c.id) FROM cases c WHERE c.organisation_code = 'bsn'
            AND EXISTS (SELECT 1 FROM task_index t WHERE t.case_id = c.id AND t.role = 'Admin Inspektorat')"""))
        tracking = conn.scalar(text("""SELECT c.tracking_number FROM cases c JOIN complaints p ON p.case_id = c.id
            ORDER BY c.id DESC LIMIT 1"""))
        cases = conn.scalar(text("SELECT count(*) FROM cases"))
        tasks = conn.scalar(text("SELECT count(*) FROM task_index"))
    engine.dispose()
    return {"case_id": case_id, "tracking": tracking, "cases": cases, "tasks": tasks}


def pages(found: dict) -> list[Page]:
    return [
        Page("inbox API, Admin Inspektorat", "/api/v1/tasks", "admin", api=True),
        Page("inbox page, Admin Inspektorat", "/tugas", "admin"),
        Page("inbox page, Inspektur Katingan", "/tugas", "katingan.inspektur"),
        Page("SLA dashboard, Kepala", "/dasbor-sla", "kepala"),
        Page("SLA dashboard, unit head (unit.dpspk)", "/dasbor-sla", "unit.dpspk"),
        Page("public tracking lookup (API)", f"/api/v1/complaints/{found['tracking']}", None, api=True,
             headers=(("X-Access-Code", ACCESS_CODE),)),
        Page("case page, Admin Inspektorat", f"/kasus/{found['case_id']}", "admin"),
        Page("register /kasus, Admin Inspektorat", "/kasus", "admin"),
        Page("register, full text 'pungutan'", "/kasus?q=pungutan", "admin"),
        Page("register, sorted by due", "/kasus?sort=due", "admin"),
    ]


# Pages after which the workers' memory is read.
DASHBOARDS = {"SLA dashboard, Kepala", "SLA dashboard, unit head (unit.dpspk)"}


def cancel_queries(database_url: str) -> None:
    """Cancel what other connections still run in this database: a page given up on
    goes on in its backend (PostgreSQL does not notice a vanished client until it
    sends), and would slow the pages measured after it. Only for a bench database."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        conn.execute(text("""SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database()
            AND state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'"""))
    engine.dispose()
