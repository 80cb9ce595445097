"""Loading a case's workflow and saving it back with everything derived from it: the
status, the task index, the timer index and the audit of what the engine did.

Nothing here commits; the use case that called it does, once.
"""
from datetime import datetime, timezone

from app.engine import PendingTimer, Step, WorkflowInstance
from app.extensions import db
from app.models import Case, CaseUnit, TaskIndexEntry, TimerIndexEntry
from app.services.audit import SYSTEM_ACTOR, record_event
from app.services.calendar import calendar_for
from app.services.deadline_policy import apply_escalations, next_reminder, open_escalations, schedule_reminder
from app.services.processes import process_engine
from app.services.step_effects import apply_forwards


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
    apply_forwards(case=case, steps=steps)
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
