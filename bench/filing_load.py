"""Load generator: public filings (and tracking lookups) over HTTP, on PostgreSQL, with
gunicorn shaped as docker-compose.yml's web service (4 workers x 4 threads).

Prints, per concurrency level, filings per second, p50/p95 latency and errors; then the
same for tracking lookups of the filed complaints (API status with the access code).
Asserts nothing. Bounded: each level runs a fixed number of client threads, each sending
its next request only when the last one is answered, for a fixed time.

    .venv/bin/python bench/filing_load.py [--seconds 60] [--concurrency 4,8,16]
        [--track-seconds 20] [--workers 4 --threads 4] [--postgres-url URL]
        [--redis-url redis://127.0.0.1:6379/4]
    .venv/bin/python bench/filing_load.py --profile 200   # cProfile of filings, in-process
    .venv/bin/python bench/filing_load.py --profile 200 --web   # the same through the web form

The rate limits stay switched on and counted in Redis, as in production, but with limits
no generator reaches (DUMAS_RATE_LIMITS=BENCH_LIMITS below): every request from this one
address would otherwise be refused after 120 filings an hour
(10 a day per NIK/e-mail/phone). The spam check runs on every filing too; the fill-time
check is a web-form thing (the API has none). Mail is not sent (no SMTP host): each
filing queues its receipt in the outbox, as it does in production.
"""
import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import make_url
from throwaway_db import throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_HUGE = 1_000_000_000
BENCH_LIMITS = ",".join(f"{scope}={_HUGE}/3600" for scope in (
    "complaint", "complaint.device", "complaint.identity", "track", "track.device", "public", "public.device"))
COMPLAINT = {
    "nama_lengkap": "Budi Santoso", "pekerjaan": "Guru", "alamat": "Jl. Kenanga 7, Bandung",
    "jenis": "pengaduan", "judul": "Pungutan liar di loket pelayanan",
    "uraian": "Petugas meminta biaya tambahan tanpa kuitansi saat mengurus sertifikat. " * 8,
    "lokasi_kejadian": "Jakarta", "terlapor": "Petugas loket", "kerahasiaan": "biasa",
}


def _complaint(n: int) -> dict:
    # A different identity each time, as from many citizens; the e-mail address the web
    # and API forms require gets its receipt queued in the outbox.
    nik = f"327301{n % 28 + 1:02d}{n % 12 + 1:02d}85{n % 10000:04d}"
    return {**COMPLAINT, "nik": nik, "no_hp": f"0812{n % 10**8:08d}", "email": f"warga{n}@example.id"}


def _prepare(database_url: str) -> None:
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services.administration.demo import seed_reference_data
    from app.services.definitions.processes import deploy_directory

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        flask_migrate.upgrade()
        seed_reference_data()
        deploy_directory(ROOT, deployed_by="bench")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _forget_counts(redis_url: str, database_url: str) -> None:
    """Drop this run's rate-limit counters from Redis (they would outlive the database)."""
    import redis

    from app.services.intake.abuse import namespace_for

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"dumas:rl:{namespace_for(database_url)}:*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start:start + 500])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_gunicorn(database_url: str, redis_url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": "bench-secret",
           "DUMAS_ACCESS_CODE_KEY": "bench-access-code-key", "DUMAS_AUDIT_SEAL_KEY": "bench-seal-key",
           "DUMAS_AUDIT_SEAL_LOG": "", "DUMAS_TIMERS": "celery", "DUMAS_RATE_LIMITS": BENCH_LIMITS,
           "PYTHONPATH": str(ROOT)}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
         "--log-level", "warning", "app.wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not answer within 60 s")


