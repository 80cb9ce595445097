"""The deadline policy: what happens around a step's standard time, applied here rather
than drawn for every step (issue 14, item 1).

A diagram draws each step's time once, as the step's own boundary timer (properties in
app/services/definitions/deadline_timers.py); the engine fires it as any timer. Around it:

- **reminder**: `remind_before` working days (or an ISO duration) before the due time,
  the task's lane is reminded: `deadline.reminded` in the trail. Its time is kept on the
  task's index row (`remind_at`) and the timer index holds the case's earliest of
  reminder and engine timer, so the same sweeper fires both (app/services/casework/timers.py).
  A reminder whose deadline has already passed is dropped, not sent late.
- **escalation**: when the timer fires, if the timer or the owner's policy names a lane
  (`escalate_to`, else `extend_role`), an escalation item (a task-index row with
  `escalation_of`, form `eskalasi_tenggat`) waits in the inbox of the `escalate_to` lane
  (and the heads' "Tim" tab); `deadline.escalated` in the trail. Completing it (app/services/casework/cases.py) keeps the
  "Catatan eskalasi" record. A case does not close while an escalation item is open.
  A timer naming no lane is a step with nobody above it in the SOP: its miss is only recorded.
- **interrupt**: `true` takes the late task from its lane to the `escalate_to` lane
  (released if someone held it); otherwise the task stays where it is.
- met/missed: recorded when the task is completed (app/services/casework/cases.py), unchanged.

The organisation's `deadline_policy` setting (app/services/organisation/org_settings.py) overrides the
timer's properties, for all its timers or per timer id.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from uuid import uuid4

from app.engine import HumanTask, Step
from app.engine.timer_check import iso_duration
from app.models import Case, TaskIndexEntry
from app.services.audit_trail.audit import SYSTEM_ACTOR, record_event
from app.services.definitions.deadline_timers import ESCALATION_FORM
from app.services.organisation.calendar import calendar_for
from app.services.organisation.org_settings import settings_for

DEFAULT_REMIND_BEFORE = "2"
_DURATION = re.compile(r"^P(T?\d|\d)")


@dataclass(frozen=True)
class DeadlinePolicy:
    remind_before: int | timedelta | None  # working days, or a duration; None: no reminder
    escalate_to: str | None
    interrupt: bool


def applies(properties: dict) -> bool:
    """A deadline timer of the policy's convention declares `step` or `remind_before`; a
    timer of an older diagram that draws its own reminder and escalation does not, and the
    policy leaves it alone (no second reminder, no second escalation)."""
    return properties.get("deadline") == "true" and ("remind_before" in properties or "step" in properties)


def policy_for(*, organisation_code: str | None, element_id: str | None, properties: dict,
               lane: str | None = None) -> DeadlinePolicy:
    """The timer's properties, overridden by the organisation's policy, then per timer."""
    remind = properties.get("remind_before", DEFAULT_REMIND_BEFORE)
    # A timer naming no lane to escalate to (nor one that may extend it) is a step the SOP
    # gives nobody above (SOP 003's Admin Nasional, SOP 004's Deputi, the Asdep's 20
    # minutes): its miss is recorded, and nobody gets an item, unless the owner names one.
    escalate_to = properties.get("escalate_to") or properties.get("extend_role") or None
    interrupt = properties.get("interrupt") == "true"
    chosen = settings_for(organisation_code).get("deadline_policy") or {}
    for layer in (chosen, (chosen.get("steps") or {}).get(element_id or "", {})):
        if "remind_before" in layer:
            remind = str(layer["remind_before"])
        escalate_to = layer.get("escalate_to") or escalate_to
        if "interrupt" in layer:
            interrupt = bool(layer["interrupt"])
    return DeadlinePolicy(remind_before=parse_remind_before(remind), escalate_to=escalate_to, interrupt=interrupt)


def parse_remind_before(value: str | None) -> int | timedelta | None:
    """"2" -> 2 working days, "PT2H" -> two hours, "0" or "" -> no reminder. Raises
    ValueError on anything else (the deploy gate reports it)."""
    value = (value or "").strip()
    if value in ("", "0"):
        return None
    if value.isdigit():
        return int(value)
    if _DURATION.match(value):
        return iso_duration(value)
    raise ValueError(value)


def remind_at(*, case: Case, due_at: datetime, policy: DeadlinePolicy) -> datetime | None:
    lead = policy.remind_before
    if lead is None:
        return None
    if isinstance(lead, timedelta):
        return due_at - lead
    return calendar_for(case.organisation_code).working_days_before(due_at, lead).astimezone(timezone.utc)


def schedule_reminder(case: Case, entry: TaskIndexEntry, task: HumanTask) -> None:
    """Give a task with a deadline its reminder time; a moved deadline moves a reminder
    not yet sent."""
    if entry.escalation_of or entry.reminded_at is not None:
        return
    if task.due_at is None or not applies(task.deadline_properties):
        entry.remind_at = None
        return
    policy = policy_for(organisation_code=case.organisation_code, element_id=task.deadline_element,
                        properties=task.deadline_properties, lane=task.lane)
    entry.remind_at = remind_at(case=case, due_at=task.due_at, policy=policy)


def next_reminder(case: Case) -> TaskIndexEntry | None:
    pending = [t for t in case.tasks if t.remind_at is not None and t.reminded_at is None]
    # Every entry in `pending` has a remind_at (filtered above).
    return min(pending, key=lambda t: t.remind_at) if pending else None  # type: ignore[arg-type,return-value]


def send_due_reminders(case: Case, *, now: datetime) -> int:
    """Remind the lanes of the tasks whose reminder time has come; returns how many."""
    sent = 0
    for entry in list(case.tasks):
        if entry.remind_at is None or entry.reminded_at is not None or entry.remind_at > now:
            continue
        entry.reminded_at = now
        if entry.due_at is None or entry.due_at <= now:
            continue  # the deadline itself has passed: the escalation says it now
        record_event(case=case, action="deadline.reminded", actor=SYSTEM_ACTOR, engine_task_id=entry.engine_task_id,
                     element_id=entry.element_id, lane=entry.lane, detail=entry.title,
                     data_after={"due_at": entry.due_at.isoformat(), "deadline_element": entry.deadline_element,
                                 "org_unit": entry.org_unit})
        sent += 1
    return sent


def apply_escalations(case: Case, steps: list[Step], *, now: datetime) -> None:
    """A deadline timer that fired: open the escalation item, and interrupt if the policy says."""
    for step in steps:
        if not applies(step.properties):
            continue
        late = next((t for t in case.tasks if t.deadline_element == step.element_id and not t.escalation_of), None)
        if late is None:
            continue
        policy = policy_for(organisation_code=case.organisation_code, element_id=step.element_id,
                            properties=step.properties, lane=late.lane)
        if policy.escalate_to is None:
            continue  # recorded as missed when the task is completed; nobody to escalate to
        lane = policy.escalate_to
        item = TaskIndexEntry(
            engine_task_id=str(uuid4()), element_id=f"eskalasi_{late.element_id}",
            title=f"Eskalasi: {late.title} lewat batas waktu", lane=lane, role=lane, org_unit=None,
            form_key=ESCALATION_FORM, created_at=now, escalation_of=step.element_id,
            organisation_code=case.organisation_code, process_key=late.process_key,
        )
        case.tasks.append(item)
        data = {"task": late.element_id, "task_title": late.title, "task_lane": late.lane, "org_unit": late.org_unit,
                "due_at": late.due_at.isoformat() if late.due_at else None, "interrupt": policy.interrupt}
        record_event(case=case, action="deadline.escalated", actor=SYSTEM_ACTOR, element_id=step.element_id,
                     lane=lane, detail=late.title, data_after=data)
        record_event(case=case, action="task.created", actor=SYSTEM_ACTOR, engine_task_id=item.engine_task_id,
                     element_id=item.element_id, lane=lane, detail=item.title)
        if policy.interrupt and late.role != lane:
            record_event(case=case, action="task.interrupted", actor=SYSTEM_ACTOR,
                         engine_task_id=late.engine_task_id, element_id=late.element_id, lane=lane,
                         detail=late.title, data_before={"role": late.role, "claimed_by": late.claimed_by},
                         data_after={"role": lane})
            late.role, late.claimed_by, late.claimed_at = lane, None, None


def open_escalations(case: Case) -> list[TaskIndexEntry]:
    return [t for t in case.tasks if t.escalation_of]
