"""One running workflow, seen through plain values: ready human tasks, the steps the
engine took, and the next timer."""
from dataclasses import dataclass, field
from datetime import datetime, timezone
from uuid import UUID

from flask_babel import lazy_gettext as _l
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import EventBasedGateway
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.dmn.specs import BusinessRuleTaskMixin
from SpiffWorkflow.util.task import TaskState

from app.engine.errors import EngineError


@dataclass(frozen=True)
class HumanTask:
    """A ready user task, as the task index stores it."""

    id: str
    element_id: str
    title: str
    lane: str | None
    form_key: str | None
    status: str | None
    org_unit: str | None
    data: dict
    properties: dict = field(default_factory=dict)
    # From the boundary timer marked `deadline` (else the first interrupting one): its due
    # time, its element id (what an extension moves) and the lane that may extend it.
    due_at: datetime | None = None
    deadline_element: str | None = None
    extend_role: str | None = None
    # That timer's extension properties (step, escalate_to, remind_before, interrupt):
    # what the service layer's deadline policy reads (app/services/casework/deadline_policy.py).
    deadline_properties: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """Something the engine completed that the audit trail records."""

    kind: str  # "decision", "end", "event", "task"
    element_id: str
    title: str
    lane: str | None
    inputs: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    detail: str | None = None
    # The element's extension properties, and for a `forward` the organisation code the
    # named variable held when the element was reached.
    properties: dict = field(default_factory=dict)
    forward_to: str | None = None


@dataclass(frozen=True)
class PendingTimer:
    element_id: str
    due_at: datetime


def _title(spec) -> str:
    return spec.bpmn_name or spec.bpmn_id or spec.name


def _properties(spec) -> dict:
    return getattr(spec, "extensions", None) or {}


