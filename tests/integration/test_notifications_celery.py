"""With REDIS_URL, Celery beat and a real worker (against the local Redis, on a queue of
its own) deliver the outbox: the production shape of docker-compose.yml."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from app.extensions import db
from app.models import AuditEvent, Notification
from tests.helpers.complaints import file_complaint
from tests.helpers.smtp_server import LocalSmtpServer

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("DUMAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture
def smtp():
    server = LocalSmtpServer().start()
    yield server
    server.stop()


@pytest.mark.committed
@pytest.mark.slow_celery
def test_beat_and_a_worker_send_the_outbox(app, sop_models, database_url, smtp, tmp_path):
    assert app.config["CELERY"]["beat_schedule"]["send-notifications"]["task"] == "app.tasks.notifications.send_notifications"
    case = file_complaint()
    tracking_number = case.tracking_number
    db.session.remove()
    env = {
        **os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "SECRET_KEY": "test-only",
        "DUMAS_CELERY_QUEUE": f"dumas-test-{uuid.uuid4().hex[:8]}",
        "DUMAS_SMTP_HOST": "127.0.0.1", "DUMAS_SMTP_PORT": str(smtp.port), "DUMAS_MAIL_FROM": "dumas@bsn.example",
    }
    celery = [sys.executable, "-m", "celery", "-A", "app.celery_worker"]
    commands = [
        [*celery, "worker", "--pool=solo", "--loglevel=warning"],
        [*celery, "beat", "--loglevel=warning", "--schedule", str(tmp_path / "beat-schedule")],
    ]
    processes = [subprocess.Popen(c, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for c in commands]
    try:
        received = smtp.wait_for(1, timeout=60)
    finally:
        for process in processes:
            process.terminate()
        logs = "".join(process.communicate(timeout=20)[0] for process in processes)
    assert [m["Subject"] for m in received] == [f"Pengaduan diterima: {tracking_number}"], logs
    assert db.session.scalars(db.select(Notification)).one().status == "sent"
    assert db.session.scalar(db.select(db.func.count()).where(AuditEvent.action == "notification.sent")) == 1
