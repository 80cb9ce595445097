"""Things that move a case without a person's form: messages from outside (the
complainant's answer) and moved deadlines. Timers firing: app/services/timers.py."""
from datetime import datetime

from app.engine import EngineError
from app.extensions import db
from app.models import Case
from app.services.audit import record_event
from app.services.cases import CaseError, ConflictError, WorkflowFailed, record_failure, refusing_stale_writes
from app.services.timers import fire_due_timers  # re-exported: message-or-timer paths use both
from app.services.workflow_state import load_instance, save_instance

__all__ = ["deliver_message", "fire_due_timers", "move_deadline"]


def deliver_message(*, case_id: int, message: str, payload: dict, actor: str) -> Case:
    """Resume a case waiting for `message`; the payload lands in the variable of that name."""
    case = db.session.get(Case, case_id)
    if case is None:
        raise CaseError("Kasus tidak ditemukan.")
    instance = load_instance(case)
    if message not in instance.waiting_messages():
        raise ConflictError("Kasus ini tidak sedang menunggu pesan tersebut.")
    try:
        steps = instance.deliver_message(message, payload)
    except EngineError as exc:
        db.session.rollback()
        record_failure(case_id, exc, actor=actor)
        raise WorkflowFailed(str(exc)) from exc
    with refusing_stale_writes():
        record_event(case=case, action="message.received", actor=actor, detail=message, data_after=payload)
        save_instance(case, instance, steps=steps)
        db.session.commit()
    return case


def move_deadline(*, case_id: int, element_id: str, due_at: datetime, reason: str, actor: str) -> Case:
    """Move a waiting timer (an accepted reason to extend, "kecuali ada alasan yang dapat
    diterima"); the old and new due times and the reason go into the audit trail."""
    if not reason.strip():
        raise CaseError("Alasan perubahan batas waktu wajib diisi.")
    case = db.session.get(Case, case_id)
    if case is None:
        raise CaseError("Kasus tidak ditemukan.")
    instance = load_instance(case)
    try:
        previous = instance.move_timer(element_id, due_at)
    except EngineError as exc:
        raise CaseError(str(exc)) from exc
    with refusing_stale_writes():
        record_event(
            case=case, action="deadline.moved", actor=actor, element_id=element_id, detail=reason.strip(),
            data_before={"due_at": previous.isoformat() if previous else None},
            data_after={"due_at": due_at.isoformat()},
        )
        save_instance(case, instance, steps=[])
        db.session.commit()
    return case

