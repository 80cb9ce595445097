"""Things that move a case without a person's form: messages from outside (the
complainant's answer) and moved deadlines. Timers firing: app/services/casework/timers.py."""
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l

from app.engine import EngineError
from app.extensions import db
from app.models import Case, TaskIndexEntry, User
from app.services.audit_trail.audit import record_event
from app.services.casework.case_errors import CaseError, ConflictError, WorkflowFailed
from app.services.casework.cases import record_failure, refusing_stale_writes
from app.services.casework.timers import fire_due_timers  # re-exported: message-or-timer paths use both
from app.services.casework.workflow_state import load_instance, save_instance
from app.services.organisation.access import NotAllowed
from app.services.organisation.calendar import calendar_for
from app.services.organisation.task_holders import same_organisation

__all__ = ["deliver_message", "extend_task_deadline", "fire_due_timers", "move_deadline"]


def deliver_message(*, case_id: int, message: str, payload: dict, actor: str) -> Case:
    """Resume a case waiting for `message`; the payload lands in the variable of that name."""
    case = db.session.get(Case, case_id)
    if case is None:
        raise CaseError(_l("Kasus tidak ditemukan."))
    instance = load_instance(case)
    if message not in instance.waiting_messages():
        raise ConflictError(_l("Kasus ini tidak sedang menunggu pesan tersebut."))
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
        raise CaseError(_l("Alasan perubahan batas waktu wajib diisi."))
    case = db.session.get(Case, case_id)
    if case is None:
        raise CaseError(_l("Kasus tidak ditemukan."))
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



def extend_task_deadline(*, user: User, task_id: str, until: date, reason: str) -> Case:
    """A supervisor accepts a reason for delay ("kecuali ada alasan yang dapat diterima"):
    the task's deadline moves to the end of `until` in the organisation's zone."""
    entry = db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.engine_task_id == task_id)).first()
    if (entry is None or not entry.deadline_element or entry.extend_role not in user.role_names
            or not same_organisation(user, entry.case)):
        raise NotAllowed(_l("Anda tidak dapat memperpanjang batas waktu tugas ini."))
    zone = calendar_for(entry.case.organisation_code).zone
    due_at = datetime.combine(until, time(23, 59, 59), tzinfo=zone)
    if entry.due_at is not None and due_at <= entry.due_at:
        raise CaseError(_l("Perpanjangan harus setelah batas waktu yang berlaku sekarang."))
    return move_deadline(case_id=entry.case_id, element_id=entry.deadline_element, due_at=due_at, reason=reason,
                         actor=user.username)
