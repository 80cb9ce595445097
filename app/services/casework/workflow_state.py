"""Starting a case's workflow, loading it and saving it back with everything derived from
it: the status, the task index, the timer index, the audit of what the engine did and the
steps' effects (a forward to another agency starts a case there: `open_case` again).

Nothing here commits; the use case that called it does, once.
"""
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l

from app.engine import EngineError, PendingTimer, Step, WorkflowInstance
from app.extensions import db
from app.models import Case, CaseUnit, Organisation, TaskIndexEntry, TimerIndexEntry
from app.services.audit_trail.audit import SYSTEM_ACTOR, record_event
from app.services.audit_trail.audit_chain import start_chain
from app.services.casework.case_errors import ProcessNotDeployed
from app.services.casework.deadline_policy import apply_escalations, next_reminder, open_escalations, schedule_reminder
from app.services.casework.step_effects import apply_forwards
from app.services.definitions.processes import latest_version, process_engine
from app.services.organisation.calendar import calendar_for
from app.services.organisation.org_settings import settings_for
from app.services.organisation.organisations import organisation_running

RECEIVED_STATUS = "diterima"


def tracking_number_for(case: Case) -> str:
    return f"DUMAS-{case.created_at.year}-{case.id:06d}"


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
        raise ProcessNotDeployed(_l("Proses '%(process_key)s' belum dideploy.", process_key=process_key))
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
        mark_failed(case, failure, actor=actor)
    else:
        save_instance(case, instance, steps=steps)
    return case


def _reserved_case_id() -> int | None:
    """The next case id from PostgreSQL's sequence (the column's own default draws from
    it too); None on SQLite, which gives an id only on insert."""
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    return db.session.scalar(db.text("SELECT nextval('cases_id_seq')"))


def mark_failed(case: Case, exc: EngineError, *, actor: str) -> None:
    """The engine's error on the case, for staff; the caller decides what else is kept."""
    case.last_error = str(exc)
    case.last_error_at = datetime.now(timezone.utc)
    record_event(case=case, action="engine.failed", actor=actor, element_id=exc.element_id, detail=str(exc))


def load_instance(case: Case) -> WorkflowInstance:
    version = case.process_version
    return process_engine().load(
        cache_key=version.content_hash,
        load_spec=lambda: version.spec_json,
        state=case.workflow_state,
        calendar=calendar_for(case.organisation_code),
    )


def save_instance(case: Case, instance: WorkflowInstance, *, steps: list[Step]) -> None:
    now = datetime.now(timezone.utc)
    case.workflow_state = process_engine().dump(instance)
    case.last_error = None
    case.last_error_at = None
    _record_steps(case, steps)
    apply_forwards(case=case, steps=steps, open_linked_case=open_case)
    _sync_task_index(case, instance, now=now)
    apply_escalations(case, steps, now=now)
    _sync_timer_index(case, instance)
    new_status = instance.status()
    if new_status and new_status != case.status:
        record_event(
            case=case,
            action="case.status_changed",
            actor=SYSTEM_ACTOR,
            data_before={"status": case.status},
            data_after={"status": new_status},
        )
        case.status = new_status
    # An open escalation item keeps the case open until the supervisor records it.
    if instance.completed and not case.completed and not open_escalations(case):
        case.completed = True
        case.closed_at = now
        record_event(case=case, action="case.closed", actor=SYSTEM_ACTOR, data_after={"status": case.status})


def _record_steps(case: Case, steps: list[Step]) -> None:
    for step in steps:
        if step.kind == "decision":
            record_event(
                case=case,
                action="decision.evaluated",
                actor=SYSTEM_ACTOR,
                element_id=step.element_id,
                lane=step.lane,
                data_before=step.inputs,
                data_after=step.outputs,
                detail=step.detail,
            )
        elif step.kind in {"end", "event"}:
            record_event(
                case=case,
                action="event.reached",
                actor=SYSTEM_ACTOR,
                element_id=step.element_id,
                lane=step.lane,
                detail=step.title,
            )


def _sync_task_index(case: Case, instance: WorkflowInstance, *, now: datetime) -> None:
    """The index rows of the ready tasks, with the copies of the case's organisation and
    process key the inbox filters on, and the case's next deadline (the register's sort)."""
    ready = {task.id: task for task in instance.ready_tasks()}
    indexed = {entry.engine_task_id: entry for entry in case.tasks}
    process_key = case.process_version.definition.key
    case.next_due_at = min((task.due_at for task in ready.values() if task.due_at is not None), default=None)
    for task_id, entry in indexed.items():
        if task_id not in ready and not entry.escalation_of:  # escalation items are not engine tasks
            case.tasks.remove(entry)
    for task_id, task in ready.items():
        if task_id in indexed:  # a moved deadline moves the task's, and its reminder if not sent
            entry = indexed[task_id]
            moved = entry.due_at != task.due_at
            entry.due_at, entry.deadline_element, entry.extend_role = task.due_at, task.deadline_element, task.extend_role
            if moved:
                schedule_reminder(case, entry, task)
            continue
        entry = TaskIndexEntry(
            organisation_code=case.organisation_code,
            process_key=process_key,
            engine_task_id=task_id,
            element_id=task.element_id,
            title=task.title,
            lane=task.lane or "",
            role=task.lane or "",
            org_unit=task.org_unit,
            form_key=task.form_key,
            created_at=now,
            due_at=task.due_at,
            deadline_element=task.deadline_element,
            extend_role=task.extend_role,
        )
        schedule_reminder(case, entry, task)
        case.tasks.append(entry)
        if task.org_unit:
            _remember_unit(case, task.org_unit)
        record_event(
            case=case,
            action="task.created",
            actor=SYSTEM_ACTOR,
            engine_task_id=task_id,
            element_id=task.element_id,
            lane=task.lane,
            detail=task.title,
            data_after={k: v for k, v in (("org_unit", task.org_unit),
                                          ("due_at", task.due_at.isoformat() if task.due_at else None)) if v} or None,
        )


def _remember_unit(case: Case, unit_code: str) -> None:
    if db.session.get(CaseUnit, {"case_id": case.id, "unit_code": unit_code}) is None:
        db.session.add(CaseUnit(case_id=case.id, unit_code=unit_code))


def _sync_timer_index(case: Case, instance: WorkflowInstance) -> None:
    """The case's earliest due time: an engine timer, or a reminder of the deadline
    policy (its element id is then `pengingat:<task element>`)."""
    pending = instance.next_timer()
    reminder = next_reminder(case)
    remind_at = reminder.remind_at if reminder is not None else None
    if reminder is not None and remind_at is not None and (pending is None or remind_at < pending.due_at):
        pending = PendingTimer(f"pengingat:{reminder.element_id}", remind_at)
    if pending is None:
        case.timer = None
    elif case.timer is None:
        case.timer = TimerIndexEntry(due_at=pending.due_at, element_id=pending.element_id)
    else:
        case.timer.due_at = pending.due_at
        case.timer.element_id = pending.element_id
