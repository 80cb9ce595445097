"""Writing the audit trail. Every use case records what it did through here, inside its
own transaction, so an event exists exactly when the change it describes does. Each
event is linked into its case's hash chain (app/services/audit_trail/audit_chain.py)."""
from app.extensions import db
from app.models import AuditEvent, Case
from app.models.types import utcnow
from app.services.audit_trail.audit_chain import chain_of, event_hash, next_link, normalised, remember_head

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
    case_id = case.id if case is not None else None
    chain = chain_of(case_id)
    seq, prev_hash = next_link(chain, case_id)
    fields = {
        "case_id": case_id,
        "occurred_at": utcnow(),
        "actor": actor,
        "action": action,
        "engine_task_id": engine_task_id,
        "element_id": element_id,
        "lane": lane,
        "data_before": normalised(data_before),
        "data_after": normalised(data_after),
        "detail": detail,
        "chain": chain,
        "seq": seq,
        "prev_hash": prev_hash,
    }
    event = AuditEvent(**fields, hash=event_hash(fields))
    db.session.add(event)
    remember_head(chain, seq, event.hash)
    return event


def case_events(*, case_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id))
    )
