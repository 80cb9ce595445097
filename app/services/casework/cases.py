"""Use cases on a case: start it, claim and complete its tasks.

Each function is one transaction: it commits once at its end, or, when the engine
fails, discards the half-run workflow and commits only the error, so the case stays at
its last good state with the reason recorded for staff.
"""
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.engine import EngineError, HumanTask
from app.extensions import db
from app.models import AuditEvent, Case, Complaint, ProcessVersion, TaskIndexEntry, User
from app.services.audit_trail.audit import SYSTEM_ACTOR, record_event
from app.services.casework.case_errors import ConflictError, TaskNotFound, WorkflowFailed
from app.services.casework.deadline_policy import open_escalations
from app.services.casework.step_effects import apply_confidentiality, record_output
from app.services.casework.transaction_complaints import remember_complaint
from app.services.casework.workflow_state import load_instance, mark_failed, open_case, save_instance
from app.services.definitions.forms import reference_types, validate_submission
from app.services.definitions.processes import version_forms
from app.services.definitions.references import reference_values
from app.services.organisation.access import acting_for
from app.services.organisation.calendar_revision import remember_revision, revision_column


def start_case(*, process_key: str, data: dict, title: str, actor: str) -> Case:
    """Accept a case into the newest version of a process; commits."""
    case = open_case(process_key=process_key, data=data, title=title, actor=actor)
    db.session.commit()
    return case


def complete_task(*, task_id: str, data: dict, actor: str, lang: str = "id", user: User | None = None) -> Case:
    """Validate a task's form data, complete the task and run the engine, atomically;
    the form's output document is kept as a record of the case. `user`: the account of
    `actor` when the caller has it loaded (the API's token user), saving a lookup.

    The case comes back as committed and still loaded (its status, tasks, version), so
    an answer built from it reads nothing again.

    Raises FormValidationError (bad fields), ConflictError (someone else won),
    TaskNotFound, or WorkflowFailed (the engine failed; nothing of the step is kept)."""
    entry = _ready_task(task_id)
    if entry.claimed_by and entry.claimed_by != actor:
        raise ConflictError(_l("Tugas ini sedang dikerjakan oleh %(claimed_by)s.", claimed_by=entry.claimed_by))
    case = entry.case
    form = version_forms(case.process_version).get(entry.form_key) if entry.form_key else None
    # The database-backed values are checked against the case's own organisation.
    references = (reference_values(reference_types(form, submitted=data), organisation_code=case.organisation_code)
                  if form else {})
    cleaned = validate_submission(form, data, lang=lang, references=references) if form else {}
    if entry.escalation_of:  # the deadline policy's escalation item: the workflow does not move
        with refusing_stale_writes():
            _complete_escalation(entry=entry, cleaned=cleaned, form=form, actor=actor, extra=_on_behalf(actor, entry))
            db.session.commit()
        return case
    instance = load_instance(case)
    task = next((t for t in instance.ready_tasks() if t.id == task_id), None)
    before = {key: (task.data if task else {}).get(key) for key in cleaned}
    try:
        steps = instance.complete_task(task_id, cleaned)
    except EngineError as exc:
        db.session.rollback()
        record_failure(case.id, exc, actor=actor)
        raise WorkflowFailed(str(exc)) from exc
    with refusing_stale_writes():
        record_event(
            case=case,
            action="task.completed",
            actor=actor,
            engine_task_id=task_id,
            element_id=entry.element_id,
            lane=entry.lane,
            data_before=before,
            data_after=cleaned | _on_behalf(actor, entry, user=user),
            detail=entry.title,
        )
        if entry.due_at is not None:
            _record_deadline_outcome(case, entry, due_at=entry.due_at, actor=actor)
        if task is not None:
            record_output(case=case, task=task, form=form, data=cleaned, actor=actor)
            apply_confidentiality(case=case, task=task, form=form, data=cleaned, actor=actor)
        save_instance(case, instance, steps=steps[1:])
        commit_keeping_loaded()
    return case


def _complete_escalation(*, entry: TaskIndexEntry, cleaned: dict, form: dict | None, actor: str,
                        extra: dict) -> Case:
    """The supervisor records what was done about the passed deadline. Not an engine
    task: the workflow does not move; a case whose workflow already ended closes now
    if this was its last open escalation."""
    case = entry.case
    record_event(case=case, action="task.completed", actor=actor, engine_task_id=entry.engine_task_id,
                 element_id=entry.element_id, lane=entry.lane, data_before=dict.fromkeys(cleaned),
                 data_after=cleaned | extra, detail=entry.title)
    task = HumanTask(id=entry.engine_task_id, element_id=entry.element_id, title=entry.title, lane=entry.lane,
                     form_key=entry.form_key, status=None, org_unit=None, data={})
    record_output(case=case, task=task, form=form, data=cleaned, actor=actor)
    case.tasks.remove(entry)
    if not case.completed and not open_escalations(case) and load_instance(case).completed:
        now = datetime.now(timezone.utc)
        case.completed, case.closed_at = True, now
        record_event(case=case, action="case.closed", actor=SYSTEM_ACTOR, data_after={"status": case.status})
    db.session.flush()
    return case


