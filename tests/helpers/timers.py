"""A case of the small test model with a due timer, and what fired on it."""
import time
from datetime import datetime, timedelta, timezone

from app.extensions import db
from app.models import AuditEvent
from app.services.casework.cases import complete_task, start_case
from app.services.casework.events import move_deadline


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
