"""What the engine wrapper promises: a case's state round-trips through the database
without its spec, a failing step leaves the stored case untouched, and of two writers
only the first wins."""
import json
import zlib
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from app.engine import EngineError
from app.extensions import db
from app.models import AuditEvent, Case, TimerIndexEntry
from app.services.casework.case_errors import ConflictError, WorkflowFailed
from app.services.casework.cases import complete_task, start_case
from app.services.casework.workflow_state import load_instance


def _start(title="Uji"):
    return start_case(process_key="uji_mini", data={"jenis": "pengaduan"}, title=title, actor="pengadu")


def _reload(case_id: int) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case_id)


def test_state_round_trips_without_the_spec(test_models):
    case = _start()
    assert case.tracking_number == f"DUMAS-{case.created_at.year}-{case.id:06d}"
    first = case.tasks[0]
    assert (first.element_id, first.role, first.status if hasattr(first, "status") else None) == (
        "isi_data", "Admin Uji", None)
    assert case.status == "pengisian"

    complete_task(task_id=first.engine_task_id, data={"pembagi": "4", "unit_tujuan": "Unit A"}, actor="ani")

    case = _reload(case.id)
    stored = json.loads(zlib.decompress(case.workflow_state))
    assert "spec" not in stored and "subprocess_specs" not in stored
    [task] = case.tasks
    assert (task.element_id, task.role, task.org_unit) == ("periksa", "Unit Uji", "Unit A")
    assert case.status == "pemeriksaan"

    instance = load_instance(case)
    [ready] = instance.ready_tasks()
    assert ready.id == task.engine_task_id
    assert ready.data["hasil"] == 25.0
    assert ready.data["jenis"] == "pengaduan"


def test_waiting_timer_is_indexed_with_its_due_time(test_models):
    """The timer's expression calls a script-environment function on a reloaded workflow."""
    case = _start()
    complete_task(task_id=case.tasks[0].engine_task_id, data={"pembagi": 2, "unit_tujuan": "Unit A"}, actor="ani")
    timer = db.session.get(TimerIndexEntry, case.id)
    assert timer.element_id == "pengingat"
    expected = datetime.now(timezone.utc) + timedelta(days=3)
    assert abs(timer.due_at - expected) < timedelta(minutes=1)

    complete_task(task_id=_reload(case.id).tasks[0].engine_task_id, data={}, actor="budi")
    case = _reload(case.id)
    assert case.completed and case.status == "selesai" and case.closed_at is not None
    assert db.session.get(TimerIndexEntry, case.id) is None
    assert case.tasks == []


def test_failing_step_leaves_the_stored_case_as_it_was(test_models):
    case = _start()
    task_id = case.tasks[0].engine_task_id
    state_before, lock_before = case.workflow_state, case.lock_version

    with pytest.raises(WorkflowFailed, match="division by zero"):
        complete_task(task_id=task_id, data={"pembagi": 0, "unit_tujuan": "Unit A"}, actor="ani")

    case = _reload(case.id)
    assert case.workflow_state == state_before
    assert [t.engine_task_id for t in case.tasks] == [task_id]
    assert case.status == "pengisian"
    assert "division by zero" in case.last_error
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id == case.id))]
    assert "engine.failed" in actions and "task.completed" not in actions
    assert case.lock_version == lock_before + 1  # only the error was written

    complete_task(task_id=task_id, data={"pembagi": 5, "unit_tujuan": "Unit A"}, actor="ani")
    case = _reload(case.id)
    assert case.last_error is None and case.status == "pemeriksaan"


@pytest.mark.committed
def test_second_writer_of_the_same_state_is_refused(test_models):
    case = _start()
    task_id = case.tasks[0].engine_task_id
    _ = case.tasks[0].case.lock_version  # this session now holds the case as loaded

    with Session(db.engine) as other:  # someone else changes the case meanwhile
        other_case = other.get(Case, case.id)
        other_case.title = "Diubah orang lain"
        other.commit()

    with pytest.raises(ConflictError):
        complete_task(task_id=task_id, data={"pembagi": 4, "unit_tujuan": "Unit A"}, actor="ani")
    case = _reload(case.id)
    assert case.title == "Diubah orang lain"
    assert case.status == "pengisian" and case.tasks[0].engine_task_id == task_id


