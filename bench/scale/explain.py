"""The SQL each page issues, and EXPLAIN (ANALYZE, BUFFERS) of its slowest statements.

Runs the pages in-process (the app's test client against the same database), records
every statement with its parameters and time through SQLAlchemy's cursor events, then
explains the `top` slowest SELECTs of each page on a connection of its own. A page that
runs past `timeout` is left running in a background thread; what it issued until then is
explained. Written to one text file."""
import threading
import time
from pathlib import Path

from sqlalchemy import event

from bench.scale.pages import PASSWORD, Page, cancel_queries


class _Recorder:
    def __init__(self):
        self.statements: list[tuple[float, str, object]] = []
        self.active = False
        self._started = threading.local()

    def before(self, _conn, _cursor, statement, parameters, _context, _many):
        self._started.at = time.perf_counter()

    def after(self, _conn, _cursor, statement, parameters, _context, _many):
        if self.active:
            self.statements.append(((time.perf_counter() - self._started.at) * 1000, statement, parameters))


# Tables that grow with the caseload: their statements come first.
_GROWING = ("task_index", "cases", "audit_events", "complaints", "case_search", "case_identity_search",
            "case_records", "case_units", "timer_index", "documents")


def _growing(statement: str) -> bool:
    words = set(statement.replace(",", " ").replace("(", " ").replace(")", " ").split())
    return bool(words & set(_GROWING))


def _worth_explaining(statements: list, top: int) -> list:
    """The slowest run of each distinct SELECT, those on growing tables first, then by time."""
    slowest: dict[str, tuple] = {}
    for ms, statement, parameters in statements:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and ms > slowest.get(statement, (-1,))[0]:
            slowest[statement] = (ms, statement, parameters)
    return sorted(slowest.values(), key=lambda s: (not _growing(s[1]), -s[0]))[:top]


def _explain(engine, statement: str, parameters) -> str:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        return "\n".join(row[0] for row in cursor.fetchall())
    except Exception as exc:  # a statement that cannot be explained is reported, not fatal
        return f"(not explained: {exc})"
    finally:
        raw.rollback()
        raw.close()


def _clients(app, page: Page, cache: dict):
    key = (page.user, page.api)
    if key not in cache:
        client, headers = app.test_client(), {}
        if page.user and page.api:
            token = client.post("/api/v1/auth/token", json={"username": page.user, "password": PASSWORD}).get_json()
            headers = {"Authorization": f"Bearer {token['token']}"}
        elif page.user:
            client.post("/masuk", data={"username": page.user, "password": PASSWORD})
        cache[key] = (client, headers)
    return cache[key]


def _grouped(statements: list) -> dict[str, tuple[int, float]]:
    """Each distinct statement text, in first-issued order: how often, total ms."""
    grouped: dict[str, tuple[int, float]] = {}
    for ms, statement, _parameters in statements:
        n, total = grouped.get(statement, (0, 0.0))
        grouped[statement] = (n + 1, total + ms)
    return grouped


def _run(client, path: str, headers: dict, recorder: _Recorder, timeout: float) -> tuple[float, dict]:
    """One request with its statements recorded; gives up waiting after `timeout`."""
    recorder.statements, recorder.active, outcome = [], True, {}
    worker = threading.Thread(target=lambda: outcome.setdefault("answer", client.get(path, headers=headers)),
                              daemon=True)
    started = time.perf_counter()
    worker.start()
    worker.join(timeout)
    recorder.active = False
    return time.perf_counter() - started, outcome


def explain_pages(database_url: str, pages: list[Page], path: Path, *, timeout: float, top: int = 5) -> None:
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-scale-explain",
                      "DUMAS_TIMERS": "off", "WTF_CSRF_ENABLED": False, "DUMAS_AUDIT_SEAL_LOG": "",
                      "DUMAS_RATE_LIMITS": "track=1000000/60,track.device=1000000/60"})
    recorder, cache = _Recorder(), {}
    out = [f"EXPLAIN (ANALYZE, BUFFERS) of each page's slowest statements, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
           f"database: {database_url}", ""]
    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", recorder.before)
        event.listen(engine, "after_cursor_execute", recorder.after)
        for page in pages:
            client, headers = _clients(app, page, cache)
            headers = {**headers, **dict(page.headers)}
            elapsed, outcome = _run(client, page.path, headers, recorder, timeout)
            if "answer" in outcome and elapsed < 10:  # quick enough to measure warm: again
                elapsed, outcome = _run(client, page.path, headers, recorder, timeout)
            statements = list(recorder.statements)
            if "answer" not in outcome:  # stop what it still runs, so the next pages are measured alone
                cancel_queries(database_url)
            status = outcome["answer"].status_code if "answer" in outcome else f"no answer in {timeout:.0f} s"
            total_sql = sum(ms for ms, _s, _p in statements)
            out += ["=" * 100, f"{page.label}: GET {page.path} as {page.user or 'the public'} -> {status}, "
                    f"{elapsed * 1000:.0f} ms, {len(statements)} statements, {total_sql:.0f} ms in SQL", "=" * 100]
            out += [f"  {n:>6} x {ms:9.1f} ms  {' '.join(statement.split())[:150]}" for statement, (n, ms) in
                    _grouped(statements).items()]
            slowest = _worth_explaining(statements, top)
            for ms, statement, parameters in slowest:
                out += ["", f"--- {ms:.1f} ms in the page:", statement, f"--- parameters: {parameters}",
                        _explain(engine, statement, parameters)]
            out.append("")
            print(f"  explained {page.label}: {len(statements)} statements, slowest {len(slowest)}", flush=True)
        event.remove(engine, "before_cursor_execute", recorder.before)
        event.remove(engine, "after_cursor_execute", recorder.after)
    path.write_text("\n".join(out) + "\n")
    print(f"EXPLAIN written to {path}", flush=True)