class WorkflowInstance:
    def __init__(self, workflow: BpmnWorkflow):
        self.workflow = workflow
        self._ready: list[HumanTask] | None = None  # valid until the workflow moves

    # -- reading -----------------------------------------------------------------

    @property
    def completed(self) -> bool:
        return self.workflow.is_completed()

    def ready_tasks(self) -> list[HumanTask]:
        if self._ready is None:
            self._ready = self._find_ready_tasks()
        return self._ready

    def task_data(self, task_id: str) -> dict:
        """The data a ready task holds (what its form would change)."""
        return next((t.data for t in self.ready_tasks() if t.id == task_id), {})

    def _find_ready_tasks(self) -> list[HumanTask]:
        tasks = []
        for task in self.workflow.get_tasks(state=TaskState.READY, manual=True):
            spec = task.task_spec
            props = _properties(spec)
            unit_variable = props.get("unit_variable")
            form = getattr(spec, "form", None)
            tasks.append(
                HumanTask(
                    id=str(task.id),
                    element_id=spec.bpmn_id,
                    title=_title(spec),
                    lane=spec.lane,
                    form_key=getattr(form, "key", None),
                    status=props.get("status"),
                    org_unit=task.data.get(unit_variable) if unit_variable else None,
                    data=dict(task.data),
                    properties=dict(props),
                    **self._deadline_of(task),
                )
            )
        return tasks

    def status(self) -> str | None:
        """The case status the model declares (a `status` property) where it now stands.

        Finished: the status of the end event reached last. Running: that of the first
        ready task. Waiting on a timer or message alone: that
        of a waiting catch event that declares one, else None (status unchanged)."""
        if self.workflow.is_completed():
            ends = [
                t
                for t in self.workflow.tasks.values()
                if t.state == TaskState.COMPLETED
                and isinstance(t.task_spec, EndEvent)
                and _properties(t.task_spec).get("status")
            ]
            if ends:
                last = max(ends, key=lambda t: t.last_state_change)
                return _properties(last.task_spec)["status"]
            return None
        for task in self.ready_tasks():
            if task.status:
                return task.status
        # A catch event may declare the status of the wait itself (the objection period
        # after the answer reached the complainant); an event-based gateway's waits are
        # its following events.
        for task in self.workflow.get_tasks(state=TaskState.WAITING):
            spec = task.task_spec
            for candidate in (spec.outputs if isinstance(spec, EventBasedGateway) else [spec]):
                status = _properties(candidate).get("status")
                if status:
                    return status
        return None

    def _waiting_events(self):
        """(waiting task, element id, event definition) for everything the workflow waits on.

        An event-based gateway waits for all the events after it at once: SpiffWorkflow
        moves their definitions onto the gateway (its outputs, in the same order) and keeps
        a timer's due time in the gateway task. Each is reported under its own event's id."""
        for task in self.workflow.get_tasks(state=TaskState.WAITING):
            spec = task.task_spec
            definition = getattr(spec, "event_definition", None)
            if isinstance(spec, EventBasedGateway) and isinstance(definition, MultipleEventDefinition):
                for child, child_definition in zip(spec.outputs, definition.event_definitions, strict=True):
                    yield task, child.bpmn_id, child_definition
            elif definition is not None:
                yield task, spec.bpmn_id or spec.name, definition

    def next_timer(self) -> PendingTimer | None:
        due = []
        for task, element_id, definition in self._waiting_events():
            if not isinstance(definition, TimerEventDefinition):
                continue
            when = self._timer_due(task)
            if when is not None:
                due.append(PendingTimer(element_id, when))
        return min(due, key=lambda t: t.due_at) if due else None

    @staticmethod
    def _boundary_timers(task) -> list:
        """The timers on a user task's border: they wait beside it, as siblings."""
        return [
            sibling for sibling in (task.parent.children if task.parent else [])
            if sibling is not task
            and isinstance(getattr(sibling.task_spec, "event_definition", None), TimerEventDefinition)
        ]

    def _deadline_timers(self, task) -> list:
        """The timers marked `deadline` on a task, waiting or already fired: a fired
        deadline stays the task's due time (it was missed, or extended afterwards)."""
        return [t for t in self._boundary_timers(task)
                if _properties(t.task_spec).get("deadline") == "true"
                and t.state in (TaskState.WAITING, TaskState.COMPLETED)]

    def _deadline_of(self, task) -> dict:
        """A user task's deadline: the timer marked `deadline`, else the first waiting
        interrupting one."""
        timers = self._deadline_timers(task) or [
            t for t in self._boundary_timers(task)
            if t.state == TaskState.WAITING and getattr(t.task_spec, "cancel_activity", False)
        ]
        dues = [(self._timer_due(t), t) for t in timers]
        known = [(due, t) for due, t in dues if due is not None]
        if not known:
            return {}
        due, timer = min(known, key=lambda pair: pair[0])
        return {"due_at": due, "deadline_element": timer.task_spec.bpmn_id,
                "extend_role": _properties(timer.task_spec).get("extend_role"),
                "deadline_properties": dict(_properties(timer.task_spec))}

    @staticmethod
    def _timer_due(task) -> datetime | None:
        value = task.internal_data.get("event_value")
        if isinstance(value, dict):  # a cycle: {'cycles', 'next', 'duration'}
            value = value.get("next")
        if not value:
            return None
        when = TimerEventDefinition.get_datetime(value)
        if when.tzinfo is None:
            when = when.astimezone()
        return when.astimezone(timezone.utc)

    # -- acting ----------------------------------------------------------------

    def seed(self, data: dict) -> None:
        """Give a new workflow its starting data (before the first run)."""
        for task in self.workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)

    def run(self) -> list[Step]:
        """Run every engine step until people, timers or messages are awaited."""
        steps: list[Step] = []
        self._ready = None
        try:
            self.workflow.do_engine_steps(did_complete_task=lambda task: self._record(task, steps))
        except EngineError:
            raise
        except Exception as exc:  # a model's expression can raise anything Python can
            raise EngineError(_describe(exc), element_id=_element_of(exc)) from exc
        return steps

    def complete_task(self, task_id: str, data: dict) -> list[Step]:
        task = self.workflow.get_task_from_id(UUID(task_id))
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise EngineError(_l("Tugas ini tidak lagi menunggu diselesaikan."))
        task.data.update(data)
        self._ready = None
        try:
            task.run()
        except Exception as exc:
            raise EngineError(_describe(exc), element_id=task.task_spec.bpmn_id) from exc
        steps = [Step("task", task.task_spec.bpmn_id, _title(task.task_spec), task.task_spec.lane)]
        return steps + self.run()

    def waiting_messages(self) -> set[str]:
        """Names of the messages this workflow is waiting for now."""
        return {
            definition.name
            for _, _, definition in self._waiting_events()
            if isinstance(definition, MessageEventDefinition)
        }

    def deliver_message(self, name: str, payload: dict) -> list[Step]:
        """Resume a waiting message catch event; the payload lands in the variable named
        after the message (the Camunda flavour's result variable)."""
        if name not in self.waiting_messages():
            raise EngineError(_l("Kasus ini tidak sedang menunggu pesan '%(name)s'.", name=name))
        event = BpmnEvent(MessageEventDefinition(name), payload={"payload": payload, "result_var": name})
        self._ready = None
        try:
            self.workflow.send_event(event)
        except Exception as exc:
            raise EngineError(_describe(exc), element_id=_element_of(exc)) from exc
        return self.run()

    def move_timer(self, element_id: str, due_at: datetime) -> datetime | None:
        """Set a timer's due time (an extension, or a test's controlled clock) and return
        the one it had (None: it had none). A waiting timer fires at the new time; a task's deadline that has
        already fired (and escalated) keeps the new time as the task's due time, so that
        an accepted reason for delay decides whether the task met its deadline."""
        for task, waiting_id, definition in self._waiting_events():
            if waiting_id == element_id and isinstance(definition, TimerEventDefinition):
                return self._set_timer_due(task, due_at)
        for task in self.workflow.get_tasks(state=TaskState.READY, manual=True):
            for timer in self._deadline_timers(task):
                if timer.task_spec.bpmn_id == element_id:
                    self._ready = None
                    return self._set_timer_due(timer, due_at)
        raise EngineError(_l(
            "Tidak ada batas waktu '%(element_id)s' yang sedang berjalan pada kasus ini.",
            element_id=element_id))

    def _set_timer_due(self, task, due_at: datetime) -> datetime | None:
        previous = self._timer_due(task)
        value = task.internal_data.get("event_value")
        if isinstance(value, dict):
            value["next"] = due_at.isoformat()
        else:
            task.internal_data["event_value"] = due_at.isoformat()
        return previous

    def path(self) -> tuple[set[str], set[str], set[tuple[str, str]]]:
        """The engine's own history of this instance: (elements finished, elements waiting
        now, element pairs the token moved along). Gateways and script tasks are in it too,
        which the audit trail does not record. Branches the engine cancelled are gone
        from its tree; the caller adds what its audit trail saw reached."""
        done, waiting, moves = set(), set(), set()
        active = TaskState.READY | TaskState.WAITING | TaskState.STARTED
        for task in self.workflow.tasks.values():
            element = task.task_spec.bpmn_id
            if not element:
                continue
            if task.state == TaskState.COMPLETED:
                done.add(element)
            elif task.state & active:
                waiting.add(element)
            else:
                continue
            parent = task.parent
            while parent is not None and not parent.task_spec.bpmn_id:
                parent = parent.parent
            if parent is not None:
                moves.add((parent.task_spec.bpmn_id, element))
        return done, waiting, moves

    def fire_timers(self) -> list[Step]:
        try:
            self.workflow.refresh_timers()
        except Exception as exc:
            raise EngineError(_describe(exc), element_id=_element_of(exc)) from exc
        return self.run()

    # -- helpers -----------------------------------------------------------------

    def _record(self, task, steps: list[Step]) -> None:
        spec = task.task_spec
        if not spec.bpmn_id:  # the engine's own bookkeeping tasks
            return
        props = _properties(spec)
        forward_variable = props.get("forward")
        forward_to = task.data.get(forward_variable) if forward_variable else None
        if isinstance(spec, BusinessRuleTaskMixin):
            steps.append(_decision_step(task))
        elif isinstance(spec, EndEvent):
            steps.append(Step("end", spec.bpmn_id, _title(spec), spec.lane, detail=props.get("status"),
                              properties=dict(props), forward_to=forward_to))
        elif getattr(spec, "event_definition", None) is not None and (spec.bpmn_name or forward_variable):
            steps.append(Step("event", spec.bpmn_id, _title(spec), spec.lane, properties=dict(props),
                              forward_to=forward_to))


