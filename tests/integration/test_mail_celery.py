"""With REDIS_URL, Celery beat and a real worker fetch the organisations' mailboxes from a
real IMAP server (Dovecot): the production shape of docker-compose.yml."""
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from app.extensions import db
from app.models import InboundMail
from tests.helpers.mail_helpers import message, running_mailbox

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("DUMAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture
def imap(app_context):
    yield from running_mailbox(app_context)


@pytest.mark.committed
@pytest.mark.slow_celery
def test_beat_and_a_worker_fetch_the_mailbox(app, imap, database_url, tmp_path):
    raw = message(subject="Lewat Celery")
    imap.deliver(raw)
    db.session.remove()
    env = {
        **os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "SECRET_KEY": "test-only",
        "DUMAS_CELERY_QUEUE": f"dumas-test-{uuid.uuid4().hex[:8]}", "DUMAS_MAIL_FETCH_SECONDS": "1",
        "DUMAS_IMAP_PASSWORDS": json.dumps({"bsn": imap.password}),
    }
    celery = [sys.executable, "-m", "celery", "-A", "app.celery_worker"]
    commands = [
        [*celery, "worker", "--pool=solo", "--loglevel=warning"],
        [*celery, "beat", "--loglevel=warning", "--schedule", str(tmp_path / "beat-schedule")],
    ]
    processes = [subprocess.Popen(c, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for c in commands]
    stored = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not stored:
            time.sleep(0.5)
            db.session.remove()
            stored = list(db.session.scalars(db.select(InboundMail)))
        time.sleep(2)  # a few more rounds: the message must not come twice
    finally:
        for process in processes:
            process.terminate()
        logs = "".join(process.communicate(timeout=20)[0] for process in processes)
    db.session.remove()
    stored = list(db.session.scalars(db.select(InboundMail)))
    assert [(m.raw, m.source) for m in stored] == [(raw, "imap")], logs
    assert imap.flags() == [{"\\Seen"}]
