"""Writing the audit trail. Every use case records what it did through here, inside its
own transaction, so an event exists exactly when the change it describes does."""
from app.extensions import db
from app.models import AuditEvent, Case

SYSTEM_ACTOR = "sistem"


def record_event(
    *,
    case: Case | None,
    action: str,
    actor: str,
    engine_task_id: str | None = None,
    element_id: str | None = None,
    lane: str | None = None,
    data_before: dict | None = None,
    data_after: dict | None = None,
    detail: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        case_id=case.id if case is not None else None,
        actor=actor,
        action=action,
        engine_task_id=engine_task_id,
        element_id=element_id,
        lane=lane,
        data_before=data_before,
        data_after=data_after,
        detail=detail,
    )
    db.session.add(event)
    return event


def case_events(*, case_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id))
    )
