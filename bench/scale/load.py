"""Measure pages from outside over HTTP against a database built by bench.scale.build;
prints p50/p95 per page and the workers' memory, asserts nothing.

    .venv/bin/python -m bench.scale.load \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/dumas_scale_1m

First brings the database to the checked-out code's schema (`flask db upgrade`: other
work adds migrations), then starts the production shape, `gunicorn -w 2 --threads 4
app.wsgi:app`, on a free local port (Redis for the counters, timers off so no sweeper
fires the replicas' past timers while measuring), signs the demo accounts in, and per
page: `--warmup` requests, then up to `--requests` timed ones, one at a time, each with a
`--timeout`; a page stops early once it has spent `--budget` seconds. A request that
does not answer in time is reported as such and the server is restarted, so a runaway
request does not slow the next page. After the dashboards the RSS of each worker is
read from /proc. `--explain FILE` also writes the SQL each page issues and EXPLAIN
(ANALYZE, BUFFERS) of its slowest statements (bench/scale/explain.py).
"""
import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.scale.pages import DASHBOARDS, PASSWORD, Page, cancel_queries, pages, targets  # noqa: E402

BIN = Path(sys.executable).parent


def _env(database_url: str, redis_url: str) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "FLASK_APP": "app",
            "SECRET_KEY": "bench-scale-load", "DUMAS_AUDIT_SEAL_KEY": "bench-scale-load", "DUMAS_TIMERS": "off",
            "DUMAS_AUDIT_SEAL_LOG": "", "DUMAS_RATE_LIMITS": "track=1000000/60,track.device=1000000/60",
            "PYTHONPATH": str(ROOT)}


def upgrade(database_url: str, redis_url: str) -> None:
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=_env(database_url, redis_url),
                          capture_output=True, text=True)
    steps = [line.split("Running upgrade ")[-1] for line in done.stderr.splitlines() if "Running upgrade" in line]
    if done.returncode:
        raise SystemExit(f"flask db upgrade failed:\n{done.stderr[-2000:]}")
    print(f"flask db upgrade: {len(steps)} migrations applied ({time.perf_counter() - started:.1f} s)"
          + "".join(f"\n  {s}" for s in steps), flush=True)


