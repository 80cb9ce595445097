"""Use cases on a case: start it, claim and complete its tasks.

Each function is one transaction: it commits once at its end, or, when the engine
fails, discards the half-run workflow and commits only the error, so the case stays at
its last good state with the reason recorded for staff.
"""
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.engine import EngineError, WorkflowInstance
from app.extensions import db
from app.models import AuditEvent, Case, Organisation, ProcessVersion, TaskIndexEntry, User
from app.services.access import acting_for
from app.services.audit import record_event
from app.services.audit_chain import start_chain
from app.services.calendar import calendar_for
from app.services.deadline_policy import complete_escalation
from app.services.forms import reference_types, validate_submission
from app.services.org_settings import settings_for
from app.services.organisations import organisation_running
from app.services.processes import latest_version, process_engine, version_forms
from app.services.references import reference_values
from app.services.step_effects import apply_confidentiality, record_output
from app.services.workflow_state import load_instance, save_instance

RECEIVED_STATUS = "diterima"


class CaseError(Exception):
    """Base of what a use case refuses; the message is for the person who asked."""


class ProcessNotDeployed(CaseError):
    pass


class TaskNotFound(CaseError):
    pass


class ConflictError(CaseError):
    """Someone else changed the case or took the task first."""


class WorkflowFailed(CaseError):
    """The engine failed; the case was left as it was and the error recorded on it."""


def tracking_number_for(case: Case) -> str:
    return f"DUMAS-{case.created_at.year}-{case.id:06d}"


def start_case(*, process_key: str, data: dict, title: str, actor: str) -> Case:
    """Accept a case into the newest version of a process; commits."""
    case = open_case(process_key=process_key, data=data, title=title, actor=actor)
    db.session.commit()
    return case


def open_case(
    *, process_key: str, data: dict, title: str, actor: str, source_case: Case | None = None,
    organisation: Organisation | None = None,
) -> Case:
    """Create a case and run its first steps, without committing, so that a caller can
    store what belongs with it (the complaint, its files) in the same transaction.
    `organisation`: the one running `process_key`, when the caller has it loaded.

    The case belongs to the organisation that runs the process. It is kept even if the
    model fails on its first steps: an accepted complaint is never lost; staff see the
    error on the case instead.

    The engine runs first, so the row is inserted with its state after the first steps
    (and, on PostgreSQL, whose sequence gives the id beforehand, its tracking number):
    what follows updates only its status and deadline, not the workflow state again."""
    version = latest_version(process_key=process_key)
    if version is None:
        raise ProcessNotDeployed(f"Proses '{process_key}' belum dideploy.")
    if organisation is None or organisation.process_key != process_key:
        organisation = organisation_running(process_key)
    organisation_code = organisation.code if organisation else None
    calendar = calendar_for(organisation_code)
    # When the complaint was received: a deadline counted from receipt rather than from
    # its task's start reads it (SOP 002 step 3: `tambah_hari_kerja_sejak(diterima_pada, 3)`).
    # The owner's objection period (0: none) is read by the diagram's "Ada masa keberatan?".
    settings = settings_for(organisation_code, version=version)
    seed = {"diterima_pada": datetime.now(timezone.utc).isoformat(),
            "masa_keberatan_hari": settings["objection_days"], **data}

    def seeded() -> WorkflowInstance:
        instance = process_engine().start(cache_key=version.content_hash, load_spec=lambda: version.spec_json,
                                          calendar=calendar)
        instance.seed(seed)
        return instance

    instance, failure, steps = seeded(), None, []
    try:
        steps = instance.run()
    except EngineError as exc:
        failure, instance = exc, seeded()  # kept as received, before the steps that failed
    case = Case(
        id=_reserved_case_id(),
        process_version=version,
        status=RECEIVED_STATUS,
        title=title,
        workflow_state=process_engine().dump(instance),
        created_at=datetime.now(timezone.utc),
        organisation_code=organisation_code,
        source_case_id=source_case.id if source_case else None,
        # A new case has no tasks or timer yet: known, so saving it loads neither.
        tasks=[],
        timer=None,
    )
    if case.id is not None:
        case.tracking_number = tracking_number_for(case)
    db.session.add(case)
    # Written now, before any row that refers to it: the audit events and others name the
    # case by id only, so a flush holding them and the case would not know its order.
    db.session.flush()
    if case.tracking_number is None:  # SQLite: the id is known only now
        case.tracking_number = tracking_number_for(case)
    start_chain(case.id)
    record_event(
        case=case,
        action="case.started",
        actor=actor,
        data_after=data,
        detail=f"{version.definition.key} versi {version.number}"
        + (f", diteruskan dari {source_case.tracking_number}" if source_case else ""),
    )
    if failure is not None:
        _mark_failed(case, failure, actor=actor)
    else:
        save_instance(case, instance, steps=steps)
    return case