def commit_keeping_loaded() -> None:
    """Commit without expiring what the session holds. What this transaction wrote is
    what the database now has, so reloading every attribute after the commit (the API
    answers with the whole case) would only read back our own writes."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _on_behalf(actor: str, entry: TaskIndexEntry, *, user: User | None = None) -> dict:
    """{"on_behalf_of": absent user} when `actor` works on the task as their Plt."""
    if user is None or user.username != actor:
        user = db.session.scalars(db.select(User).where(User.username == actor)).first()
    principal = acting_for(user, entry) if user is not None else None
    return {"on_behalf_of": principal.username} if principal is not None else {}


def _record_deadline_outcome(case: Case, entry: TaskIndexEntry, *, due_at: datetime, actor: str) -> None:
    now = datetime.now(timezone.utc)
    record_event(
        case=case,
        action="deadline.met" if now <= due_at else "deadline.missed",
        actor=actor,
        engine_task_id=entry.engine_task_id,
        element_id=entry.element_id,
        lane=entry.lane,
        detail=entry.title,
        data_after={"due_at": due_at.isoformat(), "completed_at": now.isoformat()},
    )


def claim_task(*, task_id: str, actor: str) -> TaskIndexEntry:
    entry = _ready_task(task_id)
    if entry.claimed_by == actor:
        return entry
    claimed = cast(CursorResult, db.session.execute(
        db.update(TaskIndexEntry)
        .where(TaskIndexEntry.id == entry.id, TaskIndexEntry.claimed_by.is_(None))
        .values(claimed_by=actor, claimed_at=datetime.now(timezone.utc))
    )).rowcount
    if not claimed:
        db.session.rollback()
        # Lost a race; to the same user in another tab or session, the task is theirs.
        holder = db.session.scalar(db.select(TaskIndexEntry.claimed_by).where(TaskIndexEntry.id == entry.id))
        if holder == actor:
            return entry
        raise ConflictError(_l("Tugas ini sudah diambil oleh %(holder)s.", holder=holder) if holder
                            else _l("Tugas ini sudah diambil oleh orang lain."))
    record_event(case=entry.case, action="task.claimed", actor=actor, engine_task_id=task_id,
                 element_id=entry.element_id, lane=entry.lane, detail=entry.title,
                 data_after=_on_behalf(actor, entry) or None)
    db.session.commit()
    db.session.refresh(entry)
    return entry


def unclaim_task(*, task_id: str, actor: str) -> TaskIndexEntry:
    entry = _ready_task(task_id)
    if entry.claimed_by != actor:
        raise ConflictError(_l("Hanya yang mengambil tugas ini yang dapat melepaskannya."))
    entry.claimed_by = None
    entry.claimed_at = None
    record_event(case=entry.case, action="task.unclaimed", actor=actor, engine_task_id=task_id,
                 element_id=entry.element_id, lane=entry.lane, detail=entry.title)
    db.session.commit()
    return entry


def _ready_task(task_id: str) -> TaskIndexEntry:
    """The task's index row with its case, version, tasks and timer, the case's complaint
    and the calendar revision, in one query. The complaint is what the outbox and search
    index listeners read before the commit, the revision what loading the workflow with
    its calendar checks: handing them over saves each step two round trips."""
    row = (
        db.session.execute(
            db.select(TaskIndexEntry, Complaint, revision_column())
            .outerjoin(Complaint, Complaint.case_id == TaskIndexEntry.case_id)
            .where(TaskIndexEntry.engine_task_id == task_id)
            .options(
                joinedload(TaskIndexEntry.case).options(
                    joinedload(Case.process_version).joinedload(ProcessVersion.definition),
                    joinedload(Case.tasks), joinedload(Case.timer),
                )
            )
        )
        .unique()
        .first()
    )
    if row is not None:
        entry, complaint, calendar_revision = row
        remember_complaint(db.session(), entry.case_id, complaint)
        remember_revision(calendar_revision)
        return entry
    done = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.engine_task_id == task_id, AuditEvent.action == "task.completed")
    ).first()
    if done is not None:
        raise ConflictError(_l("Tugas ini sudah diselesaikan oleh %(actor)s.", actor=done.actor))
    raise TaskNotFound(_l("Tugas tidak ditemukan."))


@contextmanager
def refusing_stale_writes():
    """Turn "someone else wrote first" (the lock version moved on, or the task rows we
    meant to change are already gone or taken) into a ConflictError. Flushes can happen
    before the commit (autoflush), so the whole write is guarded, not just the commit."""
    try:
        yield
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        raise ConflictError(_l("Kasus ini baru saja diubah oleh orang lain; muat ulang lalu coba lagi.")) from exc


def record_failure(case_id: int, exc: EngineError, *, actor: str) -> None:
    """In a fresh transaction: the error on the case, nothing of the failed step."""
    case = db.session.get_one(Case, case_id)
    mark_failed(case, exc, actor=actor)
    db.session.commit()
