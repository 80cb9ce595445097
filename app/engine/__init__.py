"""The only package that imports SpiffWorkflow.

`ProcessEngine` parses and caches process versions and turns stored state into
`WorkflowInstance` objects and back. Everything above this package sees plain Python
values: HumanTask, Step, PendingTimer.
"""
from app.engine.engine import ParsedModels, ProcessEngine, decision_ids, decision_refs
from app.engine.errors import EngineError, ModelError
from app.engine.instance import HumanTask, PendingTimer, Step, WorkflowInstance
from app.engine.scripts import WorkingCalendar

__all__ = [
    "EngineError",
    "decision_ids",
    "decision_refs",
    "HumanTask",
    "ModelError",
    "ParsedModels",
    "PendingTimer",
    "ProcessEngine",
    "Step",
    "WorkflowInstance",
    "WorkingCalendar",
]
