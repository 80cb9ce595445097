from celery import shared_task

from app.extensions import db
from app.services.casework.timers import due_case_ids, fire_case_timers
from app.services.organisation.delegations import apply_due_delegations


@shared_task(ignore_result=True)
def sweep_due_timers() -> int:
    """Run by beat every second: hand each due case to a worker. A case queued twice
    fires once: the second task finds its timer row taken or no longer due. Plt. windows
    that opened or closed are applied first (a few rows at most)."""
    apply_due_delegations()
    case_ids = due_case_ids()
    for case_id in case_ids:
        fire_case_timers_task.delay(case_id)
    db.session.remove()
    return len(case_ids)


@shared_task(ignore_result=True, acks_late=True)
def fire_case_timers_task(case_id: int) -> bool:
    # acks_late: a worker that dies mid-fire leaves the message to be redelivered; the
    # transaction it did not commit left the timer due.
    try:
        return fire_case_timers(case_id=case_id)
    finally:
        db.session.remove()
