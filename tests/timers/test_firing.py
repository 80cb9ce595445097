"""Due timers fire exactly once, whoever sweeps: the embedded thread, two sweepers at
once, or a real Celery worker and beat against the local Redis."""
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from app.background import start_timer_thread
from app.extensions import db
from app.models import AuditEvent, TimerIndexEntry
from app.services.cases import complete_task, start_case
from app.services.events import move_deadline
from app.services.timers import fire_due_timers


def case_with_due_timer(title="Uji") -> int:
    case = start_case(process_key="uji_mini", data={}, title=title, actor="pengadu")
    complete_task(task_id=case.tasks[0].engine_task_id, data={"pembagi": 2, "unit_tujuan": "Unit A"}, actor="ani")
    move_deadline(case_id=case.id, element_id="pengingat", due_at=datetime.now(timezone.utc) - timedelta(seconds=1),
                  reason="jam uji", actor="uji")
    return case.id


def fired_timers(case_id: int) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.action == "timer.fired")))


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.committed
def test_the_embedded_thread_fires_a_due_timer_once(app, test_models):
    case_id = case_with_due_timer()
    stop = start_timer_thread(app, interval=0.2)
    try:
        assert wait_for(lambda: fired_timers(case_id), 5)
        time.sleep(0.6)  # a few more sweeps
    finally:
        stop()
    assert len(fired_timers(case_id)) == 1
    assert db.session.get(TimerIndexEntry, case_id) is None


@pytest.mark.committed
def test_two_sweepers_at_once_fire_each_timer_once(app, test_models):
    case_ids = [case_with_due_timer(f"Uji {i}") for i in range(12)]
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
    assert [len(fired_timers(case_id)) for case_id in case_ids] == [1] * len(case_ids)


def test_a_crash_mid_fire_leaves_the_timer_due_for_the_next_sweep(app, test_models, monkeypatch):
    """Fault injection: the process dies between firing in memory and committing."""
    import app.services.timers as timers

    case_id = case_with_due_timer()
    real_save = timers.save_instance

    def crash(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(timers, "save_instance", crash)
    with pytest.raises(SystemExit):
        fire_due_timers()
    db.session.rollback()
    assert fired_timers(case_id) == [] and db.session.get(TimerIndexEntry, case_id) is not None

    monkeypatch.setattr(timers, "save_instance", real_save)
    assert fire_due_timers() == 1
    assert len(fired_timers(case_id)) == 1