def test_completing_a_task_someone_finished_says_who(test_models):
    case = _start()
    task_id = case.tasks[0].engine_task_id
    complete_task(task_id=task_id, data={"pembagi": 4, "unit_tujuan": "Unit A"}, actor="ani")
    with pytest.raises(ConflictError, match="ani"):
        complete_task(task_id=task_id, data={"pembagi": 4, "unit_tujuan": "Unit A"}, actor="budi")


def test_audit_events_cannot_be_changed(test_models):
    case = _start()
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id == case.id)).first()
    event.detail = "diubah"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


def test_a_complaint_is_kept_even_when_its_first_steps_fail(test_models):
    case = start_case(process_key="uji_awal", data={"kategori": "a", "pembagi": 0}, title="Uji", actor="pengadu")

    case = _reload(case.id)
    assert case.tracking_number and case.status == "diterima"
    assert "division by zero" in case.last_error
    assert case.tasks == []
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id == case.id))]
    assert actions == ["case.started", "engine.failed"]
    # Its workflow is kept as received, before the steps that failed: it loads, with
    # the data it started with, and running it again fails the same way.
    instance = load_instance(case)
    received = [t.data for t in instance.workflow.get_tasks() if t.data.get("pembagi") == 0]
    assert received and received[0]["kategori"] == "a" and received[0]["diterima_pada"]
    with pytest.raises(EngineError, match="division by zero"):
        instance.run()


def test_a_decision_table_with_no_matching_rule_is_named(test_models):
    case = start_case(process_key="uji_awal", data={"kategori": "b", "pembagi": 1}, title="Uji", actor="pengadu")
    case = _reload(case.id)
    assert "Langkah 'Putuskan': tabel keputusan" in case.last_error
    assert "tidak punya aturan untuk masukan" in case.last_error
    assert "'kategori': 'b'" in case.last_error


def test_a_moved_deadline_fires_when_due_and_the_move_is_audited(test_models):
    from app.services.casework.events import move_deadline
    from app.services.casework.timers import fire_due_timers

    case = _start()
    complete_task(task_id=case.tasks[0].engine_task_id, data={"pembagi": 2, "unit_tujuan": "Unit A"}, actor="ani")
    assert fire_due_timers() == 0  # three days away: nothing is due

    past = datetime.now(timezone.utc) - timedelta(seconds=1)
    move_deadline(case_id=case.id, element_id="pengingat", due_at=past, reason="Uji jam", actor="ani")
    assert db.session.get(TimerIndexEntry, case.id).due_at == past
    assert fire_due_timers() == 1

    case = _reload(case.id)
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id == case.id))]
    assert "deadline.moved" in actions and "timer.fired" in actions
    reached = [e.element_id for e in db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "event.reached"))]
    assert "diingatkan" in reached  # the non-interrupting reminder path ran
    # The task still waits; the deadline policy opened an escalation item for the supervisor.
    assert sorted((t.element_id, t.escalation_of) for t in case.tasks) == [
        ("eskalasi_periksa", "pengingat"), ("periksa", None)]
    assert db.session.get(TimerIndexEntry, case.id) is None
    assert fire_due_timers() == 0  # fired exactly once


def test_a_task_carries_its_deadline_and_completion_records_whether_it_was_met(test_models):
    from app.services.casework.events import move_deadline

    case = _start()
    complete_task(task_id=case.tasks[0].engine_task_id, data={"pembagi": 2, "unit_tujuan": "Unit A"}, actor="ani")
    case = _reload(case.id)
    [task] = case.tasks
    assert abs(task.due_at - (datetime.now(timezone.utc) + timedelta(days=3))) < timedelta(minutes=1)

    earlier = datetime.now(timezone.utc) + timedelta(hours=5)
    move_deadline(case_id=case.id, element_id="pengingat", due_at=earlier, reason="Perpanjangan ditolak", actor="budi")
    assert _reload(case.id).tasks[0].due_at == earlier  # the inbox follows a moved deadline

    complete_task(task_id=task.engine_task_id, data={}, actor="budi")
    [outcome] = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action.like("deadline.m%"), AuditEvent.action != "deadline.moved"))
    assert outcome.action == "deadline.met" and outcome.data_after["due_at"] == earlier.isoformat()