def _cpu_seconds(master: int) -> float:
    """User + system CPU of gunicorn's workers so far: the server's own cost per request,
    which other load on a shared machine stretches less than it stretches latency."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def _database_cpu_seconds(database: str) -> float | None:
    """User + system CPU so far of the PostgreSQL backends serving `database` (their
    process title names it), when the server runs on this machine and /proc shows it;
    None otherwise. With the web CPU, the whole cost of a filing on this machine."""
    tick, total, found = os.sysconf("SC_CLK_TCK"), 0, False
    marker = f" {database} ".encode()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if not (proc / "cmdline").read_bytes().startswith(b"postgres: ") or marker not in (proc / "cmdline").read_bytes():
                continue
            fields = (proc / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        found = True
        total += int(fields[11]) + int(fields[12])
    return total / tick if found else None


class _Run:
    """One level: `concurrency` client threads, each on its own keep-alive connection."""

    def __init__(self, port: int, concurrency: int, seconds: float, request, master: int = 0, database: str = ""):
        self.port, self.concurrency, self.seconds, self.request = port, concurrency, seconds, request
        self.master, self.cpu = master, 0.0
        self.database, self.database_cpu = database, None
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.results: list = []
        self.lock = threading.Lock()
        self.counter = 0

    def _next(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def _client(self, stop_at: float) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while time.monotonic() < stop_at:
            method, path, body, headers, ok = self.request(self._next())
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status, payload = type(exc).__name__, b""
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with self.lock:
                if status == ok:
                    self.latencies.append(elapsed)
                    self.results.append(payload)
                else:
                    self.errors[str(status)] = self.errors.get(str(status), 0) + 1
        conn.close()

    def go(self) -> "_Run":
        stop_at = time.monotonic() + self.seconds
        threads = [threading.Thread(target=self._client, args=(stop_at,)) for _ in range(self.concurrency)]
        cpu_before = _cpu_seconds(self.master) if self.master else 0.0
        database_before = _database_cpu_seconds(self.database) if self.database else None
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.elapsed = time.monotonic() - started
        self.cpu = _cpu_seconds(self.master) - cpu_before if self.master else 0.0
        database_after = _database_cpu_seconds(self.database) if self.database else None
        if database_before is not None and database_after is not None:
            self.database_cpu = database_after - database_before
        return self

    def line(self, label: str) -> str:
        done = sorted(self.latencies)
        if not done:
            return f"  {label:<9} c={self.concurrency:<3} no answer; errors {self.errors}"
        p50, p95 = statistics.median(done), done[max(0, int(len(done) * 0.95) - 1)]
        errors = sum(self.errors.values())
        detail = f" {self.errors}" if errors else ""
        cpu = f"  web CPU {self.cpu * 1000 / len(done):5.1f} ms/req" if self.master else ""
        if self.database_cpu is not None:
            cpu += f"  db CPU {self.database_cpu * 1000 / len(done):5.1f} ms/req"
        return (f"  {label:<9} c={self.concurrency:<3} {len(done) / self.elapsed:7.1f}/s  p50 {p50:6.1f} ms"
                f"  p95 {p95:6.1f} ms  ok {len(done):6d}  errors {errors}{detail}{cpu}")


def _filing(n: int):
    body = json.dumps(_complaint(n)).encode()
    return "POST", "/api/v1/complaints", body, {"Content-Type": "application/json"}, 201


def load(args) -> None:
    with throwaway_postgres(args.postgres_url) as url:
        _prepare(url)
        database = make_url(url).database or ""
        port = _free_port()
        server = _start_gunicorn(url, args.redis_url, port, args.workers, args.threads)
        try:
            _Run(port, 2, 3, _filing).go()  # warm each worker's caches (spec, calendar, forms)
            print(f"Public filings, POST /api/v1/complaints (JSON), PostgreSQL, gunicorn --workers {args.workers}"
                  f" --threads {args.threads}, {args.seconds:g} s per level; load average before:"
                  f" {os.getloadavg()[0]:.2f}")
            filed: list[dict] = []
            for concurrency in args.concurrency:
                run = _Run(port, concurrency, args.seconds, _filing, server.pid, database).go()
                print(run.line("filings"), flush=True)
                filed.extend(json.loads(p) for p in run.results[:2000])
            if args.track_seconds > 0 and filed:
                print(f"Tracking lookups, GET /api/v1/complaints/<n> with X-Access-Code, {args.track_seconds:g} s"
                      f" per level, over {len(filed)} filed complaints")

                def _lookup(n: int):
                    receipt = filed[n % len(filed)]
                    return ("GET", f"/api/v1/complaints/{receipt['tracking_number']}", None,
                            {"X-Access-Code": receipt["access_code"]}, 200)

                for concurrency in (1, 4):
                    print(_Run(port, concurrency, args.track_seconds, _lookup, server.pid, database).go().line("lookups"),
                          flush=True)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            _forget_counts(args.redis_url, url)


def _web_filer(client):
    """File through the web form as a browser does: the form page once (its CSRF token
    and signed opening time serve every POST of this session), then per filing the POST
    and the receipt page it redirects to."""
    import re

    page = client.get("/lapor").get_data(as_text=True)
    hidden = dict(re.findall(r'<input[^>]*name="(csrf_token|formulir_dibuka)"[^>]*value="([^"]*)"', page))

    def file(n: int) -> None:
        response = client.post("/lapor", data={**_complaint(n), **hidden, "instansi": "bsn"})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert client.get(response.headers["Location"]).status_code == 200

    return file


def profile(args) -> None:
    """cProfile of `args.profile` filings through the API (or, with --web, the web form
    and its receipt page) in this process (test client), on PostgreSQL, Redis counting
    the limits as in production."""
    import cProfile
    import pstats

    os.environ["DUMAS_RATE_LIMITS"] = BENCH_LIMITS
    from app import create_app
    from app.extensions import db

    with throwaway_postgres(args.postgres_url) as url:
        _prepare(url)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "REDIS_URL": args.redis_url,
                          "DUMAS_TIMERS": "off", "DUMAS_NOTIFICATIONS": "off", "DUMAS_MAIL_FETCH": "off",
                          "DUMAS_RATE_LIMITS": BENCH_LIMITS})
        client = app.test_client()
        if args.web:
            app.config["DUMAS_MIN_FILL_SECONDS"] = 0  # the form is filled by a script
            file = _web_filer(client)
        else:
            def file(n: int) -> None:
                assert client.post("/api/v1/complaints", json=_complaint(n)).status_code == 201
        for n in range(20):  # warm-up
            file(n)
        statements = []
        from sqlalchemy import event

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
        # CPU time, not wall time: on a shared machine the waits are other people's work.
        profiler = cProfile.Profile(time.process_time)
        started, cpu_started = time.perf_counter(), time.process_time()
        profiler.enable()
        for n in range(args.profile):
            file(1000 + n)
        profiler.disable()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        path = "POST /lapor + GET /lapor/terkirim" if args.web else "POST /api/v1/complaints"
        print(f"{args.profile} filings in-process ({path}, test client, PostgreSQL, profiled):"
              f" {elapsed / args.profile * 1000:.1f}"
              f" ms each, {cpu / args.profile * 1000:.1f} ms of this process's CPU,"
              f" {len(statements) / args.profile:.1f} SQL statements each")
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(r"/app/", args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        _forget_counts(args.redis_url, url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=lambda s: [int(c) for c in s.split(",")], default=[4, 8, 16])
    parser.add_argument("--track-seconds", type=float, default=20)
    # docker-compose.yml's web service: gunicorn --workers 4 --threads 4.
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--profile", type=int, default=0, help="profile this many filings in-process instead")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--web", action="store_true", help="profile the web form (POST /lapor and its receipt)")
    args = parser.parse_args()
    profile(args) if args.profile else load(args)


if __name__ == "__main__":
    main()
