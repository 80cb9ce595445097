"""Benchmark: completing a task over HTTP on a two-task model, the figure compared with
SpiffArena's backend (issue 15: 44.3 ms there, same model, same machine). Prints
figures, asserts nothing.

    .venv/bin/python bench/http_complete_bench.py [--cases 200] [--db sqlite|postgresql|both]
        [--postgres-url URL] [--redis-url URL]

The model: start -> "Tugas pertama" -> "Tugas kedua" -> end, both user tasks in one lane
and without a form, so what is timed is the request, the engine step and the writes, not
a form's validation. Per database:
  1. builds a throwaway database by the migrations, deploys the model, makes one account
     holding the lane's role and `--cases` cases through the service layer;
  2. completes the first task of half the cases with `POST /api/v1/tasks/<id>/complete`
     and a bearer token through Flask's test client (in this process: p50/p95 and the
     statements each completion sends, counted with before_cursor_execute);
  3. completes the other half over a socket against a real gunicorn (`-w 1 --threads 1`,
     keep-alive connection): p50/p95 of the round trip, and the worker's CPU per request.
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
import tempfile
import time
from pathlib import Path

from throwaway_db import throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROCESS_KEY = "bench_dua_tugas"
LANE = "Petugas Bench"
USERNAME, PASSWORD = "petugas_bench", "bench-password-123"
TWO_TASKS = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="definitions_{PROCESS_KEY}" targetNamespace="https://dumas.example/bench">
  <bpmn:process id="{PROCESS_KEY}" name="Dua tugas (bench)" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_petugas" name="{LANE}">
        <bpmn:flowNodeRef>mulai</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>tugas_pertama</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>tugas_kedua</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>selesai</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="mulai" name="Mulai" />
    <bpmn:userTask id="tugas_pertama" name="Tugas pertama" />
    <bpmn:userTask id="tugas_kedua" name="Tugas kedua" />
    <bpmn:endEvent id="selesai" name="Selesai" />
    <bpmn:sequenceFlow id="f1" sourceRef="mulai" targetRef="tugas_pertama" />
    <bpmn:sequenceFlow id="f2" sourceRef="tugas_pertama" targetRef="tugas_kedua" />
    <bpmn:sequenceFlow id="f3" sourceRef="tugas_kedua" targetRef="selesai" />
  </bpmn:process>
</bpmn:definitions>
"""
SECRET_KEY = "bench-http-complete"


def _summary(samples_ms: list[float]) -> tuple[float, float]:
    samples = sorted(samples_ms)
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def _env(database_url: str, redis_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": SECRET_KEY,
            "DUMAS_AUDIT_SEAL_KEY": SECRET_KEY, "DUMAS_AUDIT_SEAL_LOG": "", "DUMAS_TIMERS": "off",
            "DUMAS_REPORTS": "off", "DUMAS_NOTIFICATIONS": "off", "DUMAS_MAIL_FETCH": "off",
            "PYTHONPATH": str(ROOT)}


def _prepare(database_url: str, cases: int) -> list[str]:
    """Migrate, deploy the model, make the account and the cases; their first task ids."""
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services.casework.cases import start_case
    from app.services.definitions.processes import deploy_process
    from app.services.organisation.accounts import create_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        flask_migrate.upgrade()
        deploy_process(process_key=PROCESS_KEY, bpmn_xml=TWO_TASKS, decision_files={}, forms={}, deployed_by="bench")
        db.session.commit()
        create_user(username=USERNAME, password=PASSWORD, roles=[LANE])
        task_ids = []
        for i in range(cases):
            case = start_case(process_key=PROCESS_KEY, data={}, title=f"Bench {i}", actor="bench")
            task_ids.append(case.tasks[0].engine_task_id)
        db.session.remove()
        db.engine.dispose()
    return task_ids


def test_client_completions(database_url: str, task_ids: list[str]) -> tuple[float, float, float]:
    """p50, p95 (ms) and statements per completion through Flask's test client."""
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY})
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": USERNAME, "password": PASSWORD}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    statements: list[int] = []

    def count(*_args: object) -> None:
        statements.append(1)

    samples = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for task_id in task_ids:
            started = time.perf_counter()
            response = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}}, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"completion answered {response.status_code}: {response.get_data(as_text=True)}")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    engine.dispose()
    return *_summary(samples), len(statements) / len(task_ids)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _worker_cpu_seconds(master: int) -> float:
    """User + system CPU of the gunicorn master's children (its worker)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def gunicorn_completions(database_url: str, redis_url: str, task_ids: list[str]) -> tuple[float, float, float]:
    """p50, p95 (ms) of the HTTP round trip and the worker's CPU ms per completion."""
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "1",
         "--log-level", "warning", "app.wsgi:app"],
        cwd=ROOT, env=_env(database_url, redis_url), start_new_session=True)
    try:
        connection = _connect(port)
        token = _post(connection, "/api/v1/auth/token", {"username": USERNAME, "password": PASSWORD})[1]["token"]
        headers = {"Authorization": f"Bearer {token}"}
        for task_id in task_ids[:5]:  # warm: the spec cache, the calendar, the pool
            _post(connection, f"/api/v1/tasks/{task_id}/complete", {"data": {}}, headers)
        timed, samples = task_ids[5:], []
        cpu_before = _worker_cpu_seconds(process.pid)
        for task_id in timed:
            started = time.perf_counter()
            status, body = _post(connection, f"/api/v1/tasks/{task_id}/complete", {"data": {}}, headers)
            samples.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"completion answered {status}: {body}")
        cpu_ms = (_worker_cpu_seconds(process.pid) - cpu_before) * 1000 / len(timed)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    return *_summary(samples), cpu_ms


def _connect(port: int) -> http.client.HTTPConnection:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/api/v1/openapi.json")
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return connection
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def _post(connection: http.client.HTTPConnection, path: str, payload: dict,
          headers: dict[str, str] | None = None) -> tuple[int, dict]:
    connection.request("POST", path, body=json.dumps(payload),
                       headers={"Content-Type": "application/json", **(headers or {})})
    response = connection.getresponse()
    return response.status, json.loads(response.read() or b"{}")


def run(label: str, database_url: str, redis_url: str, cases: int) -> None:
    task_ids = _prepare(database_url, cases)
    half = len(task_ids) // 2
    client_p50, client_p95, per_completion = test_client_completions(database_url, task_ids[:half])
    server_p50, server_p95, server_cpu = gunicorn_completions(database_url, redis_url, task_ids[half:])
    print(f"  {label:<11} test client  p50 {client_p50:6.2f}  p95 {client_p95:6.2f}  {per_completion:4.1f} statements"
          f" | gunicorn  p50 {server_p50:6.2f}  p95 {server_p95:6.2f}  worker CPU {server_cpu:5.2f}"
          f"  | p50 / SpiffArena's 44.3 ms: {server_p50 / 44.3:4.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default=os.environ.get("DUMAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    print(f"Completing the first task of a two-task model over the API, ms; {args.cases // 2} per client;"
          f" load average {os.getloadavg()[0]:.2f}", flush=True)
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            run("SQLite", f"sqlite:///{tmp}/bench.sqlite", args.redis_url, args.cases)
    if args.db in ("postgresql", "both"):
        with throwaway_postgres(args.postgres_url) as url:
            run("PostgreSQL", url, args.redis_url, args.cases)
    print(f"  load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
