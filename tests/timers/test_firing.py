"""Due timers fire exactly once, whoever sweeps: the embedded thread, two sweepers at
once, or a real Celery worker and beat against the local Redis."""
import threading
import time

import pytest

from app.background import start_timer_thread
from app.extensions import db
from app.models import TimerIndexEntry
from app.services.casework.timers import fire_due_timers
from tests.helpers.timers import case_with_due_timer, fired_timers, wait_for


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
    import app.services.casework.timers as timers

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
