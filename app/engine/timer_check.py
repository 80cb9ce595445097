"""Trying a timer expression before it is deployed, the way the engine will evaluate it.

A timer's expression is Python, evaluated when the timer starts waiting (ENGINE-NOTES):
a `timeDate` must give an ISO timestamp, a `timeDuration` an ISO duration ("P14D"), a
`timeCycle` an ISO repetition ("R3/P2D"). An expression that reads process data
(`batas_pengawasan`) can only be checked for its syntax and its names here.
"""
import ast
from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from app.engine.sandbox import SAFE_BUILTINS, Refused, compile_checked, evaluate
from app.engine.scripts import WorkingCalendar, script_functions


@dataclass(frozen=True)
class TimerFault:
    """Why an expression fails: `kind` is one of syntax, unknown_name, failed, not_text,
    bad_value; `detail` is the offending name, value or the error's own words."""

    kind: str
    detail: str


def check_timer_expression(
    *, timer_kind: str, expression: str, calendar: WorkingCalendar, variables: set[str]
) -> TimerFault | None:
    """None when the expression would give a valid due time (or depends on process data
    the diagram sets); otherwise what is wrong. `timer_kind`: timeDate, timeDuration, timeCycle."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        return TimerFault("syntax", exc.msg)
    functions = script_functions(calendar)
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr.startswith("_")}
    unknown = sorted(names - functions.keys() - variables - SAFE_BUILTINS.keys())
    if unknown:
        return TimerFault("unknown_name", unknown[0])
    if names & variables:
        return None  # depends on data a case sets while it runs
    try:
        # Evaluated in the web process at deploy time, before anyone accepted the model:
        # in the same sandbox a running case uses (the gate refused what it refuses).
        value = evaluate(compile_checked(expression.strip(), "eval", frozenset(functions)), dict(functions))
    except Refused as exc:
        return TimerFault("failed", str(exc))
    except Exception as exc:  # any error here is one the running case would hit
        return TimerFault("failed", f"{type(exc).__name__}: {exc}")
    if not isinstance(value, str):
        return TimerFault("not_text", repr(value)[:80])
    try:
        if timer_kind == "timeDate":
            TimerEventDefinition.get_datetime(value)
        elif timer_kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(value)
        else:
            TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception:  # SpiffWorkflow raises bare Exception and ValueError alike
        return TimerFault("bad_value", repr(value)[:80])
    return None


def iso_duration(value: str):
    """An ISO 8601 duration ("PT2H", "P1D") as a timedelta, the way timers read one;
    raises ValueError when it is not one."""
    try:
        return TimerEventDefinition.parse_iso_duration(value)
    except Exception as exc:  # SpiffWorkflow raises bare Exception and ValueError alike
        raise ValueError(value) from exc
