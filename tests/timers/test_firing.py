"""Due timers fire exactly once, whoever sweeps: the embedded thread, two sweepers at
once, or a real Celery worker and beat against the local Redis."""
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.extensions import db
from app.models import AuditEvent, TimerIndexEntry
from app.services.cases import complete_task, start_case
from app.services.events import move_deadline
from app.services.timers import fire_due_timers
from app.timer_thread import start_timer_thread

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("DUMAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _case_with_due_timer(title="Uji") -> int:
    case = start_case(process_key="uji_mini", data={}, title=title, actor="pengadu")
    complete_task(task_id=case.tasks[0].engine_task_id, data={"pembagi": 2, "unit_tujuan": "Unit A"}, actor="ani")
    move_deadline(case_id=case.id, element_id="pengingat", due_at=datetime.now(timezone.utc) - timedelta(seconds=1),
                  reason="jam uji", actor="uji")
    return case.id


def _fired(case_id: int) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.action == "timer.fired")))


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_embedded_thread_fires_a_due_timer_once(app, test_models):
    case_id = _case_with_due_timer()
    stop = start_timer_thread(app, interval=0.2)
    try:
        assert _wait_for(lambda: _fired(case_id), 5)
        time.sleep(0.6)  # a few more sweeps
    finally:
        stop()
    assert len(_fired(case_id)) == 1
    assert db.session.get(TimerIndexEntry, case_id) is None


def test_two_sweepers_at_once_fire_each_timer_once(app, test_models):
    case_ids = [_case_with_due_timer(f"Uji {i}") for i in range(12)]
    db.session.remove()
    results = []

    def sweep():
        with app.app_context():
            results.append(fire_due_timers())
            db.session.remove()

    sweepers = [threading.Thread(target=sweep) for _ in range(2)]
    for t in sweepers:
        t.start()
    for t in sweepers:
        t.join(timeout=60)
    assert sum(results) == len(case_ids)
    assert [len(_fired(case_id)) for case_id in case_ids] == [1] * len(case_ids)


def test_a_real_celery_worker_and_beat_fire_a_due_timer(app, test_models, database_url, tmp_path):
    case_id = _case_with_due_timer()
    db.session.remove()
    redis_url = REDIS_URL.rsplit("/", 1)[0] + "/" + str(9)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-only",
        "DUMAS_TIMERS": "celery",
        # A queue of this run's own, so that parallel runs on one Redis do not share work.
        "DUMAS_CELERY_QUEUE": f"dumas-test-{uuid.uuid4().hex[:8]}",
    }
    celery = [sys.executable, "-m", "celery", "-A", "app.celery_worker"]
    worker = subprocess.Popen([*celery, "worker", "--pool=solo", "--loglevel=warning"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    beat = subprocess.Popen([*celery, "beat", "--loglevel=warning", "--schedule", str(tmp_path / "beat-schedule")],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        fired = _wait_for(lambda: _fired(case_id), 40)
    finally:
        for process in (beat, worker):
            process.terminate()
        logs = "".join(process.communicate(timeout=20)[0] for process in (beat, worker))
    assert fired, logs
    assert len(_fired(case_id)) == 1
