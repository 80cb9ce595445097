"""docker-compose.yml's processes run by hand against the local PostgreSQL/SQLite and
Redis (no Docker engine runs here): gunicorn web workers take a complaint, beat sweeps,
a Celery worker fires a due timer."""
import json
import os
import socket
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

from app.extensions import db
from app.models import Case
from tests.helpers.complaints import COMPLAINANT
from tests.helpers.timers import case_with_due_timer, fired_timers, wait_for

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("DUMAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read()
    except OSError:
        return None


def test_compose_declares_web_worker_beat_redis_postgres_and_migrations():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "beat"}
    assert "gunicorn" in services["web"]["command"] and "app.wsgi:app" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "app.celery_worker", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "app.celery_worker", "beat"]
    assert "db upgrade" in services["migrate"]["command"][-1]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["environment"]["DUMAS_TIMERS"] == "celery"
    assert "${SECRET_KEY:?" in (ROOT / "docker-compose.yml").read_text()  # no secret in the file


@pytest.mark.committed
@pytest.mark.slow_celery
def test_gunicorn_worker_and_beat_run_the_system(app, sop_models, test_models, database_url, tmp_path):
    case_id = case_with_due_timer()
    db.session.remove()
    port = _free_port()
    env = {
        **os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "SECRET_KEY": "test-only",
        "DUMAS_TIMERS": "celery", "DUMAS_CELERY_QUEUE": f"dumas-test-{uuid.uuid4().hex[:8]}",
    }
    celery = [sys.executable, "-m", "celery", "-A", "app.celery_worker"]
    commands = [
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "app.wsgi:app"],
        [*celery, "worker", "--pool=solo", "--loglevel=warning"],
        [*celery, "beat", "--loglevel=warning", "--schedule", str(tmp_path / "beat-schedule")],
    ]
    processes = [subprocess.Popen(c, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for c in commands]
    try:
        assert wait_for(lambda: _get(f"http://127.0.0.1:{port}/health") is not None, 30)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/complaints", method="POST",
            data=json.dumps({**COMPLAINANT, "judul": "Lewat gunicorn"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            created = json.loads(response.read())
        fired = wait_for(lambda: fired_timers(case_id), 40)
    finally:
        for process in processes:
            process.terminate()
        logs = "".join(process.communicate(timeout=20)[0] for process in processes)
    assert created["tracking_number"].startswith("DUMAS-"), logs
    db.session.expire_all()
    assert db.session.scalars(db.select(Case).where(Case.title == "Lewat gunicorn")).one().status == "verifikasi"
    assert fired, logs
    assert len(fired_timers(case_id)) == 1
