"""The step every SOP walk repeats: check where the case waits, then complete that task."""
from datetime import datetime, timedelta, timezone

from app.extensions import db
from app.models import Case
from app.services.casework.cases import complete_task
from app.services.casework.events import move_deadline
from app.services.casework.timers import fire_case_timers


def work(case: Case, *, element_id: str, lane: str, data: dict, actor: str, org_unit=None,
         status: str | None = None) -> Case:
    """Assert the case waits at exactly this task in this lane (and unit, and status when
    given), complete it with `data` as `actor`, and return the case as stored."""
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    [task] = case.tasks
    assert (task.element_id, task.lane, task.role, task.org_unit) == (element_id, lane, lane, org_unit)
    if status is not None:
        assert case.status == status
    complete_task(task_id=task.engine_task_id, data=data, actor=actor)
    db.session.expire_all()
    return db.session.get(Case, case.id)


def let_objection_period_pass(case: Case) -> Case:
    """The outcome reached the complainant, who neither objects nor needs to: the
    objection period (timer ev_batas_keberatan) runs out and the case ends `selesai`."""
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert (case.status, case.tasks, case.timer.element_id) == ("jawaban_disampaikan", [], "ev_batas_keberatan")
    move_deadline(case_id=case.id, element_id="ev_batas_keberatan", due_at=datetime.now(timezone.utc) - timedelta(minutes=1),
                  reason="Uji: masa keberatan lewat.", actor="test")
    assert fire_case_timers(case_id=case.id)
    db.session.expire_all()
    return db.session.get(Case, case.id)


def fire_reminder(case: Case) -> Case:
    """The deadline policy's reminder comes due: sweep at its time (the engine's own
    timers, later, are not due then)."""
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.timer.element_id.startswith("pengingat:")
    assert fire_case_timers(case_id=case.id, now=case.timer.due_at + timedelta(seconds=1))
    db.session.expire_all()
    return db.session.get(Case, case.id)


def pass_deadline(case: Case, deadline_element: str) -> Case:
    """A step's deadline timer passes: moved into the past, then swept."""
    move_deadline(case_id=case.id, element_id=deadline_element, due_at=datetime.now(timezone.utc) - timedelta(minutes=1),
                  reason="Uji: batas waktu lewat.", actor="uji")
    assert fire_case_timers(case_id=case.id)
    db.session.expire_all()
    return db.session.get(Case, case.id)