def _decision_step(task) -> Step:
    """The inputs a decision table read, the rule that matched and what it decided.

    SpiffWorkflow leaves the outputs undefined when no rule matches and lets a later
    gateway fail obscurely; we stop here instead with the table and its inputs named."""
    table = task.task_spec.dmnEngine.decision_table
    engine = task.task_spec.dmnEngine
    inputs = {i.expression or i.label: task.data.get(i.expression) for i in table.inputs}
    matched = engine.decide(task)
    if not matched:
        raise EngineError(
            f"Langkah '{_title(task.task_spec)}': tabel keputusan '{table.name or table.id}' "
            f"tidak punya aturan untuk masukan {inputs}.",
            element_id=task.task_spec.bpmn_id,
        )
    outputs = {o.name: task.data.get(o.name) for o in table.outputs}
    rule = matched[0]
    return Step(
        "decision",
        task.task_spec.bpmn_id,
        _title(task.task_spec),
        task.task_spec.lane,
        inputs=inputs,
        outputs=outputs,
        detail=f"aturan {rule.row_number}: {rule.description}".strip().rstrip(":"),
    )


def _describe(exc: Exception) -> str:
    return str(exc) or exc.__class__.__name__


def _element_of(exc: Exception) -> str | None:
    task = getattr(exc, "task", None)
    return getattr(getattr(task, "task_spec", None), "bpmn_id", None)
