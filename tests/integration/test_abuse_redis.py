"""Redis goes away and comes back (issue 12.2): the public pages keep answering with the
rate limits counted in the database, and Celery's worker and beat live through it and
resume timers and mail by themselves. Each test runs its own redis-server."""
import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import yaml

from app.extensions import db
from app.models import Notification, RateLimitCounter
from app.services.intake import abuse
from tests.helpers.complaints import COMPLAINANT, file_complaint
from tests.helpers.redis_server import RedisServer
from tests.helpers.smtp_server import LocalSmtpServer
from tests.helpers.timers import case_with_due_timer, fired_timers, wait_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def fresh_outage_state(monkeypatch):
    monkeypatch.setattr(abuse, "_redis_down_since", None, raising=False)
    monkeypatch.setattr(abuse, "_redis_retry_at", 0.0, raising=False)
    monkeypatch.setattr(abuse, "REDIS_RETRY_SECONDS", 0.3, raising=False)
    # The migrations' logging config (alembic.ini) disables loggers that existed before it.
    monkeypatch.setattr(abuse.log, "disabled", False)


def _citizen(n: int) -> dict:
    return {**COMPLAINANT, "instansi": "bsn", "nik": f"32730112048500{n:02d}", "email": f"warga{n}@example.id",
            "no_hp": f"+62813111122{n:02d}", "judul": f"Laporan warga {n}"}


def _outage_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "app.services.intake.abuse"]


def test_filings_go_on_while_redis_is_down_and_the_limit_still_counts(app, staff, redis_server,
                                                                      fresh_outage_state, caplog):
    app.config.update(REDIS_URL=redis_server.url, DUMAS_RATE_LIMITS="complaint=3/3600")
    counters = redis.Redis.from_url(redis_server.url)
    client = app.test_client()
    assert client.post("/lapor", data=_citizen(1)).status_code == 302
    assert [int(counters.get(k)) for k in counters.keys("dumas:rl:*:complaint:127.0.0.1:*")] == [1]

    redis_server.stop()
    caplog.set_level(logging.WARNING, logger="app.services.intake.abuse")
    during = []
    for n in range(2, 6):
        during.append(client.post("/lapor", data=_citizen(n)).status_code)
        time.sleep(0.2)  # past the retry pause: Redis is tried again, and fails again
    # The outage's count starts in the database: three more pass, the fourth is refused.
    assert during == [302, 302, 302, 429]
    assert client.get("/").status_code == 200 and client.get("/lapor").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(db.select(RateLimitCounter.hits).where(RateLimitCounter.key == "complaint:127.0.0.1")) == 4
    lines = _outage_lines(caplog)
    assert len(lines) == 1 and lines[0].startswith("rate limit: Redis unreachable (ConnectionError)")

    redis_server.start()
    time.sleep(0.35)
    assert client.post("/lapor", data=_citizen(6)).status_code == 302
    assert [int(counters.get(k)) for k in counters.keys("dumas:rl:*:complaint:127.0.0.1:*")] == [1]  # a fresh server
    lines = _outage_lines(caplog)
    assert len(lines) == 2 and lines[1].startswith("rate limit: Redis reachable again after")
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 5  # one receipt per filing


@pytest.fixture
def smtp():
    server = LocalSmtpServer().start()
    yield server
    server.stop()


def _compose_command(service: str, *extra: str) -> list[str]:
    """The service's command in docker-compose.yml, run with this Python (one solo pool
    process, on two cores shared with the rest of the suite)."""
    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"][service]["command"]
    assert command[0] == "celery"
    options = [c for c in command[1:] if not c.startswith(("--loglevel", "--schedule", "/tmp/"))]
    return [sys.executable, "-m", "celery", *options, "--loglevel=warning", *extra]


@pytest.mark.committed
@pytest.mark.slow_celery
def test_worker_and_beat_outlive_a_redis_outage_and_resume_timers_and_mail(
        app, sop_models, test_models, database_url, redis_server, smtp, tmp_path):
    file_complaint()
    db.session.remove()
    env = {
        **os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_server.url, "SECRET_KEY": "test-only",
        "DUMAS_TIMERS": "celery", "DUMAS_CELERY_QUEUE": f"dumas-test-{uuid.uuid4().hex[:8]}",
        "DUMAS_SMTP_HOST": "127.0.0.1", "DUMAS_SMTP_PORT": str(smtp.port), "DUMAS_MAIL_FROM": "dumas@bsn.example",
    }
    commands = [_compose_command("worker", "--pool=solo"),
                _compose_command("beat", "--schedule", str(tmp_path / "beat-schedule"))]
    # Logs to files: an outage's tracebacks would fill a pipe and stall the process.
    log_files = [(tmp_path / f"{c[5]}.log").open("w+") for c in commands]
    processes = [subprocess.Popen(c, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
                 for c, log in zip(commands, log_files, strict=True)]
    try:
        assert len(smtp.wait_for(1, timeout=30)) == 1  # running: the first receipt is sent
        redis_server.stop()
        # While Redis is away: a complaint is filed and a timer falls due.
        second = file_complaint(judul="Saat Redis mati").tracking_number
        case_id = case_with_due_timer(title="Tenggat saat Redis mati")
        db.session.remove()
        time.sleep(5)  # beat fails to send its sweeps, the worker to reconnect
        assert [p.poll() for p in processes] == [None, None], "a Celery process exited during the outage"
        redis_server.start()
        # The worker retries at 2, 6, 12, 20 ... s after the loss (kombu's back-off).
        assert wait_for(lambda: fired_timers(case_id), 45), "the due timer did not fire after Redis returned"
        received = smtp.wait_for(2, timeout=20)
        assert f"Pengaduan diterima: {second}" in [m["Subject"] for m in received]
        assert [p.poll() for p in processes] == [None, None]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        worker_log, beat_log = (log.seek(0) or log.read() for log in log_files)
        logs = worker_log + beat_log
        print("worker:", worker_log[-6000:], "beat:", beat_log[-4000:], sep="\n")
    assert "Unrecoverable error" not in logs and "AttributeError" not in logs