def _reserved_case_id() -> int | None:
    """The next case id from PostgreSQL's sequence (the column's own default draws from
    it too); None on SQLite, which gives an id only on insert."""
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    return db.session.scalar(db.text("SELECT nextval('cases_id_seq')"))


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
        raise ConflictError(f"Tugas ini sedang dikerjakan oleh {entry.claimed_by}.")
    case = entry.case
    form = version_forms(case.process_version).get(entry.form_key) if entry.form_key else None
    # The database-backed values are checked against the case's own organisation.
    references = reference_values(reference_types(form), organisation_code=case.organisation_code) if form else {}
    cleaned = validate_submission(form, data, lang=lang, references=references) if form else {}
    if entry.escalation_of:  # the deadline policy's escalation item: the workflow does not move
        with refusing_stale_writes():
            complete_escalation(entry=entry, cleaned=cleaned, form=form, actor=actor, extra=_on_behalf(actor, entry))
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
            _record_deadline_outcome(case, entry, actor=actor)
        if task is not None:
            record_output(case=case, task=task, form=form, data=cleaned, actor=actor)
            apply_confidentiality(case=case, task=task, form=form, data=cleaned, actor=actor)
        save_instance(case, instance, steps=steps[1:])
        commit_keeping_loaded()
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


def _record_deadline_outcome(case: Case, entry: TaskIndexEntry, *, actor: str) -> None:
    now = datetime.now(timezone.utc)
    record_event(
        case=case,
        action="deadline.met" if now <= entry.due_at else "deadline.missed",
        actor=actor,
        engine_task_id=entry.engine_task_id,
        element_id=entry.element_id,
        lane=entry.lane,
        detail=entry.title,
        data_after={"due_at": entry.due_at.isoformat(), "completed_at": now.isoformat()},
    )


def claim_task(*, task_id: str, actor: str) -> TaskIndexEntry:
    entry = _ready_task(task_id)
    if entry.claimed_by == actor:
        return entry
    claimed = db.session.execute(
        db.update(TaskIndexEntry)
        .where(TaskIndexEntry.id == entry.id, TaskIndexEntry.claimed_by.is_(None))
        .values(claimed_by=actor, claimed_at=datetime.now(timezone.utc))
    ).rowcount
    if not claimed:
        db.session.rollback()
        # Lost a race; to the same user in another tab or session, the task is theirs.
        holder = db.session.scalar(db.select(TaskIndexEntry.claimed_by).where(TaskIndexEntry.id == entry.id))
        if holder == actor:
            return entry
        raise ConflictError(f"Tugas ini sudah diambil oleh {holder or 'orang lain'}.")
    record_event(case=entry.case, action="task.claimed", actor=actor, engine_task_id=task_id,
                 element_id=entry.element_id, lane=entry.lane, detail=entry.title,
                 data_after=_on_behalf(actor, entry) or None)
    db.session.commit()
    db.session.refresh(entry)
    return entry


def unclaim_task(*, task_id: str, actor: str) -> TaskIndexEntry:
    entry = _ready_task(task_id)
    if entry.claimed_by != actor:
        raise ConflictError("Hanya yang mengambil tugas ini yang dapat melepaskannya.")
    entry.claimed_by = None
    entry.claimed_at = None
    record_event(case=entry.case, action="task.unclaimed", actor=actor, engine_task_id=task_id,
                 element_id=entry.element_id, lane=entry.lane, detail=entry.title)
    db.session.commit()
    return entry


def _ready_task(task_id: str) -> TaskIndexEntry:
    """The task's index row with its case, version, tasks and timer, in one query."""
    entry = (
        db.session.scalars(
            db.select(TaskIndexEntry)
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
    if entry is not None:
        return entry
    done = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.engine_task_id == task_id, AuditEvent.action == "task.completed")
    ).first()
    if done is not None:
        raise ConflictError(f"Tugas ini sudah diselesaikan oleh {done.actor}.")
    raise TaskNotFound("Tugas tidak ditemukan.")


@contextmanager
def refusing_stale_writes():
    """Turn "someone else wrote first" (the lock version moved on, or the task rows we
    meant to change are already gone or taken) into a ConflictError. Flushes can happen
    before the commit (autoflush), so the whole write is guarded, not just the commit."""
    try:
        yield
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        raise ConflictError("Kasus ini baru saja diubah oleh orang lain; muat ulang lalu coba lagi.") from exc


def _mark_failed(case: Case, exc: EngineError, *, actor: str) -> None:
    case.last_error = str(exc)
    case.last_error_at = datetime.now(timezone.utc)
    record_event(case=case, action="engine.failed", actor=actor, element_id=exc.element_id, detail=str(exc))


def record_failure(case_id: int, exc: EngineError, *, actor: str) -> None:
    """In a fresh transaction: the error on the case, nothing of the failed step."""
    case = db.session.get(Case, case_id)
    _mark_failed(case, exc, actor=actor)
    db.session.commit()