class Server:
    """gunicorn, as docker-compose.yml runs it but with 2 workers (2 cores here)."""

    def __init__(self, database_url: str, redis_url: str, workers: int, threads: int):
        self.args = (database_url, redis_url, workers, threads)
        self.process = None
        self.base = ""

    def start(self) -> None:
        database_url, redis_url, workers, threads = self.args
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        # The server keeps its own copy of the log's descriptor; ours is closed at once.
        with open("/tmp/bench-scale-gunicorn.log", "a") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads",
                 str(threads), "app.wsgi:app"], cwd=ROOT, env=_env(database_url, redis_url),
                stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
        for _ in range(600):
            try:
                if requests.get(self.base + "/health", timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise SystemExit("gunicorn did not answer /health in 60 s (see /tmp/bench-scale-gunicorn.log)")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def worker_rss_mb(self) -> list[float]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        sizes = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return sorted(sizes)


def sign_in(base: str, username: str, timeout: float) -> requests.Session:
    session = requests.Session()
    form = session.get(base + "/masuk", timeout=timeout).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', form)
    answer = session.post(base + "/masuk", data={"csrf_token": token.group(1), "username": username,
                                                 "password": PASSWORD}, timeout=timeout, allow_redirects=False)
    if answer.status_code not in (302, 303):
        raise SystemExit(f"signing in as {username} failed: HTTP {answer.status_code}")
    return session


def api_token(base: str, username: str, timeout: float) -> str:
    answer = requests.post(base + "/api/v1/auth/token", json={"username": username, "password": PASSWORD},
                           timeout=timeout)
    return answer.json()["token"]


def _client(server: Server, page: Page, timeout: float, cache: dict) -> tuple[requests.Session, dict]:
    key = (page.user, page.api)
    if key not in cache:
        if page.user is None:
            cache[key] = (requests.Session(), {})
        elif page.api:
            cache[key] = (requests.Session(), {"Authorization": f"Bearer {api_token(server.base, page.user, timeout)}"})
        else:
            cache[key] = (sign_in(server.base, page.user, timeout), {})
    return cache[key]


def measure(server: Server, page: Page, *, warmup: int, runs: int, timeout: float, budget: float,
            cache: dict) -> dict:
    """Warm-up requests, then timed ones until `runs` or `budget` seconds; a page slower
    than a tenth of the budget gets one warm-up only, so a 100 s page costs minutes,
    not an hour."""
    session, headers = _client(server, page, timeout, cache)
    headers = {**headers, **dict(page.headers)}
    times, codes, started, sent = [], set(), time.perf_counter(), 0
    while len(times) < runs:
        begun = time.perf_counter()
        try:
            answer = session.get(server.base + page.path, headers=headers, timeout=timeout, allow_redirects=False)
        except requests.Timeout:
            return {"timeout": True, "times": times, "codes": codes}
        elapsed, sent = time.perf_counter() - begun, sent + 1
        codes.add(answer.status_code)
        if sent == 1 or (sent <= warmup and elapsed <= budget / 10):
            continue  # warming up
        times.append(elapsed * 1000)
        if time.perf_counter() - started > budget:
            break
    return {"timeout": False, "times": times, "codes": codes}


def _ms(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def report(label: str, result: dict, timeout: float) -> str:
    times = sorted(result["times"])
    codes = ",".join(str(c) for c in sorted(result["codes"])) or "-"
    if result["timeout"]:
        return f"| {label} | **no answer in {timeout:.0f} s** | | {len(times)} | {codes} |"
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    return f"| {label} | {_ms(statistics.median(times))} | {_ms(p95)} | {len(times)} | {codes} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/1")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per page before it stops early")
    parser.add_argument("--only", default="", help="measure only pages whose label contains this")
    parser.add_argument("--no-upgrade", action="store_true")
    parser.add_argument("--explain", metavar="FILE", help="also write each page's SQL and EXPLAIN to FILE")
    args = parser.parse_args()
    url = make_url(args.database_url).render_as_string(hide_password=False)
    if not args.no_upgrade:
        upgrade(url, args.redis_url)
    found = targets(url)
    print(f"{make_url(url).database}: {found['cases']:,} cases, {found['tasks']:,} ready tasks; "
          f"case page /kasus/{found['case_id']}, tracking {found['tracking']}", flush=True)
    selected = [p for p in pages(found) if args.only.lower() in p.label.lower()]
    server = Server(url, args.redis_url, args.workers, args.threads)
    server.start()
    time.sleep(3)  # /health answered by one worker; the other may still be importing
    idle = server.worker_rss_mb()
    rows, rss, cache = [], [], {}
    try:
        for page in selected:
            result = measure(server, page, warmup=args.warmup, runs=args.requests, timeout=args.timeout,
                             budget=args.budget, cache=cache)
            rows.append(report(page.label, result, args.timeout))
            print("  " + rows[-1], flush=True)
            if page.label in DASHBOARDS:
                rss = [max(pair) for pair in zip(rss, server.worker_rss_mb(), strict=False)] if rss else server.worker_rss_mb()
            if result["timeout"]:
                server.stop()
                cancel_queries(url)
                server.start()
                cache.clear()
    finally:
        server.stop()
    print(f"\n{make_url(url).database}: {found['cases']:,} cases, {found['tasks']:,} ready tasks, gunicorn -w "
          f"{args.workers} --threads {args.threads}\n")
    print("| page | p50 | p95 | n | HTTP |\n|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"| worker RSS idle, after start (each worker) | {' / '.join(f'{m:.0f} MB' for m in idle)} | | | |")
    if rss:
        print(f"| worker RSS after the dashboards (each worker) | {' / '.join(f'{m:.0f} MB' for m in rss)} | | | |")
    if args.explain:
        from bench.scale.explain import explain_pages

        explain_pages(url, selected, Path(args.explain), timeout=args.timeout)


if __name__ == "__main__":
    main()
