"""The step every SOP walk repeats: check where the case waits, then complete that task."""
from app.extensions import db
from app.models import Case
from app.services.cases import complete_task


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
